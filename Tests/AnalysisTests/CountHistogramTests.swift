// Histograms of counts (particles per class, per micrograph) have whole-number bins centred on the integers.
import Testing
@testable import Analysis

@Suite struct CountHistogramTests {
    @Test func unitBinsCentredOnTheIntegers() {
        let two = Histogram(counts: [166, 167, 167], xLabel: "x", yLabel: "y")
        #expect(two.binEdges == [164.5, 165.5, 166.5, 167.5, 168.5] && two.counts == [0, 1, 2, 0], "\(two.binEdges) \(two.counts)")
        let one = Histogram(counts: Array(repeating: 200, count: 10), xLabel: "x", yLabel: "y")
        #expect(one.binEdges == [198.5, 199.5, 200.5, 201.5] && one.counts == [0, 10, 0], "\(one.binEdges) \(one.counts)")
        #expect(one.wholeNumbers == true && Histogram(binEdges: [0, 1], counts: [1], xLabel: "x").wholeNumbers == nil)
    }

    /// 0…99 in at most 30 bins: ⌈100/30⌉ = 4 units a bin, 25 bins (and an empty one each side).
    @Test func wideRangesGroupWholeUnits() {
        let values = Array(0...99) + [7, 7]
        let h = Histogram(counts: values, xLabel: "x", yLabel: "y", maxBins: 30)
        #expect(h.counts.count == 27 && h.binEdges.count == 28 && h.binEdges.first == -4.5 && h.binEdges.last == 103.5)
        #expect(zip(h.binEdges, h.binEdges.dropFirst()).allSatisfy { $1 - $0 == 4 })
        #expect(h.counts.reduce(0, +) == Double(values.count) && h.counts[2] == 6, "\(h.counts)")   // 4, 5, 6, 7, 7, 7
    }
}
