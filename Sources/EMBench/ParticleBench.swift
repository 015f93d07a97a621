// `EMBench particles MAP T R STAR [MAX] [IDS]`: times reading the particles and each Level 4 section alone on a
// map and a STAR file (MAX: --max-particles, a number or `all`; IDS: only these sections, e.g. `4.a,4.e`, so
// that the peak memory of one section can be measured with /usr/bin/time -v). A benchmark, not a test.
import Analysis
import Foundation
import MapIO
import ParticleAnalysis

func particles(map path: String, threshold: Double, resolution: Double, star: String, max: String?, only: [String]? = nil) throws {
    var file: MRCFile!
    let tRead = try seconds { file = try MRCReader.read(path: path) }
    row("read map", tRead)
    var input: ParticleInput!
    let limit = max.map { $0 == "all" ? Int.max : Int($0)! }
    let tStar = try seconds { input = try ParticleInput.load(starPath: star, maxParticles: limit) }
    row("read STAR, open stacks (\(input.totalCount) particles)", tStar)
    let context = AnalysisContext(map: file.volume, mapPath: path, threshold: threshold, resolution: resolution)
    context.particles = input
    _ = try? context.masks()
    var total = 0.0, totalCPU = 0.0
    for section in SectionRegistry.allSections() where section.id.hasPrefix("4.") && (only?.contains(section.id) ?? true) {
        var result: SectionResult!
        let t = seconds { result = section.runIsolated(context) }
        let used = result.metrics["particles_used"].map { " \($0.doubleValue.map { Int($0) } ?? 0) ptcl" } ?? ""
        row("section \(section.id) [\(result.status.rawValue)]\(used)", t)
        total += t; totalCPU += lastCPUSeconds
    }
    row("Level 4 sections together", total, cpu: totalCPU)
    print(String(format: "peak memory: %.0f MiB", peakRSSMiB()))
}
