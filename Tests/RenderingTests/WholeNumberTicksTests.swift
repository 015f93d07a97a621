// An axis of counts (particles per micrograph, per class) is ticked at whole numbers only.
import Testing
@testable import Rendering

@Test func countAxesAreTickedAtWholeNumbers() {
    // One bar at 36 with an empty bin each side: 34.5 … 37.5. Real-valued ticks would be 34.5, 35, 35.5, …
    let counts = AxisTicks.linear(lo: 34.5, hi: 37.5, target: 8, wholeNumbers: true).map(\.value)
    #expect(counts == [35, 36, 37], "\(counts)")
    #expect(AxisTicks.linear(lo: 34.5, hi: 37.5, target: 8).map(\.value).contains(35.5))
    // Wider spans: steps 1, 2, 5, 10, … (never 2.5).
    #expect(AxisTicks.niceStep(span: 20, target: 8, wholeNumbers: true) == 5)
    #expect(AxisTicks.niceStep(span: 20, target: 8) == 2.5)
    #expect(AxisTicks.niceStep(span: 2000, target: 8, wholeNumbers: true) == 250)
}
