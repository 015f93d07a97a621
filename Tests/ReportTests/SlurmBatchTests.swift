// `emvalidate batch --slurm` on a real one-node Slurm cluster started by scripts/slurm-local.sh: the array job
// writes every report and the index; after deleting one output, the regenerated script holds only that row,
// and resubmitting runs only that row. Skipped, with the reason printed, where the cluster cannot run
// (not root, no apt-get to install slurm-wlm and munge, or EMVALIDATE_SKIP_SLURM=1).
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
@testable import Report

let slurmScript = repositoryRoot.appendingPathComponent("scripts/slurm-local.sh").path

var slurmSkipReason: String? {
    if ProcessInfo.processInfo.environment["EMVALIDATE_SKIP_SLURM"] == "1" { return "EMVALIDATE_SKIP_SLURM=1" }
    if getuid() != 0 { return "the one-node Slurm cluster needs root" }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let have = { (tool: String) in path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") } }
    if !(have("slurmctld") || have("apt-get")) { return "no Slurm and no apt-get to install it" }
    return nil
}

@Suite(.serialized) struct SlurmBatchTests {
    /// Runs a command with a time limit (coreutils timeout), environment extended by `env`. posix_spawn and
    /// waitpid rather than Foundation's Process, whose exit monitoring did not see the start script end once
    /// it had left daemons behind; output goes to a file, which no daemon can keep open for us.
    func run(_ args: [String], env: [String: String] = [:], seconds: Int) throws -> (status: Int32, output: String) {
        let log = TestScratch.root.appendingPathComponent("emv-slurm-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let argv = ["/usr/bin/timeout", "--kill-after=10", String(seconds)] + args
        let environment = ProcessInfo.processInfo.environment.merging(env) { $1 }.map { "\($0)=\($1)" }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArgs = argv.map { strdup($0) } + [nil]
        var cEnv = environment.map { strdup($0) } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, nil, &cArgs, &cEnv)
        guard rc == 0 else { return (127, "posix_spawn failed: \(rc)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (code, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    @Test func arrayJobWritesEveryReportAndResubmitsOnlyTheMissingRow() throws {
        if let reason = slurmSkipReason {
            print("SlurmBatchTests skipped: \(reason)")
            return
        }
        let work = try temporaryDirectory()
        // A short path: slurmstepd's Unix sockets live in the spool folder (108-byte limit).
        let cluster = URL(fileURLWithPath: "/tmp/emvs-\(UUID().uuidString.prefix(8))")
        let start = try run([slurmScript, "start", cluster.path], seconds: 700)
        if start.status == 3 {
            print("SlurmBatchTests skipped: \(start.output.trimmingCharacters(in: .whitespacesAndNewlines))")
            return
        }
        defer {
            _ = try? run([slurmScript, "stop", cluster.path], seconds: 60)
            try? FileManager.default.removeItem(at: cluster)
        }
        #expect(start.status == 0, "cluster did not start: \(start.output)")
        guard start.status == 0 else { return }
        let env = ["SLURM_CONF": cluster.appendingPathComponent("slurm.conf").path]

        let table = try writeBatchTable(in: work, thresholds: [0.2, 0.25, 0.3], corrupt: false)
        let out = work.appendingPathComponent("out")
        let names = ["0001_daq", "0002_daq", "0003_daq"]
        let logs = out.appendingPathComponent("slurm")

        let gen = try run([emvalidateBinary, "batch", table.path, "-o", out.path, "--slurm", "--no-pdf"], seconds: 120)
        #expect(gen.status == 0, "\(gen.output)")
        let script = logs.appendingPathComponent(SlurmScript.fileName)
        #expect(try String(contentsOf: script, encoding: .utf8).contains("#SBATCH --array=0,1,2"))
        let first = try run(["sbatch", "--wait", script.path], env: env, seconds: 1500)
        #expect(first.status == 0, "sbatch: \(first.output)")
        for n in names {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("\(n)/metrics.json").path), "\(n) missing")
        }
        let index = try readCSV(out.appendingPathComponent("index.csv"))
        #expect(index.map { $0["status"] ?? "" } == ["done", "done", "done"], "index: \(index)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("index.html").path))
        try expectValidAgainstSchema(names.map { out.appendingPathComponent("\($0)/metrics.json") })

        // Delete one output: the new script holds only that row, and only that row runs.
        try FileManager.default.removeItem(at: out.appendingPathComponent(names[1]))
        for k in 0..<3 { try? FileManager.default.removeItem(at: logs.appendingPathComponent("row-\(k).log")) }
        let untouched = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("\(names[0])/metrics.json").path)[.modificationDate] as! Date
        let regen = try run([emvalidateBinary, "batch", table.path, "-o", out.path, "--slurm", "--no-pdf"], seconds: 120)
        #expect(regen.status == 0 && regen.output.contains("1 of 3 rows"), "\(regen.output)")
        #expect(try String(contentsOf: script, encoding: .utf8).contains("#SBATCH --array=1\n"))
        let second = try run(["sbatch", "--wait", script.path], env: env, seconds: 900)
        #expect(second.status == 0, "sbatch: \(second.output)")
        let ranLogs = try FileManager.default.contentsOfDirectory(atPath: logs.path).filter { $0.hasPrefix("row-") }
        #expect(ranLogs == ["row-1.log"], "tasks that ran: \(ranLogs)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("\(names[1])/metrics.json").path))
        let after = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("\(names[0])/metrics.json").path)[.modificationDate] as! Date
        #expect(after == untouched, "a finished row was rerun")
        let index2 = try readCSV(out.appendingPathComponent("index.csv"))
        #expect(index2.map { $0["status"] ?? "" } == ["done", "done", "done"], "index: \(index2)")
    }
}
