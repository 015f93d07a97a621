// Values shared between sections (AnalysisContext.shared): made once per context, and, when the sections run one at
// a time (a large map), released after their last reader so that later sections do not carry them.
import Foundation
import Testing
import Analysis
import MapIO
@testable import Report

/// A section that reads `.localBands` through the context and records whether it was held when it started.
private struct Reader: Section {
    let id: String
    let title = "reader"
    var scored: Bool { false }
    let reads: Bool
    let log: Log
    var sharedValues: [SharedValue] { reads ? [.localBands] : [] }
    final class Log: @unchecked Sendable {
        let lock = NSLock()
        var made = 0, heldAtStart: [String: Bool] = [:]
    }
    func run(_ context: AnalysisContext) throws -> SectionResult {
        log.lock.withLock { log.heldAtStart[id] = context.holds(.localBands) }
        if reads {
            let v: [Float] = try context.shared(.localBands) {
                log.lock.withLock { log.made += 1 }
                return [Float](repeating: 1, count: 1000)
            }
            #expect(v.count == 1000)
        }
        return .evaluated(self, warnings: [], metrics: [:], figures: [])
    }
}

@Suite struct SharedValueTests {
    @Test func aSharedValueIsMadeOnceAndMadeAgainAfterRelease() throws {
        let c = AnalysisContext(map: Volume(nx: 4, ny: 4, nz: 4), mapPath: "m", threshold: 0.5, resolution: nil)
        var made = 0
        for _ in 0..<3 { _ = try c.shared(.localBands) { made += 1; return 7 } }
        #expect(made == 1 && c.holds(.localBands))
        c.release(.localBands)
        #expect(!c.holds(.localBands))
        _ = try c.shared(.localBands) { made += 1; return 7 }
        #expect(made == 2)
        struct Boom: Error {}
        c.release(.localBands)
        #expect(throws: Boom.self) { try c.shared(.localBands) { () throws -> Int in throw Boom() } }
        #expect(!c.holds(.localBands))
    }

    /// Above `concurrentSectionsMaxVoxels` the sections run in order: the value is made by the first reader, kept
    /// for the second, and gone for the section after the last reader.
    @Test func oneAtATimeTheValueGoesAfterItsLastReader() {
        let n = 201   // 201³ > 200³: one at a time
        let c = AnalysisContext(map: Volume(nx: n, ny: n, nz: n, value: 1), mapPath: "m", threshold: 0.5, resolution: nil)
        #expect(!ReportPipeline.sectionsRunConcurrently(c))
        let log = Reader.Log()
        let sections: [any Section] = [Reader(id: "a", reads: true, log: log), Reader(id: "b", reads: false, log: log),
                                       Reader(id: "c", reads: true, log: log), Reader(id: "d", reads: false, log: log)]
        _ = ReportPipeline.runSections(sections, c)
        #expect(log.made == 1)
        #expect(log.heldAtStart == ["a": false, "b": true, "c": true, "d": false])
        #expect(!c.holds(.localBands))
    }
}
