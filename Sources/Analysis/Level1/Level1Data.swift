// Values shared by the Level 1 sections, computed once per AnalysisContext: the half maps and their unmasked FSC
// (`SharedValue.level1`, kept for the run), and the halves' spectra (`SharedValue.halfSpectra`: 1 GiB at 512³,
// read by 1.a and 1.b only, so let go after them instead of being held through 1.c's local maps).
import Foundation
import MapIO
import VolumeNumerics

final class Level1Data: @unchecked Sendable {
    let half1: Volume
    let half2: Volume
    let unmaskedFSC: FSCCurve

    init(half1: Volume, half2: Volume, unmaskedFSC: FSCCurve) {
        self.half1 = half1; self.half2 = half2; self.unmaskedFSC = unmaskedFSC
    }

    /// The shared data for a context; throws notApplicable without half maps. Sections that do not read the
    /// spectra (1.c, 1.d) run after 1.a and 1.b, which do: when one of them makes the FSC first (1.a and 1.b not
    /// run), the spectra it needs for it are not kept.
    static func of(_ context: AnalysisContext) throws -> Level1Data {
        try of(context, keepingSpectra: false)
    }

    /// The halves' spectra (unnormalised), for 1.a and 1.b: kept until the last of them has run (made with the
    /// unmasked FSC when that is made here), made again if asked for after that.
    static func spectra(_ context: AnalysisContext) throws -> HalfSpectra {
        let data = try of(context, keepingSpectra: true)
        return try sharedSpectra(context, data.half1, data.half2)
    }

    /// The one maker of the shared spectra, so that the FSC's and 1.a/1.b's are the same value.
    private static func sharedSpectra(_ context: AnalysisContext, _ h1: Volume, _ h2: Volume) throws -> HalfSpectra {
        try context.shared(.halfSpectra) { HalfSpectra(h1, h2) }
    }

    private static func of(_ context: AnalysisContext, keepingSpectra: Bool) throws -> Level1Data {
        guard let (h1, h2) = context.halves else { throw SectionError.notApplicable("no half maps given") }
        guard h1.dims == h2.dims, h1.dims == context.map.dims else {
            throw SectionError.failed("half maps: boxes \(h1.dims) and \(h2.dims) differ from each other or from the map's \(context.map.dims)")
        }
        if let reason = identityProblem(h1, h2, map: context.map) { throw SectionError.notApplicable(reason) }
        return try context.shared(.level1) {
            let s = keepingSpectra ? try sharedSpectra(context, h1, h2) : HalfSpectra(h1, h2)
            return Level1Data(half1: h1, half2: h2, unmaskedFSC: FSC.curve(s.spectrum1, s.spectrum2))
        }
    }
}

/// The two half maps' spectra (`SharedValue.halfSpectra`).
final class HalfSpectra: @unchecked Sendable {
    let spectrum1: FourierVolume
    let spectrum2: FourierVolume

    /// The forward transforms of the two halves.
    init(_ half1: Volume, _ half2: Volume) {
        spectrum1 = FFT.forward(half1); spectrum2 = FFT.forward(half2)
    }
}

extension Level1Data {
    /// Why the halves cannot be compared, when they are identical to each other or to the map: their FSC
    /// is then 1 at every frequency (Nyquist "resolution") and measures nothing, so no Level 1 section can
    /// be evaluated (SPEC Level 1: the halves are two independent reconstructions).
    static func identityProblem(_ h1: Volume, _ h2: Volume, map: Volume) -> String? {
        func same(_ a: Volume, _ b: Volume) -> Bool { a.dims == b.dims && a.data == b.data }
        for (k, h) in [(1, h1), (2, h2)] where h.data.allSatisfy({ $0 == h.data.first }) {
            return "half map \(k) has no variance (every voxel is \(NumberText.format(Double(h.data.first ?? 0)))): "
                + "there is no signal to correlate"
        }
        if same(h1, h2) {
            return "the two half maps hold identical voxel values: they are not independent reconstructions, "
                + "and their FSC (1 at every frequency) measures nothing"
        }
        for (k, h) in [(1, h1), (2, h2)] where same(h, map) {
            return "half map \(k) holds the same voxel values as the map: the halves must be two independent "
                + "reconstructions, not the map itself"
        }
        return nil
    }
}

/// Helpers shared by the Level 1 sections.
enum Level1Format {
    /// Resolution in Å of a frequency in 1/Å.
    static func resolutionA(_ f: Double) -> Double { f > 0 ? 1 / f : .infinity }

    /// One entry of the front-page summary (`resolution_estimates_A`).
    static func estimate(_ name: String, _ valueA: Double) -> JSONValue {
        .object(["name": .string(name), "value_A": .number(valueA)])
    }

    /// Resolution in Å of a crossing (nil when the curve gives no resolution).
    static func resolutionA(_ c: FSCCrossing, _ frequencies: [Double]) -> Double? {
        c.frequencyInvA(frequencies).map { resolutionA($0) }
    }

    /// A resolution metric: the value in Å, or null when the curve gives no resolution.
    static func metric(_ valueA: Double?) -> JSONValue { valueA.map { .number($0) } ?? .null }

    /// The front-page entries of the estimates that gave a resolution (no entry for "no resolution").
    static func estimates(_ named: [(String, Double?)]) -> JSONValue {
        .array(named.compactMap { n, v in v.map { estimate(n, $0) } })
    }

    /// The warning for a curve below its threshold from the lowest frequencies (docs/methods.md, "FSC crossings").
    static func noResolutionWarning(_ curve: String, threshold: String, cause: String = "unrelated or misaligned half maps?") -> String {
        "no resolution: the \(curve) is below \(threshold) from the lowest frequencies (\(cause))"
    }

    /// The warning "R < 0.8 × estimate" if it applies (none when the estimate gave no resolution).
    static func overestimateWarning(reported r: Double?, estimateA: Double?, estimator: String) -> String? {
        guard let r, let estimateA, r < 0.8 * estimateA else { return nil }
        return "the reported resolution \(NumberText.format(r)) Å is better than 0.8 × the \(estimator) resolution (\(NumberText.format(estimateA)) Å): it may be overestimated"
    }

    /// Max-variance slices (X, Y, Z) of a volume as panels.
    static func maxVarianceSlices(_ v: Volume, prefix: String = "") -> [Image2D] {
        Axis.allCases.map { axis in
            let i = v.maxVarianceIndex(axis)
            return Image2D(v.slice(axis, i), label: "\(prefix)\(axis.name) = \(i)")
        }
    }
}
