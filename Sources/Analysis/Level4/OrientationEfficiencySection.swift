// 4.g Angular distribution efficiency (after cryoEF, Naydenova & Russo 2017): from the angles alone, the
// directional resolution surface of the orientation distribution, its efficiency E_od and the mean
// directional resolution (ParticleAnalysis/OrientationEfficiency.swift). The particle diameter D is the
// largest extent of the hard mask (the box when there is no mask); the particles' B-factor is fixed at
// 100 Å² and stated. Warning: R < 0.8 × the mean directional resolution.
import Foundation
import ParticleAnalysis

public struct OrientationEfficiencySection: Section {
    public let id = "4.g"
    public let title = "Angular distribution efficiency"
    public let reference = "Naydenova & Russo 2017"
    public var bFactorA2 = 100.0

    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let (p, dirs) = try AngleSections.directions(context)
        guard let r = context.resolution else {
            throw SectionError.notApplicable("the directional resolution is scaled to the reported resolution R, and none was given (--resolution)")
        }
        let diameter = Self.diameterA(context)
        let e = OrientationEfficiency.compute(viewingDirections: dirs, resolutionA: r, diameterA: diameter,
                                              bFactorA2: bFactorA2, symmetryOperators: p.symmetryOperators)
        var warnings: [String] = []
        if r < 0.8 * e.meanDirectionalResolutionA {
            warnings.append("the reported resolution \(NumberText.format(r)) Å is better than 0.8 × the mean directional resolution the orientation distribution supports (\(NumberText.format(e.meanDirectionalResolutionA)) Å)")
        }
        let finite = e.directionalResolutionA.compactMap { $0 }
        let unsampled = e.directionalResolutionA.count - finite.count
        var metrics: [String: JSONValue] = [
            "efficiency": .number(e.efficiency),
            "mean_directional_resolution_A": .number(e.meanDirectionalResolutionA),
            "best_directional_resolution_A": finite.min().map { .number($0) } ?? .null,
            "worst_directional_resolution_A": finite.max().map { .number($0) } ?? .null,
            "directions": .int(e.directions.count), "directions_without_information": .int(unsampled),
            "diameter_A": .number(diameter), "b_factor_A2": .number(bFactorA2), "fourier_radius": .number(e.fourierRadius),
            "nominal_fourier_radius": .number(e.nominalFourierRadius),
            "particles_used": .int(dirs.count), "particles_total": .int(p.totalCount), "symmetry": .string(p.symmetryName),
        ]
        if e.fourierRadius < e.nominalFourierRadius {
            // Few particles: the slabs were widened so that uniform orientations would cross every direction
            // OrientationEfficiency.minimumSections times (ParticleAnalysis/OrientationEfficiency.swift).
            metrics["thickness_note"] = .string("with \(dirs.count * max(1, p.symmetryOperators.count)) central sections, each was counted \(NumberText.format(e.nominalFourierRadius / e.fourierRadius)) times thicker than 1/D, so that uniform orientations would cross every direction \(Int(OrientationEfficiency.minimumSections)) times on average; gaps narrower than that cannot be seen with so few particles")
        }
        var figures: [Figure] = []
        if !finite.isEmpty {
            let lo = finite.min()!, hi = max(finite.max()!, lo * 1.01)
            let bins = 30
            var counts = [Double](repeating: 0, count: bins)
            for v in finite { counts[min(bins - 1, Int((v - lo) / (hi - lo) * Double(bins)))] += 1 }
            let edges = (0...bins).map { lo + (hi - lo) * Double($0) / Double(bins) }
            figures.append(Figure(id: "4g_directional_resolution",
                caption: "Histogram of the directional resolution over \(e.directions.count) directions of a hemisphere" + (unsampled > 0 ? " (\(unsampled) directions without any particle are left out: they carry no information)." : "."),
                content: .histogram(Histogram(binEdges: edges, counts: counts, xLabel: "Directional resolution (Å)", yLabel: "Directions",
                                              markers: [Marker(value: r, label: "R = \(NumberText.format(r)) Å")]))))
        }
        // The orientation distribution itself is 4.h's figure; this one shows what it does to Fourier space.
        if let map = OrientationMap.directionalResolutionFigure(id: "4g_directional_map", directions: e.directions,
                                                                 resolutionA: e.directionalResolutionA,
                                                                 caption: Self.directionalMapCaption(unsampled: unsampled)) {
            figures.append(map)
        }
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: figures)
    }

    static func directionalMapCaption(unsampled: Int) -> String {
        "Directional resolution over the directions of Fourier space, on the equal-area map of 4.h's orientation "
            + "distribution (azimuth to the right, z = cos of the polar angle upwards; a direction and its opposite "
            + "have one value). A particle seen along a direction fills the central section perpendicular to it, so "
            + "views crowded around one direction leave the directions along it poorly resolved: top views alone "
            + "(tilt near 0°) resolve the middle band and leave the top and bottom rows worst"
            + (unsampled > 0 ? "; blank: directions that no particle's section crosses (no information)." : ".")
    }

    /// The particle diameter: the largest extent of the hard mask along X, Y or Z (Å), or the box.
    static func diameterA(_ context: AnalysisContext) -> Double {
        let m = context.map
        let box = Double(max(m.nx, m.ny, m.nz)) * m.voxelSize.x
        guard let bb = (try? context.masks().hard)?.boundingBox() else { return box }
        let ext = bb.last &- bb.first &+ 1
        return Double(ext.max()) * m.voxelSize.x
    }
}
