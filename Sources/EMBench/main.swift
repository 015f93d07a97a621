// `make bench`: times reading, the masks, every section and whole reports on 128³ and 256³ protein-like
// phantoms, and prints peak memory. Each measurement runs in a child process of its own, so the peak memory it
// reports belongs to that measurement alone. A benchmark, not a test: it asserts nothing.
//
//   EMBench [N …]                 phantoms of N³ (default 128 256), every measurement below
//   EMBench core MAP T R          read + masks + 0.a–0.c + sweep, then each section alone
//   EMBench report MAP T R SCOPE  one whole report (SCOPE: level0core = Input data + 0.a–0.c, or all)
//   EMBench particles MAP T R STAR [MAX]  each Level 4 section alone on a STAR file (ParticleBench.swift)
//   EMBench level2 N COUNT [STEP] the Level 2 orientation search (Level2Bench.swift)
import Analysis
import Foundation
import MapIO
import Report

/// Wall seconds of `body`; its CPU seconds (all threads) go to `lastCPUSeconds`. On a shared machine the CPU
/// time is the steadier figure: on an idle 2-core machine the wall time lies between CPU/2 and CPU.
var lastCPUSeconds = 0.0
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let c0 = cpuSeconds()
    let t0 = DispatchTime.now().uptimeNanoseconds
    try body()
    lastCPUSeconds = cpuSeconds() - c0
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
}

func cpuSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024   // Linux reports KiB
}

func row(_ name: String, _ s: Double, cpu: Double? = lastCPUSeconds) {
    var line = name.padding(toLength: 48, withPad: " ", startingAt: 0) + String(format: "%8.3f s wall", s)
    if let cpu { line += String(format: "  %8.3f s CPU", cpu) }
    print(line)
    fflush(stdout)
}

func core(path: String, threshold: Double, resolution: Double) throws {
    var file: MRCFile!
    let tRead = try seconds { file = try MRCReader.read(path: path) }
    row("read map", tRead)
    var readMasksCPU = lastCPUSeconds
    let context = AnalysisContext(map: file.volume, mapPath: path, threshold: threshold, resolution: resolution)
    let tMasks = try seconds { _ = try context.masks() }
    row("masks (raw, hard, soft)", tMasks)
    readMasksCPU += lastCPUSeconds
    var total = tRead + tMasks
    var totalCPU = 0.0
    for section in [MassCentering(), MaskAnalysis(), BackgroundAnalysis()] as [any Section] {
        let t = seconds { _ = section.runIsolated(context) }
        row("section \(section.id) \(section.title)", t)
        total += t
        totalCPU += lastCPUSeconds
    }
    row("reading + masks + 0.a–0.c + sweep", total, cpu: totalCPU + readMasksCPU)
    let mapMiB = Double(file.volume.count * 4) / 1_048_576
    print(String(format: "peak memory: %.0f MiB = %.1f × the map (%.0f MiB)", peakRSSMiB(), peakRSSMiB() / mapMiB, mapMiB))
    for section in SectionRegistry.reportSections(halfMaps: false, model: false)
    where !["0.a", "0.b", "0.c"].contains(section.id) {
        var result: SectionResult!
        let t = seconds { result = section.runIsolated(context) }
        row("section \(section.id) \(section.title.prefix(26)) [\(result.status.rawValue)]", t)
    }
}

func report(path: String, threshold: Double, resolution: Double, scope: String) throws {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("emvalidate-bench-report-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: out) }
    let sections: [any Section]? = scope == "level0core"
        ? [InputData(), MassCentering(), MaskAnalysis(), BackgroundAnalysis()] : nil
    let request = ReportRequest(mapPath: path, threshold: threshold, resolution: resolution,
                                title: "Benchmark phantom", outputDirectory: out, makePDF: LatexCompiler.isAvailable)
    var outcome: ReportOutcome!
    let t = try seconds { outcome = try ReportPipeline.run(request, sections: sections) }
    let reportCPU = lastCPUSeconds
    for s in outcome.timings { row("  \(s.step)", s.seconds, cpu: nil) }
    row("whole report, \(scope == "level0core" ? "Input data + 0.a–0.c" : "all Level 0") (read → PDF)", t, cpu: reportCPU)
    print(String(format: "peak memory: %.0f MiB", peakRSSMiB()))
}

func child(_ args: [String]) throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    if !FileManager.default.isExecutableFile(atPath: p.executableURL!.path) {
        p.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    }
    p.arguments = args
    try p.run()
    p.waitUntilExit()
}

let args = Array(CommandLine.arguments.dropFirst())
switch args.first {
case "core":
    try core(path: args[1], threshold: Double(args[2])!, resolution: Double(args[3])!)
case "particles":
    try particles(map: args[1], threshold: Double(args[2])!, resolution: Double(args[3])!, star: args[4],
                  max: args.count > 5 ? args[5] : nil)
case "report":
    try report(path: args[1], threshold: Double(args[2])!, resolution: Double(args[3])!, scope: args[4])
case "level2":
    try level2(n: Int(args[1])!, count: Int(args[2])!, stepDeg: args.count > 3 ? Double(args[3])! : 5)
default:
    let sizes = args.compactMap { Int($0) }
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("emvalidate-bench-\(getpid())")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }
    print("emvalidate \(ReportPipeline.version) benchmark — \(ProcessInfo.processInfo.activeProcessorCount) cores"); fflush(stdout)
    for n in sizes.isEmpty ? [128, 256] : sizes {
        let path = work.appendingPathComponent("phantom\(n).mrc").path
        let threshold: Double = try {
            let phantom = Phantom.proteinLike(n: n)
            try MRCWriter.write(phantom, to: path, labels: ["emvalidate benchmark phantom \(n)^3"])
            let sorted = phantom.data.sorted()
            return Double(sorted[Int(Double(sorted.count) * 0.97)])   // ~3 % of the box at or above T
        }()
        let t = String(format: "%.6g", threshold)
        fflush(stdout)
        print("\n== \(n)³ float32 (\(n * n * n * 4 / 1_048_576) MiB), T = \(t), R = 3 Å"); fflush(stdout)
        try child(["core", path, t, "3"])
        print("-- report with Input data and 0.a–0.c (CPU time excludes LaTeX, a child process)"); fflush(stdout)
        try child(["report", path, t, "3", "level0core"])
        print("-- report with every Level 0 section"); fflush(stdout)
        try child(["report", path, t, "3", "all"])
        if n == 128 {
            print("-- Level 2: 100 classes of 128² at 5° in C1"); fflush(stdout)
            try child(["level2", "128", "100"])
        }
    }
}
