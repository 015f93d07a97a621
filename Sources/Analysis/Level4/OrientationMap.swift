// The orientation distribution drawn on an equal-area map: rot (0–360°) to the right and cos(tilt) upwards
// (Lambert's cylindrical equal-area projection, so equal areas of the sphere get equal areas of the map and a
// uniform distribution draws a flat colour), each bin coloured by its number of particles; and on the same map,
// the directional resolution of each direction of Fourier space (4.g), so that the two read side by side.
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
        return equalAreaFigure(id: id, values: counts, label: "rot 0–360° (right), cos tilt −1…1 (up)",
                               range: [0, Double(counts.max() ?? 1)], colorbarLabel: "Particles per bin", caption: caption)
    }

    /// The directional resolution (Å) of Fourier-space directions on the same equal-area map: azimuth atan2(y, x)
    /// to the right, z = cos(polar angle) upwards, the axes of a viewing direction (rot, tilt) in RELION's
    /// convention. Each bin takes the value of the nearest of `directions` (a hemisphere: u and −u are one
    /// direction of the transform of a real map); bins whose direction no central section crosses are NaN,
    /// drawn blank. Nil when no direction has a resolution.
    static func directionalResolutionFigure(id: String, directions: [SIMD3<Double>], resolutionA: [Double?],
                                            caption: String) -> Figure? {
        let finite = resolutionA.compactMap { $0 }
        guard let lo = finite.min(), let hi = finite.max() else { return nil }
        var values = [Float](repeating: .nan, count: rotBins * heightBins)
        for v in 0..<heightBins {
            let z = (Double(v) + 0.5) / Double(heightBins) * 2 - 1
            let rho = (1 - z * z).squareRoot()
            for u in 0..<rotBins {
                let phi = (Double(u) + 0.5) / Double(rotBins) * 2 * .pi
                let d = SIMD3(rho * cos(phi), rho * sin(phi), z)
                var best = 0, bestDot = -1.0
                for (k, e) in directions.enumerated() {
                    let dot = abs((d * e).sum())
                    if dot > bestDot { bestDot = dot; best = k }
                }
                if let r = resolutionA[best] { values[u + rotBins * v] = Float(r) }
            }
        }
        return equalAreaFigure(id: id, values: values, label: "azimuth 0–360° (right), z −1…1 (up)",
                               range: [lo, max(hi, lo * 1.001)], colorbarLabel: "Directional resolution (Å)", caption: caption)
    }

    /// One rotBins × heightBins map as a single viridis panel with its colour bar.
    private static func equalAreaFigure(id: String, values: [Float], label: String, range: [Double],
                                        colorbarLabel: String, caption: String) -> Figure {
        let image = Image2D(width: rotBins, height: heightBins, pixels: values, label: label, pixelSizeA: [1, 1])
        var panels = ImagePanels(panels: [image], colormap: "viridis", range: range, colorbarLabel: colorbarLabel)
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
