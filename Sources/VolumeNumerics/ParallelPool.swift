// The threads behind `Parallel.perform`: a fork–join pool in which a loop started inside another loop's iteration
// (a section's loops while the sections run side by side, a 3D view among the figures) is shared out too.
//
// libdispatch's `concurrentPerform` runs a nested loop on the calling thread alone, so while one section built the
// masks that two others waited for, one core idled (issue 16, 0.a–0.c). Here every loop is a job in one queue:
// idle pool threads take iterations of any job, newest first (a nested loop before the next section, which keeps
// memory down), and a thread that waits — for its own loop's last iterations, or for a shared value another thread
// is making (`Parallel.waitHelping`) — runs iterations of that work only: its own job's and those of loops started
// inside it. Helping only with one's own work keeps the waits free of cycles: a thread never takes up an unrelated
// section while holding something that section may need.
//
// At most `Parallel.workers` threads run a loop's iterations (the caller and pool threads; the pool grows to
// `workers − 1` threads); the pool threads live as long as the process.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

final class ParallelPool: @unchecked Sendable {
    static let shared = ParallelPool()

    /// A loop's iterations (or, with no body, a `Parallel.Scope`: the parent of the loops started inside it).
    final class Job: @unchecked Sendable {
        let parent: Job?
        let iterations: Int
        /// Threads that may run this job's iterations at once.
        let threads: Int
        /// Read by the threads running an iteration; cleared (under the lock) once every iteration has ended, so
        /// that the caller's non-escaping closure is not held past `run`.
        var body: ((Int) -> Void)?
        /// For a scope: the worker count of the loops and FFT plans started inside it (`Parallel.withWorkers`).
        let workers: Int?
        // Guarded by the pool's condition.
        var next = 0, finished = 0, running = 0

        init(parent: Job?, workers: Int? = nil) {
            self.parent = parent; iterations = 0; threads = 0; body = nil; self.workers = workers
        }

        init(parent: Job?, iterations: Int, threads: Int, body: @escaping (Int) -> Void) {
            self.parent = parent; self.iterations = iterations; self.threads = threads; self.body = body; workers = nil
        }

        /// This job, then the job or scope it was started in, and so on out.
        var lineage: UnfoldSequence<Job, (Job?, Bool)> { sequence(first: self, next: \.parent) }

        /// The worker count set by the nearest enclosing `Parallel.withWorkers` scope, if any.
        var scopedWorkers: Int? { lineage.lazy.compactMap(\.workers).first }

        /// Whether this job is `ancestor` or was started inside it (at any depth).
        func isPart(of ancestor: Job) -> Bool { lineage.contains { $0 === ancestor } }
    }

    private let condition = NSCondition()
    /// Jobs with iterations not yet handed out, oldest first.
    private var queue: [Job] = []
    private var threadCount = 0
    /// The most threads of its own this pool starts (tests make pools of 0 or 1 thread to know who can help).
    private let maxThreads: Int

    init(maxThreads: Int = .max) { self.maxThreads = maxThreads }

    // MARK: The job a thread is running an iteration of (thread-local)

    private static let currentKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "ParallelPool: pthread_key_create failed")
        return key
    }()

    /// The job whose iteration (or scope) this thread is in; nil outside any. Unretained: whoever sets it holds the job.
    static var current: Job? {
        get { pthread_getspecific(currentKey).map { Unmanaged<Job>.fromOpaque($0).takeUnretainedValue() } }
        set { pthread_setspecific(currentKey, newValue.map { UnsafeRawPointer(Unmanaged.passUnretained($0).toOpaque()) }) }
    }

    // MARK: Loops and waits

    /// Runs `body` for 0..<iterations on at most `threads` threads, this one included; returns when all have ended.
    func run(iterations: Int, threads: Int, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            let job = Job(parent: Self.current, iterations: iterations, threads: threads, body: body)
            condition.lock()
            startThreads(upTo: threads - 1)
            queue.append(job)
            condition.broadcast()
            while job.finished < job.iterations {
                if let j = takeable(within: job) { runOne(j) } else { condition.wait() }
            }
            job.body = nil
            condition.unlock()
        }
    }

    /// Waits until `done()` (evaluated with the lock held), running iterations of `scope`'s loops meanwhile.
    func waitHelping(_ scope: Job, until done: () -> Bool) {
        condition.lock()
        while !done() {
            if let j = takeable(within: scope) { runOne(j) } else { condition.wait() }
        }
        condition.unlock()
    }

    func wake() {
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    // MARK: With the lock held

    /// The newest job with an iteration to hand out and room for another thread, within `scope` if given.
    private func takeable(within scope: Job?) -> Job? {
        for j in queue.reversed() where j.next < j.iterations && j.running < j.threads {
            if let scope, !j.isPart(of: scope) { continue }
            return j
        }
        return nil
    }

    /// Runs the next iteration of `job`; the lock is released while it runs.
    private func runOne(_ job: Job) {
        let i = job.next
        job.next += 1
        job.running += 1
        if job.next == job.iterations { queue.removeAll { $0 === job } }
        condition.unlock()
        Self.invoke(job, i)
        condition.lock()
        let wasFull = job.running == job.threads
        job.running -= 1
        job.finished += 1
        // The caller waits for the last iteration; a thread turned away by a full job waits for room.
        if job.finished == job.iterations || (wasFull && job.next < job.iterations) { condition.broadcast() }
    }

    /// Runs iteration `i` with `job` as this thread's current job. Out of line, so that the closure is released
    /// before the iteration is counted as ended (`withoutActuallyEscaping` checks that nothing holds it after).
    @inline(never)
    private static func invoke(_ job: Job, _ i: Int) {
        withCurrent(job) { job.body!(i) }
    }

    /// Runs `body` with `job` as this thread's current job (the parent of the loops `body` starts).
    static func withCurrent<T>(_ job: Job, _ body: () throws -> T) rethrows -> T {
        let saved = current
        current = job
        defer { current = saved }
        return try body()
    }

    private func startThreads(upTo n: Int) {
        while threadCount < min(n, maxThreads) {
            let index = threadCount
            threadCount += 1
            let thread = Thread { [self] in workerLoop() }
            thread.name = "emvalidate-worker-\(index + 1)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// A pool thread: runs any job's iterations. Each job admits at most the `threads` it was started with
    /// (`Parallel.workers` then), so lowering `workers` later needs no thread to stop.
    private func workerLoop() {
        condition.lock()
        while true {
            if let j = takeable(within: nil) { runOne(j) } else { condition.wait() }
        }
    }
}
