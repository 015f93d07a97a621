// How many threads the numerics use, and a parallel loop that honours it.
//
// The number is set once at start-up (`emvalidate report --threads N`); by default it is the number of CPUs this
// process may use: the scheduler's affinity mask, a cgroup CPU quota (containers, Slurm with cgroups) and
// Slurm's SLURM_CPUS_PER_TASK, whichever is smallest. Every parallel loop of the analysis and the FFTW plans go
// through it, so `--threads 1` really runs on one core.
import Dispatch
import Foundation
import MapIO

public enum Parallel {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var configured: Int?

    /// Threads the numerics may use (≥ 1): inside `withWorkers`, its count; otherwise the process-wide count, set
    /// once at start-up (`--threads`). FFT plans are cached per thread count.
    public static var workers: Int {
        get {
            if let scoped = ParallelPool.current?.scopedWorkers { return scoped }
            lock.lock(); defer { lock.unlock() }; return configured ?? defaultWorkers
        }
        set { lock.lock(); configured = max(1, newValue); lock.unlock() }
    }

    /// Runs `body` with `count` workers for every loop and FFT plan it starts, at any depth, on this thread and on
    /// the pool threads that run its loops; every other thread keeps the process-wide count. Tests compare thread
    /// counts with this while other tests run beside them: setting the process-wide `workers` changed the
    /// thread count under their feet (a test expecting two sections side by side saw one worker).
    public static func withWorkers<T>(_ count: Int, _ body: () throws -> T) rethrows -> T {
        try ParallelPool.withCurrent(ParallelPool.Job(parent: ParallelPool.current, workers: max(1, count)), body)
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

    /// Parts a floating-point sum over `n` items (planes, voxels, residues) is split into: a fixed number,
    /// whatever `workers` is. A sum's rounding depends on how it is split, so parts chosen per thread made
    /// `--threads 1` and `--threads 2` write different last digits into metrics.json (and made tests that
    /// compare runs exactly fail when another test changed `workers` meanwhile). 32 parts keep up to 32
    /// threads busy; the partial sums stay small (per-shell arrays; the conical FSC's, 100 directions at 512³, 26 MB).
    public static let reductionParts = 32
    public static func reductionChunks(_ n: Int) -> Int { max(1, min(n, reductionParts)) }

    /// Runs `body(i)` for every i in 0..<iterations on at most `workers` threads (in the calling thread when
    /// there is one worker or one iteration). Iterations are handed out one at a time, so uneven work balances.
    /// A loop started inside another loop's iteration gets idle threads too (`ParallelPool`): libdispatch's
    /// `concurrentPerform`, used before, ran a nested loop on the calling thread alone, so the other core idled
    /// while one section built the masks that the others waited for.
    public static func perform(iterations: Int, _ body: (Int) -> Void) {
        guard iterations > 0 else { return }
        let k = min(workers, iterations)
        if k <= 1 {
            for i in 0..<iterations { body(i) }
            return
        }
        ParallelPool.shared.run(iterations: iterations, threads: k, body)
    }

    /// An array of `count` copies of `value`, written in chunks on every worker: a fresh 16 MiB mask costs more in
    /// the kernel's zeroing of its pages than in the writing, and the pages are zeroed on the core that first
    /// touches them. Huge pages are advised first (`HugePages`).
    public static func array<T: BitwiseCopyable>(count: Int, repeating value: T) -> [T] {
        HugePages.array(count: count) { (buffer: UnsafeMutableBufferPointer<T>) in
            forEachHugePage(of: buffer) { range in
                UnsafeMutableBufferPointer(rebasing: buffer[range]).initialize(repeating: value)
            }
        }
    }

    /// A copy of `source`, written in chunks on every worker (see `array(count:repeating:)`).
    public static func array<T: BitwiseCopyable>(copying source: [T]) -> [T] {
        source.withUnsafeBufferPointer { src in
            HugePages.array(count: src.count) { (buffer: UnsafeMutableBufferPointer<T>) in
                forEachHugePage(of: buffer) { range in
                    _ = UnsafeMutableBufferPointer(rebasing: buffer[range]).initialize(from: src[range])
                }
            }
        }
    }

    /// `body` on consecutive ranges covering the indices of `buffer`, on every worker, cut where the buffer's
    /// addresses cross a 2 MiB boundary, so that each range lies in one huge page. Two workers writing into one
    /// fresh huge page both fault on it, and the kernel clears a 2 MiB page for each before keeping one: with
    /// chunks cut at arbitrary places, a fresh 16 MiB mask cost as much kernel time as the 64 MiB map (issue 16).
    /// Without huge pages the ranges are simply 2 MiB chunks.
    public static func forEachHugePage<T>(of buffer: UnsafeMutableBufferPointer<T>, _ body: (Range<Int>) -> Void) {
        let count = buffer.count, stride = MemoryLayout<T>.stride, huge = 2 << 20
        guard count > 0, let base = buffer.baseAddress else { return }
        let perChunk = max(1, huge / max(1, stride))
        // Elements before the first 2 MiB boundary (0 when the buffer starts on one, or when an element would
        // straddle the boundary: then the chunks are 2 MiB apart from the start).
        let address = Int(bitPattern: base)
        let lead = ((address + huge - 1) & ~(huge - 1)) - address
        let first = (stride > 0 && lead % stride == 0 && huge % stride == 0) ? min(count, lead / stride) : 0
        let chunks = (first > 0 ? 1 : 0) + (count - first + perChunk - 1) / perChunk
        perform(iterations: chunks) { j in
            if first > 0 && j == 0 { body(0..<first); return }
            let k = first > 0 ? j - 1 : j
            body((first + k * perChunk)..<min(count, first + (k + 1) * perChunk))
        }
    }

    /// What a computation started in `run(in:)` hands to other threads (its parallel loops, at any depth), so that
    /// a thread waiting for the computation's result can help with them (`waitHelping`).
    public final class Scope: @unchecked Sendable {
        let job: ParallelPool.Job
        public init() { job = ParallelPool.Job(parent: ParallelPool.current) }
    }

    /// Runs `body` here; the parallel loops it starts belong to `scope`.
    public static func run<T>(in scope: Scope, _ body: () throws -> T) rethrows -> T {
        try ParallelPool.withCurrent(scope.job, body)
    }

    /// Waits until `done()` is true, meanwhile running iterations of `scope`'s loops. `done` is evaluated with the
    /// pool's lock held: it may take a lock of its own, but must not start a loop. Whoever makes it true calls
    /// `wakeWaiters()` afterwards.
    public static func waitHelping(_ scope: Scope, until done: () -> Bool) {
        ParallelPool.shared.waitHelping(scope.job, until: done)
    }

    /// Wakes the threads in `waitHelping` to evaluate their condition again.
    public static func wakeWaiters() { ParallelPool.shared.wake() }
}
