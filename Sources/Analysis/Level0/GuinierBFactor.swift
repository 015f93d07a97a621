// 0.d Global B-factor from the Guinier plot (docs/methods.md "0.d"; Rosenthal & Henderson 2003, J. Mol. Biol. 333:721).
//
// ln|F| (F the mean structure-factor amplitude of a Fourier shell, shell = round(|k|) for cubic boxes, see
// FrequencyGrid.swift) is fitted by least squares as a·(1/d²) + b over the shells with 15 Å ≥ d ≥ R, and
// B = 4a. Convention (VRS's): B is minus the crystallographic B-factor — a blurred, unsharpened map gives a
// negative B, an oversharpened one a positive B. OK range [−300, 0] Å².
// The corrected map is the map multiplied in Fourier space by exp(−a·s²) (which flattens its Guinier plot)
// and low-passed just beyond R (raised cosine from 1/R to 1.1/R) so that noise beyond R is not amplified.
import Foundation
import MapIO
import VolumeNumerics

/// Least-squares Guinier fit of one map.
public struct GuinierFit: Sendable, Equatable {
    /// Slope a of ln|F| against 1/d² (Å²) and intercept b.
    public var slopeA2: Double
    public var intercept: Double
    /// B = 4a in Å² (docs/methods.md "0.d" convention: minus the crystallographic B).
    public var bFactorA2: Double { 4 * slopeA2 }
    /// Coefficient of determination of the fit.
    public var rSquared: Double
    /// Fit limits actually used (Å): lowest and highest resolution of the shells fitted.
    public var lowA: Double
    public var highA: Double
    public var shellCount: Int
    /// The whole profile, shells 1 … Nyquist: 1/d² (1/Å²) and ln of the mean amplitude.
    public var invD2: [Double]
    public var lnAmplitude: [Double]
    /// Which of the profile's shells were fitted.
    public var fitted: [Bool]
}

public enum Guinier {
    /// Fits ln(mean |F|) against 1/d² over the shells whose resolution d lies in [highA, lowA] (Å).
    /// Returns nil when fewer than 3 shells fall in the range.
    public static func fit(_ profile: ShellProfile, lowA: Double, highA: Double) -> GuinierFit? {
        var invD2 = [Double](), lnA = [Double](), fitted = [Bool]()
        var sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0, syy = 0.0, n = 0.0
        var dMin = Double.infinity, dMax = 0.0
        let last = min(profile.nyquistShell, profile.frequencyInvA.count - 1)
        guard last >= 1 else { return nil }
        for s in 1...last where profile.meanAmplitude[s] > 0 {
            let f = profile.frequencyInvA[s]
            let x = f * f, y = log(profile.meanAmplitude[s])
            let inRange = f >= 1 / lowA - 1e-12 && f <= 1 / highA + 1e-12
            invD2.append(x); lnA.append(y); fitted.append(inRange)
            if inRange {
                sx += x; sy += y; sxx += x * x; sxy += x * y; syy += y * y; n += 1
                dMin = min(dMin, 1 / f); dMax = max(dMax, 1 / f)
            }
        }
        guard n >= 3 else { return nil }
        let vx = sxx - sx * sx / n, vy = syy - sy * sy / n, cxy = sxy - sx * sy / n
        guard vx > 0 else { return nil }
        let a = cxy / vx
        let b = (sy - a * sx) / n
        let r2 = vy > 0 ? (cxy * cxy) / (vx * vy) : 1
        return GuinierFit(slopeA2: a, intercept: b, rSquared: r2, lowA: dMax, highA: dMin, shellCount: Int(n),
                          invD2: invD2, lnAmplitude: lnA, fitted: fitted)
    }

    /// The map corrected by the fitted B (multiplied by exp(−a·s²)), low-passed from 1/R to 1.1/R.
    public static func corrected(_ spectrum: FourierVolume, fit: GuinierFit, resolutionA: Double, like map: Volume) -> Volume {
        var copy = spectrum
        return corrected(taking: &copy, fit: fit, resolutionA: resolutionA, like: map)
    }

    /// `corrected` filtering `spectrum` in place and inverting it in its own storage (left empty): one
    /// spectrum and the result at the peak, instead of three buffers.
    public static func corrected(taking spectrum: inout FourierVolume, fit: GuinierFit, resolutionA: Double,
                                 like map: Volume) -> Volume {
        let sR = 1 / resolutionA
        let lowPass = RaisedCosineLowPass(cutoffInvA: 1.05 * sR, widthInvA: 0.1 * sR)
        spectrum.filter(ProductGain(BFactorFilter(bFactorA2: -fit.bFactorA2), lowPass))
        return FFT.inverse(taking: &spectrum, like: map)
    }
}

public struct GuinierBFactor: Section {
    public let id = "0.d"
    public let title = "B-factor analysis (Guinier plot)"
    public let reference = "Rosenthal & Henderson 2003"
    /// Low-resolution end of the fit (Å).
    public var lowA = 15.0
    /// Worst reported resolution for which the section applies (Å).
    public var maxResolutionA = 8.0
    public static let okRangeA2 = -300.0...0.0

    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        guard let r = context.resolution else {
            throw SectionError.notApplicable("no resolution given: the Guinier fit runs from 15 Å to the resolution")
        }
        guard r <= maxResolutionA else {
            throw SectionError.notApplicable(String(format: "resolution %.2f Å is worse than 8 Å: too few shells for a Guinier fit", r))
        }
        let map = context.map
        var spectrum = FFT.forward(map)
        let profile = FourierShells.profile(spectrum)
        // A resolution finer than Nyquist cannot be fitted beyond Nyquist.
        let nyquistA = 1 / spectrum.grid.nyquistInvA
        let highA = max(r, nyquistA)
        guard let fit = Guinier.fit(profile, lowA: lowA, highA: highA) else {
            throw SectionError.failed(String(format: "fewer than 3 Fourier shells between %.1f Å and %.2f Å (box too small)", lowA, highA))
        }
        let b = fit.bFactorA2
        var warnings: [String] = []
        if b > GuinierBFactor.okRangeA2.upperBound {
            warnings.append(String(format: "B-factor %.1f Å² is positive: the map seems oversharpened (OK range [−300, 0] Å²)", b))
        } else if b < GuinierBFactor.okRangeA2.lowerBound {
            warnings.append(String(format: "B-factor %.1f Å² is below −300 Å²: the map seems strongly blurred (OK range [−300, 0] Å²)", b))
        }

        let correctedMap = Guinier.corrected(taking: &spectrum, fit: fit, resolutionA: r, like: map)
        var metrics: [String: JSONValue] = [
            "b_factor_A2": .number(b),
            "fit_slope_A2": .number(fit.slopeA2),
            "fit_intercept": .number(fit.intercept),
            "fit_r_squared": .number(fit.rSquared),
            "fit_low_A": .number(lowA),
            "fit_high_A": .number(highA),
            "fit_shells_low_A": .number(fit.lowA),
            "fit_shells_high_A": .number(fit.highA),
            "n_shells": .int(fit.shellCount),
            "ok_range_A2": .array([.number(GuinierBFactor.okRangeA2.lowerBound), .number(GuinierBFactor.okRangeA2.upperBound)]),
            "convention": .string("B = 4 × slope of ln|F| against 1/d² (VRS convention, minus the crystallographic B-factor): a blurred map gives B < 0, an oversharpened map B > 0"),
        ]
        if highA > r { metrics["fit_high_limited_by_nyquist"] = .bool(true) }

        // Plot ln|F|² (= 2 ln|F|) against 1/d², as in docs/methods.md "0.d": experimental, fitted line, corrected by B.
        let x = fit.invD2
        let experimental = fit.lnAmplitude.map { 2 * $0 }
        let fittedLine = x.map { 2 * (fit.slopeA2 * $0 + fit.intercept) }
        let correctedCurve = zip(x, fit.lnAmplitude).map { 2 * ($1 - fit.slopeA2 * $0) }
        let plot = LinePlot(
            series: [Series(label: "Experimental", x: x, y: experimental),
                     Series(label: String(format: "Fit, B = %.1f Å²", b), x: x, y: fittedLine, style: .dashed),
                     Series(label: "Corrected by B", x: x, y: correctedCurve)],
            xLabel: "1/d² (1/Å²)", yLabel: "ln |F|² (F: mean amplitude per shell)",
            xMarkers: [Marker(value: 1 / (lowA * lowA), label: String(format: "%.0f Å", lowA)),
                       Marker(value: 1 / (highA * highA), label: String(format: "%.2f Å", highA))])
        var panels: [Image2D] = []
        for axis in Axis.allCases {
            let i = correctedMap.maxVarianceIndex(axis)
            panels.append(Image2D(correctedMap.slice(axis, i), label: "\(axis.name) = \(i)"))
        }
        let figures = [
            Figure(id: "0d_guinier",
                   caption: String(format: "Guinier plot: ln|F|² against 1/d² for the map, the line fitted between %.0f Å and %.2f Å (B = %.1f Å²), and the map corrected by that B. Vertical lines: fit limits.", lowA, highA, b),
                   content: .plot(plot)),
            Figure(id: "0d_corrected_slices",
                   caption: String(format: "Maximum-variance slices of the map corrected by B = %.1f Å² and low-passed at %.2f Å (slice indices in the panel labels).", b, r),
                   content: .images(ImagePanels(panels: panels))),
        ]
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: figures)
    }
}
