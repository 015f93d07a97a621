// `make bench`: times reading, the masks, every section and whole reports on 128³, 256³ and 512³ protein-like
// phantoms (with half maps, and a ~10,000-atom model at 256³), prints peak memory, and writes every figure to
// bench.json so that two commits can be compared. Each measurement runs in a child process of its own, so the
// peak memory it reports belongs to that measurement alone; whole reports run the emvalidate binary under
// /usr/bin/time -v. At 256³ it also runs the peers a user would compare with, on the same files in the same
// run: a straightforward numpy/scipy implementation of 0.a–0.c (Tests/Oracles/bench_level0_core.py) and
// relion_postprocess with a mask. Whole reports that take under 2 s run five times and the oracle three, and the
// median is what is printed and recorded (`runs` in bench.json): one such run depends as much on the page cache and
// the kernel's page handling as on the code. A benchmark, not a test: it asserts nothing.
//
//   EMBench [N …] [--json FILE]          phantoms of N³ (default 128 256 512), everything below
//   EMBench core MAP T R                  read + masks + 0.a–0.c, then each Level 0 section alone
//   EMBench level1 MAP H1 H2 T R          each Level 1 section alone
//   EMBench levelA MAP MODEL T R          each Level A section alone
//   EMBench phantom N DIR                 only write DIR/phantomN.mrc and its halves; prints T
//   EMBench local MAP H1 H2 T R [DIR]     the numerics of 0.e, 0.f/0.g and 1.c alone; maps to DIR (LocalBench.swift)
//   EMBench compare DIR1 DIR2             the largest differences between the maps of two `local` runs
//   EMBench diff OLD.json NEW.json        two bench.json files side by side, step by step (BenchDiff.swift)
//   EMBench particles MAP T R STAR [MAX] [IDS]  each Level 4 section alone on a STAR file; IDS e.g. 4.a,4.e
//                                        (ParticleBench.swift)
//   EMBench level2 N COUNT [STEP]        the Level 2 orientation search (Level2Bench.swift)
//   EMBench level3 N COUNT CLASSES [MAX] [--keep DIR]  Level 3 on simulated particles in classes (Level3Bench.swift)
import Analysis
import Foundation
import MapIO
import ModelIO
import Report
import VolumeNumerics

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
    // Linux reports KiB; resetting the high-water mark for a step (startStepPeak) resets this too.
    return max(Double(usage.ru_maxrss) / 1024, highWaterMiB() ?? 0, peakBeforeResetsMiB)
}

/// The largest high-water mark seen before a reset (startStepPeak), so that the process's peak survives them.
var peakBeforeResetsMiB = 0.0

/// The kernel's high-water mark of resident memory (VmHWM), MiB.
func highWaterMiB() -> Double? { procStatusMiB("VmHWM:") }

/// The resident memory now (VmRSS), MiB.
func residentMiB() -> Double? { procStatusMiB("VmRSS:") }

/// A memory line of /proc/self/status (kB there), MiB.
func procStatusMiB(_ key: String) -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }),
          let kB = Double(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
    return kB / 1024
}

/// Starts measuring a step's peak resident memory: the kernel's high-water mark is reset to the current size
/// (Linux /proc/self/clear_refs "5"); false where that is not allowed. `stepPeakMiB` then reads it (MiB).
func startStepPeak() -> Bool {
    peakBeforeResetsMiB = max(peakBeforeResetsMiB, highWaterMiB() ?? 0)
    guard let h = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
    defer { try? h.close() }
    return (try? h.write(contentsOf: Data("5".utf8))) != nil
}

func stepPeakMiB(_ started: Bool) -> Double? {
    started ? highWaterMiB() : nil
}

/// One line of bench.json.
struct BenchRecord: Codable {
    var size: Int
    var step: String
    var wallS: Double
    var cpuS: Double?
    var peakRSSMiB: Double?
    var voxels: Int
    /// Runs the figures are the median of (short runs are repeated); nil for one run.
    var runs: Int? = nil
    enum CodingKeys: String, CodingKey {
        case size, step, wallS = "wall_s", cpuS = "cpu_s", peakRSSMiB = "peak_rss_MiB", voxels, runs
    }
}

/// Children append their records (one JSON object per line) to the file named by EMBENCH_RECORDS.
func record(_ r: BenchRecord) {
    guard let path = ProcessInfo.processInfo.environment["EMBENCH_RECORDS"],
          var line = try? JSONEncoder().encode(r) else { return }
    line.append(0x0A)
    if let h = FileHandle(forWritingAtPath: path) { h.seekToEndOfFile(); h.write(line); try? h.close() }
}

var currentSize = 0
func row(_ name: String, _ s: Double, cpu: Double? = lastCPUSeconds, peak: Double? = nil, runs: Int? = nil) {
    var line = name.padding(toLength: 52, withPad: " ", startingAt: 0) + String(format: "%8.3f s wall", s)
    if let cpu { line += String(format: "  %8.3f s CPU", cpu) }
    if let peak { line += String(format: "  %7.0f MiB peak", peak) }
    if let runs, runs > 1 { line += "  (median of \(runs) runs)" }
    print(line)
    fflush(stdout)
    record(BenchRecord(size: currentSize, step: name.trimmingCharacters(in: .whitespaces), wallS: s, cpuS: cpu,
                       peakRSSMiB: peak, voxels: currentSize * currentSize * currentSize, runs: runs))
}

func readMap(_ path: String) throws -> Volume {
    var file: MRCFile!
    let t = try seconds { file = try MRCReader.read(path: path) }
    row("read \((path as NSString).lastPathComponent)", t)
    return file.volume
}

func core(path: String, threshold: Double, resolution: Double) throws {
    // As the report holds it: the context alone has the map, which it may put aside during 0.e when large.
    let context = AnalysisContext(map: try readMap(path), mapPath: path, threshold: threshold, resolution: resolution)
    context.mayPutMapAside = !ReportPipeline.sectionsRunConcurrently(context)
    currentSize = context.map.nx
    var total = 0.0, totalCPU = 0.0
    let tMasks = try seconds { _ = try context.masks() }
    row("masks (raw, hard, soft)", tMasks)
    total += tMasks; totalCPU += lastCPUSeconds
    for section in [MassCentering(), MaskAnalysis(), BackgroundAnalysis()] as [any Section] {
        let t = seconds { _ = section.runIsolated(context) }
        row("section \(section.id) \(section.title)", t)
        total += t; totalCPU += lastCPUSeconds
    }
    row("masks + 0.a–0.c (in process)", total, cpu: totalCPU)
    let sections = SectionRegistry.reportSections(halfMaps: false, model: false).filter { !["0.a", "0.b", "0.c"].contains($0.id) }
    for (i, section) in sections.enumerated() {
        var result: SectionResult!
        let peak = startStepPeak()
        let t = seconds { result = section.runIsolated(context) }
        // As the report does when its sections run one at a time.
        if context.mayPutMapAside { ReportPipeline.releaseSharedValues(after: i, of: sections, in: context) }
        let resident = residentMiB().map { String(format: ", %.0f MiB after", $0) } ?? ""
        row("section \(section.id) \(section.title.prefix(24)) [\(result.status.rawValue)\(resident)]", t, peak: stepPeakMiB(peak))
    }
    row("peak memory of this process", 0, cpu: nil, peak: peakRSSMiB())
}

func level1(path: String, half1: String, half2: String, threshold: Double, resolution: Double) throws {
    let map = try readMap(path), h1 = try readMap(half1), h2 = try readMap(half2)
    currentSize = map.nx
    let context = AnalysisContext(map: map, mapPath: path, threshold: threshold, resolution: resolution,
                                  halves: (h1, h2), halfPaths: (half1, half2))
    let tMasks = try seconds { _ = try context.masks() }
    row("masks (shared with Level 0)", tMasks)
    for section in SectionRegistry.reportSections(halfMaps: true, model: false) where section.id.hasPrefix("1.") {
        var result: SectionResult!
        let peak = startStepPeak()
        let t = seconds { result = section.runIsolated(context) }
        row("section \(section.id) \(section.title.prefix(24)) [\(result.status.rawValue)]", t, peak: stepPeakMiB(peak))
    }
    row("peak memory of this process", 0, cpu: nil, peak: peakRSSMiB())
}

func levelA(path: String, modelPath: String, threshold: Double, resolution: Double) throws {
    let map = try readMap(path)
    currentSize = map.nx
    let model = try ModelReader.read(path: modelPath)
    let context = AnalysisContext(map: map, mapPath: path, threshold: threshold, resolution: resolution, model: model)
    var total = 0.0
    for section in SectionRegistry.reportSections(halfMaps: false, model: true) where section.id.hasPrefix("A.") {
        var result: SectionResult!
        let t = seconds { result = section.runIsolated(context) }
        total += t
        row("section \(section.id) \(section.title.prefix(24)) [\(result.status.rawValue)]", t)
    }
    row("Level A, \(model.atoms.count) atoms", total, cpu: nil, peak: peakRSSMiB())
}

/// Runs a command, optionally under /usr/bin/time -v; returns its exit status, wall and CPU seconds and peak
/// resident memory (MiB) as /usr/bin/time reports them.
@discardableResult
func runCommand(_ argv: [String], measured: Bool = true, quietOutput: Bool = true) throws
    -> (status: Int32, wall: Double, cpu: Double?, peakMiB: Double?) {
    let p = Process()
    let timeLog = FileManager.default.temporaryDirectory.appendingPathComponent("embench-time-\(getpid()).txt")
    let timeAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/time")
    if measured && timeAvailable {
        p.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        p.arguments = ["-v", "-o", timeLog.path] + argv
    } else {
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
    }
    if quietOutput { p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice }
    let t0 = DispatchTime.now().uptimeNanoseconds
    try p.run()
    p.waitUntilExit()
    let wall = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    guard measured, timeAvailable, let log = try? String(contentsOf: timeLog, encoding: .utf8) else {
        return (p.terminationStatus, wall, nil, nil)
    }
    try? FileManager.default.removeItem(at: timeLog)
    func value(_ key: String) -> Double? {
        log.split(separator: "\n").first { $0.contains(key) }.flatMap { Double($0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)) }
    }
    let cpu = (value("User time (seconds)") ?? 0) + (value("System time (seconds)") ?? 0)
    return (p.terminationStatus, wall, cpu, value("Maximum resident set size (kbytes)").map { $0 / 1024 })
}

func child(_ args: [String]) throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    p.arguments = args
    try p.run()
    p.waitUntilExit()
}

/// The emvalidate binary built beside this one.
let emvalidate = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    .deletingLastPathComponent().appendingPathComponent("emvalidate").path

func loadAverage() -> String {
    ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(separator: " ")
}

/// A whole report through the binary, `--no-pdf` unless `pdf`, with its wall time, CPU time and peak memory.
/// Runs `run` once, and when that took under `below` seconds (2 s: start-up, page cache and the kernel's page
/// handling then weigh as much as the work), `repeats` − 1 more times; returns the run with the median wall time and
/// how many were made.
func medianRun(repeats: Int, below: Double = 2,
               _ run: () throws -> (status: Int32, wall: Double, cpu: Double?, peakMiB: Double?)) rethrows
    -> (run: (status: Int32, wall: Double, cpu: Double?, peakMiB: Double?), count: Int) {
    var runs = [try run()]
    if runs[0].wall < below { for _ in 1..<max(1, repeats) { runs.append(try run()) } }
    return (runs.sorted { $0.wall < $1.wall }[runs.count / 2], runs.count)
}

func binaryReport(_ label: String, _ args: [String], work: URL, inputMiB: Double) throws {
    let (r, count) = try medianRun(repeats: 5) {
        let out = work.appendingPathComponent("report-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        return try runCommand([emvalidate, "report"] + args + ["-o", out, "-q"])
    }
    let ratio = r.peakMiB.map { String(format: " = %.1f× the inputs", $0 / inputMiB) } ?? ""
    row(label + (r.status == 0 ? "" : " [exit \(r.status)]"), r.wall, cpu: r.cpu, peak: r.peakMiB, runs: count)
    if !ratio.isEmpty { print("    peak memory\(ratio) (\(Int(inputMiB)) MiB of maps)") }
}

let args = Array(CommandLine.arguments.dropFirst())
switch args.first {
case "core":
    try core(path: args[1], threshold: Double(args[2])!, resolution: Double(args[3])!)
case "level1":
    try level1(path: args[1], half1: args[2], half2: args[3], threshold: Double(args[4])!, resolution: Double(args[5])!)
case "levelA":
    try levelA(path: args[1], modelPath: args[2], threshold: Double(args[3])!, resolution: Double(args[4])!)
case "local":
    try localSections(path: args[1], half1: args[2], half2: args[3], threshold: Double(args[4])!,
                      resolution: Double(args[5])!, dump: args.count > 6 ? args[6] : nil)
case "compare":
    try compareLocalDumps(args[1], args[2])
case "diff":
    guard args.count == 3 else {
        FileHandle.standardError.write(Data("usage: EMBench diff OLD.json NEW.json\n".utf8)); exit(2)
    }
    do { try BenchDiff.print(oldPath: args[1], newPath: args[2]) } catch {
        FileHandle.standardError.write(Data("EMBench diff: \(error)\n".utf8)); exit(1)
    }
case "phantom":
    let n = Int(args[1])!, dir = URL(fileURLWithPath: args[2])
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let phantom = Phantom.proteinLike(n: n)
    let halves = Phantom.halves(of: phantom, seed: 11)
    try MRCWriter.write(phantom.map, to: dir.appendingPathComponent("phantom\(n).mrc").path, labels: ["benchmark phantom"])
    try MRCWriter.write(halves.0, to: dir.appendingPathComponent("half1_\(n).mrc").path, labels: ["benchmark half map 1"])
    try MRCWriter.write(halves.1, to: dir.appendingPathComponent("half2_\(n).mrc").path, labels: ["benchmark half map 2"])
    print(String(format: "%.6g", phantom.threshold))
case "particles":
    try particles(map: args[1], threshold: Double(args[2])!, resolution: Double(args[3])!, star: args[4],
                  max: args.count > 5 ? args[5] : nil, only: args.count > 6 ? args[6].split(separator: ",").map(String.init) : nil)
case "level3":
    let keepAt = args.firstIndex(of: "--keep")
    let rest = keepAt.map { Array(args[..<$0]) } ?? args
    try level3(n: Int(rest[1])!, count: Int(rest[2])!, classCount: Int(rest[3])!, max: rest.count > 4 ? rest[4] : nil,
               keep: keepAt.flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil })
case "level2":
    try level2(n: Int(args[1])!, count: Int(args[2])!, stepDeg: args.count > 3 ? Double(args[3])! : 5)
default:
    var sizes: [Int] = []
    var jsonPath = "bench.json"
    var i = 0
    while i < args.count {
        if args[i] == "--json", i + 1 < args.count { jsonPath = args[i + 1]; i += 2; continue }
        // A misspelt subcommand would otherwise start the whole half-hour benchmark.
        guard let n = Int(args[i]), n >= 16 else {
            FileHandle.standardError.write(Data("""
                EMBench: '\(args[i])' is neither a subcommand, a box size (at least 16) nor --json PATH
                usage: EMBench [SIZE…] [--json PATH]     the full benchmark (default sizes 128 256 512)
                       EMBench core|level1|levelA|local|compare|diff|phantom|particles|level3|level2 …

                """.utf8))
            exit(2)
        }
        sizes.append(n)
        i += 1
    }
    if sizes.isEmpty { sizes = [128, 256, 512] }
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("emvalidate-bench-\(getpid())")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }
    let records = work.appendingPathComponent("records.jsonl")
    _ = FileManager.default.createFile(atPath: records.path, contents: nil)
    setenv("EMBENCH_RECORDS", records.path, 1)
    print("emvalidate \(ReportPipeline.version) benchmark — \(Parallel.workers) threads; load average \(loadAverage())")
    fflush(stdout)
    for n in sizes {
        currentSize = n
        let path = work.appendingPathComponent("phantom\(n).mrc").path
        let h1 = work.appendingPathComponent("half1_\(n).mrc").path, h2 = work.appendingPathComponent("half2_\(n).mrc").path
        let phantom = Phantom.proteinLike(n: n)
        try MRCWriter.write(phantom.map, to: path, labels: ["emvalidate benchmark phantom \(n)^3"])
        let halves = Phantom.halves(of: phantom, seed: 11)
        try MRCWriter.write(halves.0, to: h1, labels: ["benchmark half map 1"])
        try MRCWriter.write(halves.1, to: h2, labels: ["benchmark half map 2"])
        let t = String(format: "%.6g", phantom.threshold)
        let mapMiB = Double(n * n * n * 4) / 1_048_576
        print("\n== \(n)³ float32 (\(Int(mapMiB)) MiB), T = \(t), R = 3 Å; load average \(loadAverage())"); fflush(stdout)
        print("-- in process, each section alone (Level 0)"); fflush(stdout)
        try child(["core", path, t, "3"])
        print("-- in process, each section alone (Level 1)"); fflush(stdout)
        try child(["level1", path, h1, h2, t, "3"])
        print("-- emvalidate report (binary, --no-pdf): wall, CPU, peak memory"); fflush(stdout)
        try binaryReport("report --sections 0.a,0.b,0.c", [path, "--threshold", t, "--resolution", "3",
                                                           "--sections", "0.a,0.b,0.c", "--no-pdf"], work: work, inputMiB: mapMiB)
        try binaryReport("report, all of Level 0", [path, "--threshold", t, "--resolution", "3", "--no-pdf"],
                         work: work, inputMiB: mapMiB)
        try binaryReport("report --sections 1.a", [path, "--threshold", t, "--resolution", "3", "--half1", h1,
                                                   "--half2", h2, "--sections", "1.a", "--no-pdf"], work: work, inputMiB: 3 * mapMiB)
        try binaryReport("report, Level 0 + Level 1", [path, "--threshold", t, "--resolution", "3", "--half1", h1,
                                                       "--half2", h2, "--no-pdf"], work: work, inputMiB: 3 * mapMiB)
        // The same without the three local maps (MonoRes, the band fits, local FSC + MonoRes on the halves), whose
        // scans are most of the time: what the rest of Level 0 + 1 costs beside relion_postprocess (issue 16).
        try binaryReport("report, Level 0 + Level 1 without 0.e,0.f,0.g,1.c",
                         [path, "--threshold", t, "--resolution", "3", "--half1", h1, "--half2", h2,
                          "--skip", "0.e,0.f,0.g,1.c", "--no-pdf"], work: work, inputMiB: 3 * mapMiB)
        if n <= 256 {
            try binaryReport("report, Level 0 with PDF", [path, "--threshold", t, "--resolution", "3"],
                             work: work, inputMiB: mapMiB)
        }
        if n == 256 {
            print("-- peers on the same files"); fflush(stdout)
            let oracle = "Tests/Oracles/bench_level0_core.py"
            if FileManager.default.fileExists(atPath: oracle) {
                // Always three runs, the median: the same care as the short report runs above get.
                let (r, count) = try medianRun(repeats: 3, below: .infinity) { try runCommand(["python3", oracle, path, t]) }
                row("numpy/scipy 0.a–0.c (read + masks + sections)", r.wall, cpu: r.cpu, peak: r.peakMiB, runs: count)
            }
            if FileManager.default.isExecutableFile(atPath: "/usr/bin/relion_postprocess") {
                let ctx = AnalysisContext(map: phantom.map, mapPath: path, threshold: phantom.threshold, resolution: 3)
                let mask = work.appendingPathComponent("softmask.mrc").path
                try MRCWriter.write(try ctx.masks().soft.full(), to: mask, labels: ["benchmark soft mask"])
                let pp = work.appendingPathComponent("relion").path
                try FileManager.default.createDirectory(atPath: pp, withIntermediateDirectories: true)
                let r = try runCommand(["relion_postprocess", "--i", h1, "--i2", h2, "--o", pp + "/postprocess",
                                        "--angpix", "1", "--mask", mask, "--auto_bfac", "--autob_lowres", "10"])
                row("relion_postprocess --mask (\(r.status == 0 ? "ok" : "exit \(r.status)"))", r.wall, cpu: r.cpu, peak: r.peakMiB)
            }
            print("-- Level A (\(Phantom.modelAtomsTarget) atoms)"); fflush(stdout)
            let modelPath = work.appendingPathComponent("model256.pdb").path
            let mapA = work.appendingPathComponent("modelmap256.mrc").path
            if let tA = try Phantom.writeModelAndMap(n: n, fixture: "Fixtures/daq/3J6B_9.pdb", modelPath: modelPath, mapPath: mapA) {
                try child(["levelA", mapA, modelPath, String(format: "%.6g", tA), "3"])
                try binaryReport("report, Level 0 + Level A", [mapA, "--threshold", String(format: "%.6g", tA),
                                                               "--resolution", "3", "--model", modelPath, "--no-pdf"],
                                 work: work, inputMiB: mapMiB)
            }
        }
        if n == 128 {
            print("-- Level 2: 100 classes of 128² at 5° in C1"); fflush(stdout)
            try child(["level2", "128", "100"])
            // Levels 3 and 4 on simulated particles of this phantom (the same map, so the same T): 1,000 images of
            // 128² in 20 views with CTFs, Level 3 in process, then every Level 4 section in process.
            print("-- Levels 3 and 4: 1000 simulated particles of 128² (20 views, CTFs)"); fflush(stdout)
            let particlesDir = work.appendingPathComponent("particles128").path
            try child(["level3", "128", "1000", "20", "all", "--keep", particlesDir])
            try child(["particles", particlesDir + "/map.mrc", t, "3", particlesDir + "/particles.star", "all"])
            try? FileManager.default.removeItem(atPath: particlesDir)
        }
        for p in [path, h1, h2] { try? FileManager.default.removeItem(atPath: p) }
    }
    // bench.json: every record, with the machine's load, so that two commits can be compared.
    let lines = (try String(contentsOf: records, encoding: .utf8)).split(separator: "\n")
    let decoded = lines.compactMap { try? JSONDecoder().decode(BenchRecord.self, from: Data($0.utf8)) }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(BenchFile(tool: "emvalidate \(ReportPipeline.version)", threads: Parallel.workers,
                                 loadAverageEnd: loadAverage(), records: decoded))
        .write(to: URL(fileURLWithPath: jsonPath))
    print("\nload average at the end: \(loadAverage()); \(decoded.count) records in \(jsonPath)")
}
