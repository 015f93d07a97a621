// One run of relion_refine's 3D auto-refinement (Scheres 2012, J. Struct. Biol. 180:519; the gold-standard
// refinement of RELION 3.1), as VRS's 4.d1 runs it through Scipion: the particles against the map as reference,
// low-passed to 10 Å for the first iteration, CTF correction, the map's symmetry, RELION's spherical solvent mask
// (see RelionRealignment for why not a mask of the map), and
// RELION's automatic angular sampling (global search at 7.5°, local searches from HEALPix order 4 by default). We write
// its inputs (RelionInputFiles), run it, and read back the angles and origins it assigned. RELION refines the
// two random halves in separate MPI followers and refuses `--split_random_halves` without MPI, so the run is
// relion_refine_mpi under mpirun with three ranks (a leader and one follower per half), each follower with half
// the threads.
import Foundation
import ImageData
import VolumeNumerics

public struct RelionRefineJob: Sendable {
    /// Paths of relion_refine_mpi and of mpirun.
    public var executable: String
    public var mpirun: String
    /// Threads in all: each of the two followers gets half (`--j`).
    public var threads: Int
    /// RELION's symmetry name (`--sym`): C1, Cn, Dn, T, O, I.
    public var symmetry: String
    /// `--ini_high` (Å): the reference's low-pass in the first iteration (VRS: 10 Å).
    public var initialLowPassA = 10.0
    /// `--random_seed`: the same split into half sets every run, so a report is reproducible.
    public var randomSeed = 20170101
    /// `--auto_iter_max`: stop the auto-refinement at this iteration (nil: RELION's default, 999).
    public var maxIterations: Int?
    /// `--auto_local_healpix_order`: the HEALPix order from which the searches are local (RELION's default 4,
    /// 0.9° after oversampling). 3 skips the global searches at 3.75°, the costliest iterations of a small run.
    public var localSearchesFromHealpixOrder = 4
    /// Called with the id of the process group leader when the run starts; the returned closure is called when
    /// it ends (the report stops the group if the run is interrupted).
    public var onStart: (@Sendable (Int32) -> @Sendable () -> Void)?

    public init(executable: String, mpirun: String, threads: Int, symmetry: String) {
        self.executable = executable; self.mpirun = mpirun; self.threads = threads; self.symmetry = symmetry
    }

    /// The command-line arguments (paths relative to the work folder, where relion_refine runs).
    public func arguments(withCTF: Bool) -> [String] {
        var a = ["--o", "run/run", "--auto_refine", "--split_random_halves",
                 "--i", RelionInputFiles.starName, "--ref", RelionInputFiles.referenceName,
                 // The map is not on RELION's absolute grey scale: the first iteration scores by correlation.
                 "--firstiter_cc", "--ini_high", String(initialLowPassA),
                 // No --particle_diameter: RELION's default circle, the box less its soft edge, as VRS runs it.
                 "--flatten_solvent", "--zero_mask", "--oversampling", "1", "--pad", "2",
                 "--healpix_order", "2", "--auto_local_healpix_order", String(localSearchesFromHealpixOrder),
                 "--offset_range", "5", "--offset_step", "1",
                 "--sym", symmetry, "--low_resol_join_halves", "40", "--norm", "--scale",
                 "--dont_combine_weights_via_disc", "--pool", "3", "--j", String(max(1, threads / 2)),
                 "--random_seed", String(randomSeed)]
        if withCTF { a.append("--ctf") }
        if let maxIterations { a += ["--auto_iter_max", String(maxIterations)] }
        return a
    }

    /// mpirun's arguments before the program: three ranks on however many cores there are; as root (containers)
    /// OpenMPI must be told that this is meant.
    var mpirunArguments: [String] {
        ["-np", "3", "--oversubscribe", "--bind-to", "none"] + (getuid() == 0 ? ["--allow-run-as-root"] : [])
    }

    /// The whole command as a user would type it (for the report).
    public func commandLine(withCTF: Bool) -> String {
        (["mpirun"] + mpirunArguments + ["relion_refine_mpi"] + arguments(withCTF: withCTF)).joined(separator: " ")
    }

    /// Runs relion_refine in `directory` (which holds RelionInputFiles) and reads its final assignment.
    public func run(in directory: URL, withCTF: Bool, particleCount: Int) throws -> RelionRefineResult {
        let out = directory.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let logURL = directory.appendingPathComponent("relion_refine.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)   // FileHandle below throws if it is not there
        let log = try FileHandle(forWritingTo: logURL)
        defer { try? log.close() }
        let p = Process()
        // `timeout` (with no limit) puts mpirun and its ranks in a process group of their own, which the report
        // stops as a whole if it is interrupted.
        p.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        p.arguments = ["0", mpirun] + mpirunArguments + [executable] + arguments(withCTF: withCTF)
        p.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        // Shared-memory transport without cross-memory attach, which containers usually forbid (ptrace).
        env["OMPI_MCA_btl_vader_single_copy_mechanism"] = "none"
        // Ranks waiting for messages yield the core instead of spinning (the leader waits most of the time).
        env["OMPI_MCA_mpi_yield_when_idle"] = "1"
        p.environment = env
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = log
        p.standardError = log
        let started = Date()
        do { try p.run() } catch { throw RelionError.cannotStart(executable: executable, reason: error.localizedDescription) }
        let finished = onStart?(p.processIdentifier)
        p.waitUntilExit()
        finished?()
        let seconds = Date().timeIntervalSince(started)
        guard p.terminationStatus == 0 else {
            throw RelionError.failed(status: p.terminationStatus, message: Self.firstError(inLog: logURL))
        }
        return try RelionRefineResult(runFolder: out, particleCount: particleCount, seconds: seconds)
    }

    /// RELION's error message in its log (the lines after "ERROR"), else the log's last line.
    static func firstError(inLog url: URL) -> String {
        guard let data = FileManager.default.contents(atPath: url.path) else { return "no log" }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty && !$0.hasPrefix("=") }
        if let i = lines.firstIndex(where: { $0.hasPrefix("ERROR") }) {
            let detail = lines[i...].prefix(3).joined(separator: " ")
            return String(detail.prefix(300))
        }
        return lines.last.map { String($0.prefix(300)) } ?? "empty log"
    }
}

public enum RelionError: Error, CustomStringConvertible, Equatable {
    case cannotStart(executable: String, reason: String)
    case failed(status: Int32, message: String)
    case badOutput(file: String, detail: String)

    public var description: String {
        switch self {
        case let .cannotStart(executable, reason): return "cannot start \(executable): \(reason)"
        case let .failed(status, message): return "relion_refine_mpi stopped with status \(status): \(message)"
        case let .badOutput(file, detail): return "\(file): \(detail)"
        }
    }
}
