// Writes a RELION 3.1 STAR file and an MRC stack of particles simulated from a GaussianPhantom: analytic
// projections at known angles and origins, CTF-modulated (TestCTF), with Gaussian noise.
import Foundation
import ImageData
import MapIO
import VolumeNumerics

public struct SimulatedParticles: Sendable {
    public var count = 200, box = 32, pixelSizeA = 2.0, noiseSD = 0.5, withAngles = true, seed: UInt64 = 31
    /// Added to the defocus written in the STAR file (the images carry the true one), Å.
    public var starDefocusOffsetA = 0.0
    /// Write rlnVoltage, rlnSphericalAberration and rlnAmplitudeContrast in data_optics.
    public var opticsCTFColumns = true
    /// Astigmatism U − V (Å) and the angle of U (degrees) that the images carry; the STAR says U = V.
    public var trueAstigmatismA = 0.0, trueAstigmatismAngleDeg = 0.0
    /// Defocus of particle i: baseDefocusA + (i mod 13)·defocusStepA (Å).
    public var baseDefocusA = 10000.0, defocusStepA = 1000.0
    /// Micrographs the particles are spread over (round robin), named mic0.mrc, mic1.mrc, …
    public var micrographs = 7
    /// Further particle columns, the same value on every row (e.g. ("rlnCtfScalefactor", "1.3")).
    public var extraColumns: [(name: String, value: String)] = []

    public init(count: Int = 200, box: Int = 32, pixelSizeA: Double = 2, noiseSD: Double = 0.5, withAngles: Bool = true,
                seed: UInt64 = 31, starDefocusOffsetA: Double = 0, opticsCTFColumns: Bool = true,
                trueAstigmatismA: Double = 0, trueAstigmatismAngleDeg: Double = 0,
                extraColumns: [(name: String, value: String)] = []) {
        self.count = count; self.box = box; self.pixelSizeA = pixelSizeA; self.noiseSD = noiseSD
        self.withAngles = withAngles; self.seed = seed; self.starDefocusOffsetA = starDefocusOffsetA
        self.opticsCTFColumns = opticsCTFColumns; self.trueAstigmatismA = trueAstigmatismA
        self.trueAstigmatismAngleDeg = trueAstigmatismAngleDeg; self.extraColumns = extraColumns
    }

    /// Writes particles.star and particles.mrcs into a new temporary folder; returns the STAR path.
    public func write(_ phantom: GaussianPhantom, name: String = #function) throws -> String {
        let dir = try TestScratch.directory("emv-particles", for: name)
        let angles = randomOrientations(count, seed: seed)
        var rng = SplitMix64(seed: seed &+ 1)
        var rows: [String] = [], images: [Float] = []
        for i in 0..<count {
            let a = angles[i]
            let origin = SIMD2((rng.uniform() - 0.5) * 4, (rng.uniform() - 0.5) * 4)
            let defocus = baseDefocusA + Double(i % 13) * defocusStepA
            let ctf = TestCTF(defocusA: defocus, astigmatismA: trueAstigmatismA, astigmatismAngleDeg: trueAstigmatismAngleDeg)
            let clean = ctf.apply(to: phantom.projection(box: box, pixelSizeA: pixelSizeA,
                                                         orientation: EulerAngles(rot: a.rot, tilt: a.tilt, psi: a.psi).matrix, originA: origin),
                                  box: box, pixelSizeA: pixelSizeA)
            images += clean.map { $0 + Float(rng.gaussian() * noiseSD) }
            let starDefocus = defocus + starDefocusOffsetA
            var row = "\(i + 1)@particles.mrcs mic\(i % micrographs).mrc 1 \(starDefocus) \(starDefocus) 0.0"
            if withAngles { row += " \(a.rot) \(a.tilt) \(a.psi) \(origin.x) \(origin.y)" }
            for c in extraColumns { row += " \(c.value)" }
            rows.append(row)
        }
        let stack = Volume(nx: box, ny: box, nz: count, data: images, voxelSize: SIMD3(repeating: pixelSizeA))
        try MRCWriter.write(stack, to: dir.appendingPathComponent("particles.mrcs").path, labels: ["simulated particles"])
        let star = relion31Star(pixelSizeA: pixelSizeA, box: box,
                                extraColumns: (withAngles ? ["rlnAngleRot", "rlnAngleTilt", "rlnAnglePsi", "rlnOriginXAngst", "rlnOriginYAngst"] : [])
                                    + extraColumns.map(\.name),
                                rows: rows, opticsCTFColumns: opticsCTFColumns)
        let path = dir.appendingPathComponent("particles.star").path
        try star.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// A RELION 3.1 STAR file: one optics group (300 kV, Cs 2.7 mm, amplitude contrast 0.1) and a particle table with
/// rlnImageName, rlnMicrographName, rlnOpticsGroup, rlnDefocusU, rlnDefocusV, rlnDefocusAngle, then `extraColumns`.
public func relion31Star(pixelSizeA: Double, box: Int, extraColumns: [String], rows: [String],
                  opticsCTFColumns: Bool = true) -> String {
    // Without the CTF columns the optics block lacks rlnVoltage, rlnSphericalAberration and rlnAmplitudeContrast.
    let optics = opticsCTFColumns
        ? "_rlnAmplitudeContrast #3\n_rlnSphericalAberration #4\n_rlnVoltage #5\n_rlnImagePixelSize #6\n_rlnImageSize #7\n_rlnImageDimensionality #8\n1 opticsGroup1 0.1 2.7 300.0 \(pixelSizeA) \(box) 2"
        : "_rlnImagePixelSize #3\n_rlnImageSize #4\n_rlnImageDimensionality #5\n1 opticsGroup1 \(pixelSizeA) \(box) 2"
    var star = """
    # version 30001
    data_optics
    loop_
    _rlnOpticsGroup #1
    _rlnOpticsGroupName #2
    \(optics)

    # version 30001
    data_particles
    loop_
    _rlnImageName #1
    _rlnMicrographName #2
    _rlnOpticsGroup #3
    _rlnDefocusU #4
    _rlnDefocusV #5
    _rlnDefocusAngle #6

    """
    for (k, c) in extraColumns.enumerated() { star += "_\(c) #\(7 + k)\n" }
    return star + rows.joined(separator: "\n") + "\n"
}
