// The sampling at which a Level 4 section compares particles with projections of the map (4.a, 4.b, 4.d, 4.i):
// the map Fourier-cropped over the same field of view (ImageData/WorkingSampling.swift) to a pixel no finer than
// the section's method uses and a box of at most `maxBox` pixels; ParticleLoop brings each particle to it. The
// box cap bounds memory: the projector holds the map's transform padded twice, 8·(n + 1)·4n² bytes, 540 MB at
// n = 256 but 4.3 GB at 512 and 11.6 GB at the 700-voxel boxes of large complexes, in every such section.
import Foundation
import ImageData
import MapIO

struct ProjectionSampling {
    /// Largest working box in pixels (see the header); 4.f caps its reconstructions at the same box.
    static let maxBox = 256

    let projector: FourierProjector
    /// Metrics every such section reports: `working_box`, `working_pixel_A`, and when the map or the particles
    /// were resampled, `sampling_note`, the sentence the template prints.
    let metrics: [String: JSONValue]

    /// `finestPixelA` and `why` (a phrase, e.g. "a third of the map's resolution"): the method's own limit, when
    /// it has one. `particleBox`, `particlePixelA`: the particles' sampling, for the note.
    init(map: Volume, finestPixelA: Double?, why: String? = nil, particleBox: Int, particlePixelA: Double,
         interpolation: FourierProjector.Interpolation, maxBox: Int = Self.maxBox) {
        let n = map.nx, px = map.voxelSize.x
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
            if let finest = finestPixelA, finest > px, let why { limits.append("a pixel no finer than \(f(finest)) Å (\(why))") }
            let uncapped = WorkingSampling.cropped(box: n, pixelA: px, maxBox: n, finestPixelA: finestPixelA, minBox: 16).box
            if uncapped > maxBox { limits.append("a box of at most \(maxBox) pixels, which bounds the projector's memory") }
            metrics["sampling_note"] = .string("the comparison ran in boxes of \(m) pixels of \(f(pw)) Å: "
                + what.joined(separator: " and ") + " were Fourier-resampled over the same field of view"
                + (limits.isEmpty ? "" : ", to " + limits.joined(separator: " and ")))
        }
        self.metrics = metrics
    }

    /// The finest working pixel (Å) for a section that uses frequencies up to the map's resolution R: R/3 (Nyquist
    /// at two thirds of R, room above R for the CTF's and the interpolation's tails); none without R. 4.f's rule.
    static func finestPixelA(resolutionA: Double?) -> Double? { resolutionA.map { $0 / 3 } }
}
