// 4.d's optional comparison with RELION (VRS 4.d1): the particles are refined again by relion_refine's
// auto-refinement from the map, independently of the user's angles, and RELION's assignment is compared with
// the user's as our local realignment is (angle: the geodesic distance between the two orientations, the
// smallest over the symmetry mates; shift: the distance between the two origins, Å).
//
// As VRS does, the images are brought to 3 Å per pixel (when finer), which keeps the run short and still
// resolves orientations to well below the 5° criterion for particles larger than ~100 Å (Crowther: d/D rad).
// No solvent mask of the map is given (VRS gives a hard mask of the map at its threshold): our masks keep the
// largest connected component at T, and a mask that misses part of the particle cuts it out of RELION's
// references from the second iteration on — on simulated particles the assignment then jumped by ~90° after a
// correct first iteration, and stayed correct without the mask. RELION's own spherical mask is unbiased.
// The map is the reference, so RELION works in the map's frame: no alignment of the two reconstructions is
// needed (VRS aligns them with Xmipp's align-volume-and-particles); the correlation of RELION's map with the
// reference inside the mask is reported as the check of that frame.
import Foundation
import ImageData
import MapIO
import RelionBridge
import VolumeNumerics

/// `--relion`: where relion_refine is and how the report supervises it.
public struct RelionSettings: Sendable {
    /// relion_refine_mpi and mpirun (RELION's gold-standard auto-refinement needs MPI).
    public var executable: String
    public var mpirun: String
    /// Called with the work folder when it is made; the returned closure is called when it is removed.
    public var onFolder: (@Sendable (URL) -> @Sendable () -> Void)?
    /// Called with the id of the run's process group; the returned closure when it ends.
    public var onStart: (@Sendable (Int32) -> @Sendable () -> Void)?
    /// `--auto_iter_max` (nil: RELION's own stopping rule).
    public var maxIterations: Int?
    /// `--auto_local_healpix_order` (RELION's default 4).
    public var localSearchesFromHealpixOrder = 4

    public init(executable: String, mpirun: String) { self.executable = executable; self.mpirun = mpirun }
}

public struct RelionRealignment: Sendable {
    /// Particles given to RELION by default (a seeded random subset): enough for its gold-standard refinement to
    /// converge on ordinary data; `--max-particles` overrides it.
    public static let defaultParticles = 2000
    /// VRS's working pixel size (Å); finer images are Fourier-cropped to it.
    public static let workingPixelA = 3.0

    public struct Outcome: Sendable {
        public var angleDifferencesDeg: [Double]
        public var shiftDifferencesA: [Double]
        public var relion: RelionRefineResult
        public var workingPixelA: Double
        public var workingBox: Int
        /// Correlation of RELION's reconstruction with the reference map inside the mask (nil if not written).
        public var mapCorrelation: Double?
        /// The command as run (in the temporary work folder).
        public var commandLine: String
    }

    /// Runs RELION on the particles `used` (rows of `table`) against `map` (cubic) with `softMask` (same grid).
    /// Throws RelionError or a description of what is missing.
    public static func run(particles p: ParticleInput, table: ParticleTable, used: [Int], map: Volume, softMask: Volume,
                           symmetry: SymmetryGroup, settings: RelionSettings) throws -> Outcome {
        let n = map.nx
        guard map.ny == n, map.nz == n else {
            throw RelionError.badOutput(file: "map", detail: "the box \(map.nx)×\(map.ny)×\(map.nz) is not cubic; relion_refine needs a cubic reference")
        }
        let mapPx = map.voxelSize.x
        // The working box: the map's, or the even box that brings the pixel to 3 Å.
        let cropped = Int((Double(n) * mapPx / workingPixelA).rounded())
        let m = mapPx < workingPixelA ? max(16, cropped + cropped % 2) : n
        let px = Double(n) * mapPx / Double(m)
        var reference = m == n ? map : FourierResample.resample(map, to: SIMD3(m, m, m))
        reference.voxelSize = SIMD3(repeating: px)
        var mask = m == n ? softMask : FourierResample.resample(softMask, to: SIMD3(m, m, m))
        mask.voxelSize = SIMD3(repeating: px)
        for i in 0..<mask.data.count { mask.data[i] = min(1, max(0, mask.data[i])) }

        let resample = p.box != n || abs(p.pixelSizeA - mapPx) > 1e-6 * mapPx
        let images = ChunkedResults<Image2D>(count: used.count)
        try images.fill { k in
            var img = try p.particleImage(used[k])
            if resample { img = img.resampled(pixelSizeA: mapPx, box: n) }
            if m != n { img = img.fourierResampled(to: m) }
            img.pixelSizeA = px
            return RelionInputFiles.normalised(img, radiusPixels: RelionInputFiles.backgroundRadius * Double(m))
        }
        let rows = used.map { table.particles[$0] }
        let ctfs = rows.map(\.ctf)
        let withCTF = ctfs.allSatisfy { $0 != nil }

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("emvalidate-relion-\(UUID().uuidString.prefix(12))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let released = settings.onFolder?(folder)
        defer { released?(); try? FileManager.default.removeItem(at: folder) }
        try RelionInputFiles.write(images: try images.values(), ctfs: withCTF ? ctfs : ctfs.map { _ in nil },
                                   micrographs: rows.map { $0.micrographName ?? "" }, reference: reference, to: folder)
        var job = RelionRefineJob(executable: settings.executable, mpirun: settings.mpirun, threads: Parallel.workers,
                                  symmetry: symmetry.name)
        job.maxIterations = settings.maxIterations
        job.localSearchesFromHealpixOrder = settings.localSearchesFromHealpixOrder
        job.onStart = settings.onStart
        let result = try job.run(in: folder, withCTF: withCTF, particleCount: used.count)

        let (angles, shifts) = differences(result, rows, symmetry: symmetry)
        let cc = result.mapPath.flatMap { try? MRCReader.read(path: $0).volume }.flatMap { relionMap -> Double? in
            relionMap.data.count == reference.data.count ? maskedCorrelation(relionMap.data, reference.data, mask.data) : nil
        }
        return Outcome(angleDifferencesDeg: angles, shiftDifferencesA: shifts, relion: result, workingPixelA: px,
                       workingBox: m, mapCorrelation: cc,
                       commandLine: job.commandLine(withCTF: withCTF))
    }

    /// Per particle (`rows`, in the order given to RELION): the angle between RELION's orientation and the
    /// row's (degrees; the smallest over symmetry mates) and the distance between their origins (Å). Rows
    /// without angles are skipped.
    public static func differences(_ result: RelionRefineResult, _ rows: [Particle],
                                   symmetry: SymmetryGroup) -> (anglesDeg: [Double], shiftsA: [Double]) {
        var angles: [Double] = [], shifts: [Double] = []
        for (k, q) in rows.enumerated() {
            guard let a = q.angles else { continue }
            angles.append(symmetry.angularDistanceDeg(result.angles[k].matrix, a.matrix))
            let d = result.originsA[k] - SIMD2(q.originXA, q.originYA)
            shifts.append((d * d).sum().squareRoot())
        }
        return (angles, shifts)
    }

    /// Pearson correlation of a and b over the voxels where the mask is above 0.5.
    static func maskedCorrelation(_ a: [Float], _ b: [Float], _ mask: [Float]) -> Double? {
        var n = 0.0, sa = 0.0, sb = 0.0, saa = 0.0, sbb = 0.0, sab = 0.0
        for i in 0..<a.count where mask[i] > 0.5 {
            let x = Double(a[i]), y = Double(b[i])
            n += 1; sa += x; sb += y; saa += x * x; sbb += y * y; sab += x * y
        }
        guard n > 1 else { return nil }
        let va = saa - sa * sa / n, vb = sbb - sb * sb / n
        guard va > 0, vb > 0 else { return nil }
        return (sab - sa * sb / n) / (va * vb).squareRoot()
    }
}
