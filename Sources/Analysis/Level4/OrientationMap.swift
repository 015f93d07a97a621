// The orientation distribution drawn on an equal-area map: rot (0–360°) to the right and cos(tilt) upwards
// (Lambert's cylindrical equal-area projection, so equal areas of the sphere get equal areas of the map and a
// uniform distribution draws a flat colour), each bin coloured by its number of particles.
import Foundation
import ParticleAnalysis

enum OrientationMap {
    static let rotBins = 72, heightBins = 36

    static func figure(id: String, anglesDeg: [SIMD3<Double>], caption: String) -> Figure {
        var counts = [Float](repeating: 0, count: rotBins * heightBins)
        for a in anglesDeg {
            let rot = (a.x.truncatingRemainder(dividingBy: 360) + 360).truncatingRemainder(dividingBy: 360)
            let u = min(rotBins - 1, Int(rot / 360 * Double(rotBins)))
            let h = cos(a.y * .pi / 180)   // 1 at tilt 0 (top), −1 at tilt 180 (bottom)
            let v = min(heightBins - 1, max(0, Int((h + 1) / 2 * Double(heightBins))))
            counts[u + rotBins * v] += 1
        }
        let image = Image2D(width: rotBins, height: heightBins, pixels: counts,
                            label: "rot 0–360° (right), cos tilt −1…1 (up)", pixelSizeA: [1, 1])
        var panels = ImagePanels(panels: [image], colormap: "viridis", range: [0, Double(counts.max() ?? 1)],
                                 colorbarLabel: "Particles per bin")
        panels.noScaleBar = true   // the axes are angles, not lengths
        return Figure(id: id, caption: caption, content: .images(panels))
    }
}

/// Shared limits of the angle-only sections (4.g, 4.h).
enum AngleSections {
    /// At most this many particles (a seeded random subset) enter the angle-only sections; the sampling
    /// statistics converge long before.
    static let particleLimit = 100_000

    static func directions(_ context: AnalysisContext) throws -> (input: ParticleInput, directions: [SIMD3<Double>]) {
        let p = try Level4Input.angles(context)
        let dirs = p.viewingDirections(limit: particleLimit)!
        guard !dirs.isEmpty else { throw SectionError.notApplicable("the STAR file \(p.starPath) has no particles") }
        return (p, dirs)
    }
}
