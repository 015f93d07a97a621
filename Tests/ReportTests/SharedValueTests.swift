// Values shared between sections (AnalysisContext.shared): made once per context, and, when the sections run one at
// a time (a large map), released after their last reader so that later sections do not carry them.
import Foundation
import Testing
@testable import Analysis
import MapIO
import VolumeNumerics
@testable import Report

private final class Locked<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ v: T) { stored = v }
    var value: T { lock.withLock { stored } }
    func update<R>(_ f: (inout T) -> R) -> R { lock.withLock { f(&stored) } }
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

    /// Sections asking at once: one makes the value (with a parallel loop the others may help with), every caller
    /// gets it; a make that throws reaches its own caller only, and the next caller makes it again.
    @Test func concurrentCallersShareOneMakeAndAFailureIsMadeAgain() {
        let c = AnalysisContext(map: Volume(nx: 4, ny: 4, nz: 4), mapPath: "m", threshold: 0.5, resolution: nil)
        let attempts = Locked(0)
        let outcomes = Locked([Result<Int, Error>]())
        struct Boom: Error {}
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            let r = Result { () throws -> Int in
                try c.shared(.localBands) { () throws -> Int in
                    let attempt = attempts.update { $0 += 1; return $0 }
                    if attempt == 1 { throw Boom() }
                    let sums = Locked(0)
                    Parallel.perform(iterations: 100) { i in sums.update { $0 += i; return () } }
                    return sums.value
                }
            }
            outcomes.update { $0.append(r); return () }
        }
        let values = outcomes.value.compactMap { try? $0.get() }
        #expect(attempts.value == 2, "made \(attempts.value) times")
        #expect(values.count == 5 && values.allSatisfy { $0 == 4950 })
        #expect(outcomes.value.filter { if case .failure(let e) = $0 { e is Boom } else { false } }.count == 1)
    }

    /// The halves' spectra (1 GiB at 512³) are read by 1.a and 1.b only: released after 1.b, so 1.c's local maps and
    /// 1.d run without them, while the halves and their unmasked FSC stay; asked for again, they are the same; and
    /// not kept at all when the FSC is first made for a section that does not read them.
    @Test func halfSpectraGoAfterTheirLastReaderAndTheFSCStays() throws {
        var rng = SplitMix64(seed: 5)
        func noise() -> Volume { Volume(nx: 16, ny: 16, nz: 16, data: (0..<4096).map { _ in Float(rng.uniform()) }) }
        let c = AnalysisContext(map: noise(), mapPath: "m", threshold: 0.5, resolution: nil, halves: (noise(), noise()))
        let level1: [any Section] = [HalfMaps(), GlobalResolution(), FSCPermutation(), LocalResolutionFromHalves(), DirectionalResolution()]
        let first = try Level1Data.spectra(c)
        #expect(c.holds(.level1) && c.holds(.halfSpectra))
        ReportPipeline.releaseSharedValues(after: 1, of: level1, in: c)   // after 1.a: 1.b still reads them
        #expect(c.holds(.halfSpectra))
        ReportPipeline.releaseSharedValues(after: 2, of: level1, in: c)   // after 1.b
        #expect(!c.holds(.halfSpectra) && c.holds(.level1))
        let again = try Level1Data.spectra(c)
        #expect(again.spectrum1.data == first.spectrum1.data && again.spectrum2.data == first.spectrum2.data)
        // Made first by a section that does not read them (1.c with 1.a and 1.b not run): not kept.
        let d = AnalysisContext(map: noise(), mapPath: "m", threshold: 0.5, resolution: nil, halves: (noise(), noise()))
        _ = try Level1Data.of(d)
        #expect(d.holds(.level1) && !d.holds(.halfSpectra))
    }

    /// Above `concurrentSectionsMaxVoxels` the sections run in order: the value is made by the first reader, kept
    /// for the second, and gone for the section after the last reader.
    @Test func oneAtATimeTheValueGoesAfterItsLastReader() {
        let n = 201   // 201³ > 200³: one at a time
        let c = AnalysisContext(map: Volume(nx: n, ny: n, nz: n, value: 1), mapPath: "m", threshold: 0.5, resolution: nil)
        #expect(!ReportPipeline.sectionsRunConcurrently(c))
        let log = ProbeSection.Log()
        let sections: [any Section] = [ProbeSection(id: "a", reads: true, log: log), ProbeSection(id: "b", reads: false, log: log),
                                       ProbeSection(id: "c", reads: true, log: log), ProbeSection(id: "d", reads: false, log: log)]
        _ = ReportPipeline.runSections(sections, c)
        #expect(log.made == 1)
        #expect(log.heldAtStart == ["a": false, "b": true, "c": true, "d": false])
        #expect(!c.holds(.localBands))
    }
}
