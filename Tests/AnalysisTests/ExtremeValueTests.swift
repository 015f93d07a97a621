// One voxel at 3e38 (a valid float32) in an ordinary map (issue 17, point 16). Before, 0.f's histogram
// marker became NaN and the report stopped with "output cannot be written" (exit 73) because JSON has no
// NaN. Now every section either measures or says it could not, and everything written as JSON is finite.
import Foundation
import Testing
import MapIO
@testable import Analysis

@Suite struct ExtremeValueTests {
    @Test func oneHugeVoxelGivesFiniteResultsOrAReason() throws {
        let n = 24
        var map = Volume(nx: n, ny: n, nz: n, voxelSize: SIMD3(repeating: 2))
        let c = Double(n - 1) / 2
        for z in 0..<n { for y in 0..<n { for x in 0..<n {
            let r2 = pow(Double(x) - c, 2) + pow(Double(y) - c, 2) + pow(Double(z) - c, 2)
            map.data[x + n * (y + n * z)] = Float(exp(-r2 / (2 * pow(Double(n) / 6, 2))))
        } } }
        map.data[5 + n * (4 + n * 3)] = 3e38
        let context = AnalysisContext(map: map, mapPath: "hot.mrc", threshold: 0.5, resolution: 6)
        let results = SectionRegistry.reportSections(halfMaps: false, model: false).map { $0.runIsolated(context) }
        for r in results {
            print("3e38 voxel: \(r.id) \(r.status.rawValue) \(r.reason ?? "")")
            #expect(r.nonFiniteNumberPath() == nil, "\(r.id): \(r.nonFiniteNumberPath() ?? "")")
            #expect(throws: Never.self, "\(r.id) metrics must encode") { try JSONEncoder().encode(r.metrics) }
            if r.status == .failed { #expect(r.reason?.isEmpty == false, "\(r.id): failed without a reason") }
        }
        // The sections that do not transform the map still measure it.
        for id in ["0.a", "0.b", "0.c"] {
            let r = results.first { $0.id == id }!
            #expect(r.status == .ok || r.status == .warnings, "\(id): \(r.status) \(r.reason ?? "")")
        }
    }

    @Test func nonFiniteNumbersAreFound() {
        var r = SectionResult(id: "x", title: "x", status: .ok, metrics: ["a": .array([.number(1), .number(.nan)])])
        #expect(r.nonFiniteNumberPath() == "metrics.a[1]")
        r.metrics = [:]
        r.figures = [Figure(id: "f", caption: "", content: .histogram(Histogram(binEdges: [0, 1], counts: [1], xLabel: "",
                                                                                  yLabel: "", markers: [Marker(value: .infinity, label: "")])))]
        #expect(r.nonFiniteNumberPath() == "figure f markers")
    }
}
