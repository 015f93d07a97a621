// `make bench`: times reading, the masks, every section and the whole report (figures and PDF) on 128³ and
// 256³ protein-like phantoms, and prints the peak memory. A benchmark, not a test: it asserts nothing.
import Analysis
import Foundation
import MapIO
import Report

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
}

func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024   // Linux reports KiB
}

func row(_ name: String, _ s: Double) {
    print(name.padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: "%8.3f s", s))
}

let sizes = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let work = FileManager.default.temporaryDirectory.appendingPathComponent("emvalidate-bench-\(getpid())")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }

print("emvalidate \(ReportPipeline.version) benchmark — \(ProcessInfo.processInfo.activeProcessorCount) cores")
for n in sizes.isEmpty ? [128, 256] : sizes {
    let phantom = Phantom.proteinLike(n: n)
    let path = work.appendingPathComponent("phantom\(n).mrc").path
    try MRCWriter.write(phantom, to: path, labels: ["emvalidate benchmark phantom \(n)^3"])
    let sorted = phantom.data.sorted()
    let threshold = Double(sorted[Int(Double(sorted.count) * 0.97)])   // ~3 % of the box above T
    let resolution = 3.0
    print("\n== \(n)³ float32 (\(n * n * n * 4 / 1_048_576) MiB), T = \(String(format: "%.4g", threshold)), R = \(resolution) Å")

    var file: MRCFile!
    let tRead = try seconds { file = try MRCReader.read(path: path) }
    row("read map", tRead)
    let context = AnalysisContext(map: file.volume, mapPath: path, threshold: threshold, resolution: resolution)
    let tMasks = try seconds { _ = try context.masks() }
    row("masks (raw, hard, soft)", tMasks)
    var level0Core = tRead + tMasks
    for section in SectionRegistry.reportSections(halfMaps: false, model: false) {
        var result: SectionResult!
        let t = seconds { result = section.runIsolated(context) }
        row("section \(section.id) \(section.title) [\(result.status.rawValue)]", t)
        if ["0.a", "0.b", "0.c"].contains(section.id) { level0Core += t }
    }
    row("reading + masks + 0.a–0.c + sweep", level0Core)

    let out = work.appendingPathComponent("report\(n)").path
    let request = ReportRequest(mapPath: path, threshold: threshold, resolution: resolution,
                                title: "Benchmark phantom \(n)³", outputDirectory: out, makePDF: LatexCompiler.isAvailable)
    var outcome: ReportOutcome!
    let tReport = try seconds { outcome = try ReportPipeline.run(request) }
    for t in outcome.timings { row("  report step: \(t.step)", t.seconds) }
    row("whole report (read → PDF)", tReport)
    print(String(format: "peak memory so far: %.0f MiB (map: %.0f MiB)", peakRSSMiB(), Double(n * n * n * 4) / 1_048_576))
}
