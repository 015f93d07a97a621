// The fork–join pool behind Parallel.perform: a loop started inside another loop's iteration is shared out to
// idle threads (libdispatch ran it on one thread), a thread waiting for a computation helps with its loops and
// only with those, and deep random nesting finishes with every iteration run once. Each test makes its own pool
// (of 0, 1 or 3 threads) so that who can help is known whatever the other tests run. No timing: where a test needs
// a second thread, an iteration waits (up to a minute) for it, so the test fails, rather than hangs, on a pool
// that never shares.
import Foundation
import Testing
@testable import VolumeNumerics

@Suite struct ParallelPoolTests {
    @Test func aNestedLoopGetsTheIdleThread() {
        // A pool of one thread plus the caller: one outer iteration starts a loop whose first iteration waits for
        // another thread to run one of its others; the other outer iteration ends at once, so its thread is idle.
        let pool = ParallelPool(maxThreads: 1)
        let seen = ThreadSet()
        var sawTwo = false
        pool.run(iterations: 2, threads: 2) { outer in
            guard outer == 0 else { return }
            pool.run(iterations: 4, threads: 2) { inner in
                seen.insert()
                if inner == 0 { sawTwo = seen.waitForCount(2, seconds: 60) }
            }
        }
        #expect(sawTwo, "the nested loop ran on \(seen.count) thread(s)")
    }

    @Test func aWaiterHelpsWithTheLoopsOfWhatItWaitsFor() {
        // A pool with no thread of its own: A makes a value inside a scope with a loop whose first iteration waits
        // for another thread to run one of the others; B waits for the value. Only B can run it.
        let pool = ParallelPool(maxThreads: 0)
        let scope = Parallel.Scope()
        let seen = ThreadSet()
        let valueMade = Flag()
        var sawTwo = false
        let b = Thread { pool.waitHelping(scope.job) { valueMade.isSet } }
        b.start()
        Parallel.run(in: scope) {
            pool.run(iterations: 3, threads: 2) { i in
                seen.insert()
                if i == 0 { sawTwo = seen.waitForCount(2, seconds: 60) }
            }
        }
        valueMade.set()
        pool.wake()
        while !b.isFinished { usleep(1000) }
        #expect(sawTwo, "the waiting thread did not run an iteration of the loop it waited for")
    }

    @Test func aWaiterDoesNotTakeUpWorkOutsideWhatItWaitsFor() {
        // B waits helping scope S; a loop started outside S must be run by its caller alone (no pool thread).
        let pool = ParallelPool(maxThreads: 0)
        let scope = Parallel.Scope()
        let done = Flag()
        let b = Thread { pool.waitHelping(scope.job) { done.isSet } }
        b.start()
        let seen = ThreadSet()
        pool.run(iterations: 50, threads: 2) { _ in seen.insert(); usleep(200) }
        done.set()
        pool.wake()
        while !b.isFinished { usleep(1000) }
        #expect(seen.count == 1 && seen.contains(Thread.current))
    }

    @Test func randomNestingRunsEveryIterationOnce() {
        // Loops three deep with random widths, on pools of 1 and 3 threads; every path is counted once.
        for (poolThreads, threads) in [(1, 2), (3, 4)] {
            let pool = ParallelPool(maxThreads: poolThreads)
            var rng = SplitMix64(seed: UInt64(poolThreads))
            let widths = (0..<3).map { _ in 1 + Int(rng.uniform() * 7) }
            let counts = Counts(widths.reduce(1, *))
            for _ in 0..<20 {
                pool.run(iterations: widths[0], threads: threads) { a in
                    pool.run(iterations: widths[1], threads: threads) { b in
                        pool.run(iterations: widths[2], threads: threads) { c in
                            counts.add((a * widths[1] + b) * widths[2] + c)
                        }
                    }
                }
            }
            #expect(counts.all == [Int](repeating: 20, count: widths.reduce(1, *)), "pool of \(poolThreads), widths \(widths)")
        }
    }

    /// `Parallel.withWorkers` sets the worker count of what runs inside it only: this thread, its loops' iterations
    /// on pool threads (iteration 0 waits for a second thread, so one of them runs there) and loops nested in those;
    /// a thread started meanwhile outside the scope sees the process-wide count, and so does this one afterwards.
    @Test func scopedWorkerCountReachesItsLoopsAndNothingElse() {
        let global = Parallel.workers
        let k = global + 3
        let counts = Log<Int>(), outside = Log<Int>(), threads = ThreadSet()
        var sawTwo = false
        Parallel.withWorkers(k) {
            counts.append(Parallel.workers)
            Parallel.perform(iterations: 8) { i in
                threads.insert()
                if i == 0 { sawTwo = threads.waitForCount(2, seconds: 60) }
                counts.append(Parallel.workers)
                Parallel.perform(iterations: 2) { _ in counts.append(Parallel.workers) }
            }
            let t = Thread { outside.append(Parallel.workers) }
            t.start()
            while !t.isFinished { usleep(1000) }
        }
        #expect(sawTwo, "the loop ran on \(threads.count) thread(s)")
        #expect(counts.all.count == 1 + 8 + 16 && counts.all.allSatisfy { $0 == k }, "\(counts.all)")
        #expect(outside.all == [global])
        #expect(Parallel.workers == global)
        #expect(Parallel.withWorkers(2) { Parallel.withWorkers(1) { Parallel.workers } } == 1, "the innermost scope counts")
    }

    @Test func filledAndCopiedArraysAreExact() {
        let n = (5 << 20) + 3   // several 2 MiB chunks and a partial one
        let zeros = Parallel.array(count: n, repeating: false)
        #expect(zeros.count == n && !zeros.contains(true))
        var rng = SplitMix64(seed: 5)
        let source = (0..<(n / 4)).map { _ in Float(rng.uniform()) }
        #expect(Parallel.array(copying: source) == source)
    }

    /// The ranges cover every index once, and none crosses a 2 MiB address boundary (two workers never fault the
    /// same huge page), for buffers starting on and off a boundary, of elements of 1, 4 and 12 bytes.
    @Test func hugePageRangesCoverTheBufferWithinPages() {
        let huge = 2 << 20
        func check<T>(_ type: T.Type, count: Int, offsetBytes: Int) {
            let stride = MemoryLayout<T>.stride
            let raw = UnsafeMutableRawPointer.allocate(byteCount: count * stride + offsetBytes + huge, alignment: huge)
            defer { raw.deallocate() }
            let base = (raw + offsetBytes).bindMemory(to: T.self, capacity: count)
            let buffer = UnsafeMutableBufferPointer(start: base, count: count)
            let seen = Log<Range<Int>>()
            Parallel.forEachHugePage(of: buffer) { range in seen.append(range) }
            let ranges = seen.all.sorted { $0.lowerBound < $1.lowerBound }
            var next = 0, crossing = 0
            for r in ranges {
                #expect(r.lowerBound == next && !r.isEmpty, "\(T.self) ×\(count) at +\(offsetBytes): \(ranges)")
                next = r.upperBound
                let first = Int(bitPattern: base + r.lowerBound), last = Int(bitPattern: base + r.upperBound) - 1
                if first / huge != last / huge && stride > 0 && huge % stride == 0 && offsetBytes % stride == 0 { crossing += 1 }
            }
            #expect(next == count, "\(T.self) ×\(count) at +\(offsetBytes): ends at \(next)")
            #expect(crossing == 0, "\(T.self) ×\(count) at +\(offsetBytes): \(crossing) ranges cross a huge page")
        }
        for (count, offset) in [(1, 0), (5 << 20, 0), ((5 << 20) + 3, 16), (7_000_001, 4096), (100, 32)] {
            check(Bool.self, count: count, offsetBytes: offset)
            check(Float.self, count: count / 4 + 1, offsetBytes: offset)
            check((Float, Float, Float).self, count: count / 12 + 1, offsetBytes: offset)
        }
    }
}

/// Values recorded by workers (ranges handed out, worker counts seen), in the order they were recorded.
private final class Log<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [T] = []
    func append(_ v: T) { lock.lock(); values.append(v); lock.unlock() }
    var all: [T] { lock.lock(); defer { lock.unlock() }; return values }
}

/// The distinct threads that ran something, and a wait for a number of them.
private final class ThreadSet: @unchecked Sendable {
    private let condition = NSCondition()
    private var threads: [ObjectIdentifier] = []
    func insert() {
        condition.lock()
        let id = ObjectIdentifier(Thread.current)
        if !threads.contains(id) { threads.append(id) }
        condition.broadcast()
        condition.unlock()
    }
    func contains(_ t: Thread) -> Bool { condition.lock(); defer { condition.unlock() }; return threads.contains(ObjectIdentifier(t)) }
    var count: Int { condition.lock(); defer { condition.unlock() }; return threads.count }
    /// Whether `n` threads are seen within `seconds`.
    func waitForCount(_ n: Int, seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock(); defer { condition.unlock() }
        while threads.count < n { if !condition.wait(until: deadline) { break } }
        return threads.count >= n
    }
}

private final class Flag: @unchecked Sendable {
    private let condition = NSCondition()
    private var value = false
    func set() { condition.lock(); value = true; condition.broadcast(); condition.unlock() }
    var isSet: Bool { condition.lock(); defer { condition.unlock() }; return value }
}

private final class Counts: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int]
    init(_ n: Int) { values = [Int](repeating: 0, count: n) }
    func add(_ i: Int) { lock.withLock { values[i] += 1 } }
    var all: [Int] { lock.withLock { values } }
}
