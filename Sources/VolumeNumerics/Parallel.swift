// How many threads the numerics use, and a parallel loop that honours it.
//
// The number is set once at start-up (`emvalidate report --threads N`); by default it is the number of CPUs this
// process may use: the scheduler's affinity mask, a cgroup CPU quota (containers, Slurm with cgroups) and
// Slurm's SLURM_CPUS_PER_TASK, whichever is smallest. Every parallel loop of the analysis and the FFTW plans go
// through it, so `--threads 1` really runs on one core.
import Dispatch
import Foundation

public enum Parallel {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var configured: Int?

    /// Threads the numerics may use (≥ 1). Set `workers` before the first FFT plan is made: FFTW plans keep
    /// the thread count they were made with.
    public static var workers: Int {
        get { lock.lock(); defer { lock.unlock() }; return configured ?? defaultWorkers }
        set { lock.lock(); configured = max(1, newValue); lock.unlock() }
    }

    /// The CPUs available to this process (computed once).
    public static let defaultWorkers: Int = availableCPUs(environment: ProcessInfo.processInfo.environment,
                                                          affinity: ProcessInfo.processInfo.activeProcessorCount,
                                                          cgroupQuota: cgroupCPUQuota())

    /// The smallest of the affinity mask's CPU count, the cgroup quota (CPUs, rounded up) and
    /// SLURM_CPUS_PER_TASK; at least 1. Pure, for tests.
    public static func availableCPUs(environment: [String: String], affinity: Int, cgroupQuota: Double?) -> Int {
        var n = max(1, affinity)
        if let q = cgroupQuota, q > 0 { n = min(n, max(1, Int(q.rounded(.up)))) }
        if let s = environment["SLURM_CPUS_PER_TASK"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), s > 0 {
            n = min(n, s)
        }
        return n
    }

    /// CPUs granted by the cgroup (v2 `cpu.max`, else v1 `cpu.cfs_quota_us / cpu.cfs_period_us`), or nil when
    /// unlimited or unknown.
    public static func cgroupCPUQuota(root: String = "/sys/fs/cgroup") -> Double? {
        func read(_ path: String) -> String? {
            (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let v2 = read(root + "/cpu.max") {
            let parts = v2.split(separator: " ")
            guard parts.count == 2, let quota = Double(parts[0]), let period = Double(parts[1]), period > 0 else { return nil }
            return quota / period   // "max 100000" fails Double("max") and is unlimited
        }
        if let q = read(root + "/cpu/cpu.cfs_quota_us").flatMap(Double.init),
           let p = read(root + "/cpu/cpu.cfs_period_us").flatMap(Double.init), q > 0, p > 0 {
            return q / p
        }
        return nil
    }

    /// Runs `body(i)` for every i in 0..<iterations on at most `workers` threads (in the calling thread when
    /// there is one worker or one iteration). Iterations are handed out one at a time, so uneven work balances.
    public static func perform(iterations: Int, _ body: (Int) -> Void) {
        guard iterations > 0 else { return }
        let k = min(workers, iterations)
        if k <= 1 {
            for i in 0..<iterations { body(i) }
            return
        }
        let next = Counter()
        DispatchQueue.concurrentPerform(iterations: k) { _ in
            while true {
                let i = next.take()
                if i >= iterations { break }
                body(i)
            }
        }
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func take() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value - 1 }
    }
}
