// A section for the tests of how the report runs its sections (SharedValueTests, SectionRunOrderTests): it records
// whether the shared value was held when it started and how many sections ran alongside it; it can read the
// shared value, and wait for other sections to have started.
import Foundation
import Analysis

struct ProbeSection: Section {
    let id: String
    let title = "probe"
    var scored: Bool { false }
    var isLightweight = false
    /// Whether it reads `.localBands` through the context (a 1000-float value, made once).
    var reads = false
    /// Ids of sections it waits for (up to 30 s) to have started, so that running together is observed, not timed
    /// (without it, a fast section could end before the other starts).
    var waitsFor: Set<String> = []
    let log: Log
    var sharedValues: [SharedValue] { reads ? [.localBands] : [] }

    final class Log: @unchecked Sendable {
        let lock = NSLock()
        var made = 0, heldAtStart: [String: Bool] = [:]
        var running = 0, mostAlongside: [String: Int] = [:], started: Set<String> = []
    }

    func run(_ context: AnalysisContext) throws -> SectionResult {
        log.lock.withLock {
            log.heldAtStart[id] = context.holds(.localBands)
            log.running += 1; log.started.insert(id); log.mostAlongside[id] = log.running
        }
        if reads {
            let v: [Float] = try context.shared(.localBands) {
                log.lock.withLock { log.made += 1 }
                return [Float](repeating: 1, count: 1000)
            }
            precondition(v.count == 1000)
        }
        let deadline = Date().addingTimeInterval(30)
        while !log.lock.withLock({ waitsFor.isSubset(of: log.started) }) && Date() < deadline { usleep(1000) }
        log.lock.withLock { log.mostAlongside[id] = max(log.mostAlongside[id]!, log.running) }
        if !waitsFor.isEmpty { usleep(20_000) }
        log.lock.withLock { log.mostAlongside[id] = max(log.mostAlongside[id]!, log.running); log.running -= 1 }
        return .evaluated(self, warnings: [], metrics: ["id": .string(id)])
    }
}
