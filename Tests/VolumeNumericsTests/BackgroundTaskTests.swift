// BackgroundTask: the value computed beside the caller is the one every caller gets; an error reaches every caller.
import Foundation
import Testing
import VolumeNumerics

@Suite struct BackgroundTaskTests {
    @Test func everyCallerGetsTheSameValueOrError() throws {
        let calls = Counter()
        let task = BackgroundTask { () -> Int in calls.add(); return (1...1000).reduce(0, +) }
        #expect(try task.value() == 500_500 && (try task.value()) == 500_500)
        #expect(calls.value == 1)
        struct Boom: Error {}
        let failing = BackgroundTask { () throws -> Int in throw Boom() }
        #expect(throws: Boom.self) { try failing.value() }
        #expect(throws: Boom.self) { try failing.value() }
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.withLock { n += 1 } }
    var value: Int { lock.withLock { n } }
}
