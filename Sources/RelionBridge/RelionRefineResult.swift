// What relion_refine's auto-refinement left in its output folder: the final assignment of every particle
// (run_data.star, RELION 3.1: rlnAngleRot/Tilt/Psi in degrees, rlnOriginXAngst/YAngst), the gold-standard
// resolution (run_model.star, rlnCurrentResolution) and the number of iterations (the last run_itNNN files).
// A run stopped by `--auto_iter_max` before converging writes no run_data.star: its last iteration's files
// (run_itNNN_data.star, run_itNNN_half1_model.star) are read instead, and `converged` is false.
import Foundation
import ImageData
import MapIO

public struct RelionRefineResult: Sendable {
    /// Per input particle (in input order): RELION's angles and origin (Å).
    public var angles: [EulerAngles]
    public var originsA: [SIMD2<Double>]
    /// The final resolution RELION reports (Å).
    public var resolutionA: Double?
    /// Iterations run, and whether RELION declared convergence (else it was stopped at `--auto_iter_max`).
    public var iterations: Int
    public var converged = true
    /// Wall time of the run (s).
    public var seconds: Double
    /// RELION's final reconstruction (run_class001.mrc), if it was written.
    public var mapPath: String?

    public init(angles: [EulerAngles], originsA: [SIMD2<Double>], resolutionA: Double?, iterations: Int, seconds: Double,
                mapPath: String? = nil) {
        self.angles = angles; self.originsA = originsA; self.resolutionA = resolutionA; self.iterations = iterations
        self.seconds = seconds; self.mapPath = mapPath
    }

    /// Reads the output of a run over `particleCount` particles written by RelionInputFiles (image k at k@stack).
    public init(runFolder: URL, particleCount: Int, seconds: Double) throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runFolder.path)) ?? []
        let last = names.compactMap { n -> Int? in
            guard n.hasPrefix("run_it"), n.hasSuffix("_data.star") else { return nil }
            return Int(n.dropFirst(6).prefix(3))
        }.max() ?? 0
        let iteration = String(format: "run_it%03d", last)
        converged = names.contains("run_data.star")
        guard converged || last > 0 else {
            throw RelionError.badOutput(file: runFolder.path, detail: "neither run_data.star nor run_itNNN_data.star was written")
        }
        let dataPath = runFolder.appendingPathComponent(converged ? "run_data.star" : "\(iteration)_data.star").path
        let table = try ParticleTable(path: dataPath)
        var angles = [EulerAngles?](repeating: nil, count: particleCount)
        var origins = [SIMD2<Double>](repeating: .zero, count: particleCount)
        for q in table.particles {
            let k = q.imageIndex - 1
            guard k >= 0, k < particleCount else {
                throw RelionError.badOutput(file: dataPath, detail: "line \(q.line): image \(q.imageName) is not one of the \(particleCount) written")
            }
            guard let a = q.angles else {
                throw RelionError.badOutput(file: dataPath, detail: "line \(q.line): no rlnAngleRot/Tilt/Psi")
            }
            angles[k] = a
            origins[k] = SIMD2(q.originXA, q.originYA)
        }
        if let missing = angles.firstIndex(where: { $0 == nil }) {
            throw RelionError.badOutput(file: dataPath, detail: "image \(missing + 1)@\(RelionInputFiles.stackName) has no row")
        }
        self.angles = angles.map { $0! }
        originsA = origins
        iterations = last
        let model = runFolder.appendingPathComponent(converged ? "run_model.star" : "\(iteration)_half1_model.star").path
        resolutionA = (try? StarFile(path: model))?.table(withColumn: "rlnCurrentResolution")
            .flatMap { try? $0.double(0, "rlnCurrentResolution") }
        let map = runFolder.appendingPathComponent(converged ? "run_class001.mrc" : "\(iteration)_half1_class001.mrc").path
        mapPath = FileManager.default.fileExists(atPath: map) ? map : nil
        self.seconds = seconds
    }
}
