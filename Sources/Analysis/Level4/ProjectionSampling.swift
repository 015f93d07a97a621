// The sampling at which a Level 4 section compares particles with projections of the map (4.a, 4.b, 4.d, 4.i):
// the map Fourier-cropped over the same field of view (ImageData/WorkingSampling.swift) to a pixel no finer than
// the section's method uses and a box of at most `WorkingSampling.maxPaddedBox` (256) pixels; ParticleLoop brings
// each particle to it. The box cap bounds memory: the projector holds the map's transform padded twice,
// 8·(n + 1)·4n² bytes, 540 MB at n = 256 but 4.3 GB at 512 and 11.6 GB at the 700-voxel boxes of large complexes,
// in every such section.
import Foundation
import ImageData
import MapIO

struct ProjectionSampling {
    let projector: FourierProjector
    /// Metrics every such section reports: `working_box`, `working_pixel_A`, and when the map or the particles
    /// were resampled, `sampling_note`, the sentence the template prints.
    let metrics: [String: JSONValue]

    /// The highest frequency a section's method uses, which sets its finest working pixel.
    enum MethodLimit {
        /// Every frequency the map holds (4.a): only the box cap applies.
        case none
        /// Frequencies up to 1/lowPassA Å⁻¹ (4.b).
        case lowPass(Double)
        /// Frequencies up to the map's resolution R, when given (4.d, 4.i).
        case resolution(Double?)

        var finestPixelA: Double? {
            switch self {
            case .none: return nil
            case .lowPass(let a): return WorkingSampling.finestPixelA(lowPassA: a)
            case .resolution(let r): return WorkingSampling.finestPixelA(resolutionA: r)
            }
        }

        /// Why the pixel is no finer, for the note.
        var reason: String? {
            switch self {
            case .none: return nil
            case .lowPass(let a): return "0.4 times the \(NumberText.format(a)) Å low-pass"
            case .resolution: return "a third of the map's resolution"
            }
        }
    }

    /// `limit`: the section's method's. `particleBox`, `particlePixelA`: the particles' sampling, for the note.
    init(map: Volume, limit: MethodLimit, particleBox: Int, particlePixelA: Double,
         interpolation: FourierProjector.Interpolation, maxBox: Int = WorkingSampling.maxPaddedBox) {
        let n = map.nx, px = map.voxelSize.x
        let finestPixelA = limit.finestPixelA
        let (m, pw) = WorkingSampling.cropped(box: n, pixelA: px, maxBox: maxBox, finestPixelA: finestPixelA, minBox: 16)
        projector = FourierProjector(volume: WorkingSampling.map(map, box: m), interpolation: interpolation)
        var metrics: [String: JSONValue] = ["working_box": .int(m), "working_pixel_A": .number(pw)]
        let mapCropped = m != n
        let particlesResampled = particleBox != m || abs(particlePixelA - pw) > 1e-6 * pw
        if mapCropped || particlesResampled {
            let f = NumberText.format
            var what: [String] = []
            if mapCropped { what.append("the map's \(n)³ voxels of \(f(px)) Å") }
            if particlesResampled { what.append("the particles' \(particleBox)² pixels of \(f(particlePixelA)) Å") }
            var limits: [String] = []
            if let finest = finestPixelA, finest > px, let why = limit.reason { limits.append("a pixel no finer than \(f(finest)) Å (\(why))") }
            let uncapped = WorkingSampling.cropped(box: n, pixelA: px, maxBox: n, finestPixelA: finestPixelA, minBox: 16).box
            if uncapped > maxBox { limits.append("a box of at most \(maxBox) pixels, which bounds the projector's memory") }
            metrics["sampling_note"] = .string("the comparison ran in boxes of \(m) pixels of \(f(pw)) Å: "
                + what.joined(separator: " and ") + " were Fourier-resampled over the same field of view"
                + (limits.isEmpty ? "" : ", to " + limits.joined(separator: " and ")))
        }
        self.metrics = metrics
    }
}
