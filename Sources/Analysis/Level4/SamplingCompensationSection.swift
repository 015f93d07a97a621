// 4.h Sampling compensation factor (Baldwin & Lyumkis 2020): SCF and SCF* from the particles' angles and the
// symmetry (ParticleAnalysis/SamplingCompensation.swift). Warning: SCF* < 0.5.
import Foundation
import ParticleAnalysis

public struct SamplingCompensationSection: Section {
    public let id = "4.h"
    public let title = "Sampling compensation factor"
    public let reference = "Baldwin & Lyumkis 2020"
    public var fourierRadius = 50.0

    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let (p, dirs) = try AngleSections.directions(context)
        let s = SamplingCompensation.compute(viewingDirections: dirs, fourierRadius: fourierRadius,
                                             symmetryOperators: p.symmetryOperators)
        var warnings: [String] = []
        if s.scfStar < 0.5 {
            warnings.append("SCF* = \(NumberText.format(s.scfStar)) < 0.5: the orientation distribution seriously attenuates the resolution")
        }
        let metrics: [String: JSONValue] = [
            "scf": .number(s.scf), "scf_star": .number(s.scfStar),
            "fraction_unsampled": .number(s.fractionUnsampled), "mean_sampling": .number(s.meanSampling),
            "fourier_radius": .number(fourierRadius), "directions": .int(s.directions),
            "particles_used": .int(dirs.count), "particles_total": .int(p.totalCount), "symmetry": .string(p.symmetryName),
        ]
        let angles = p.anglesDeg ?? []
        let fig = OrientationMap.figure(id: "4h_orientations", anglesDeg: angles,
            caption: "Orientation distribution of the \(angles.count) particles on an equal-area map (rot to the right, cos tilt upwards; tilt 0° at the top), coloured by the number of particles per bin. A uniform distribution is a flat colour; a band along the middle row is a set of side views.")
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: [fig])
    }
}
