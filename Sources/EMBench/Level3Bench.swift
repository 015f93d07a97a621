// `EMBench level3 N COUNT CLASSES [MAX]`: Level 3 (3.a, 3.b, 3.c) on COUNT simulated particles of N² in CLASSES
// 2D classes (issue 13's budget: 10,000 particles of 128², 50 classes, a few minutes on 2 cores with the default
// subsets). The particles are CTF-modulated projections of the protein-like phantom at CLASSES views (a few
// degrees of jitter, any in-plane angle, ±2 pixel shifts) with noise 3× the projection's standard deviation,
// written with a RELION 3.1 STAR file (rlnClassNumber) to a temporary folder; the classes are the noiseless views.
// MAX is --max-particles (a number or `all`). Per section: wall and CPU time and the peak resident memory while
// it ran (the kernel's high-water mark reset before each); at the end, the resident memory after Level 3 (its
// shared preparation released). With `--keep DIR` the map (DIR/map.mrc), particles, STAR (with the true angles and
// origins, so that Level 4 applies) and classes are written to DIR and kept, for a whole `emvalidate report` run
// of Levels 3 and 4; the command is printed. A benchmark, not a test.
import Analysis
import Foundation
import ImageData
import MapIO
import ParticleAnalysis
import VolumeNumerics

func level3(n: Int, count: Int, classCount: Int, max: String?, keep: String? = nil) throws {
    let dir = keep.map { URL(fileURLWithPath: $0) }
        ?? FileManager.default.temporaryDirectory.appendingPathComponent("emvalidate-level3-bench-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { if keep == nil { try? FileManager.default.removeItem(at: dir) } }
    let phantom = Phantom.proteinLike(n: n)
    let map = phantom.map
    let px = map.voxelSize.x
    let projector = FourierProjector(volume: map)
    var rng = SplitMix64(seed: 13)
    let views = (0..<classCount).map { _ in (360 * rng.uniform(), acos(2 * rng.uniform() - 1) * 180 / .pi) }
    var images = [Float](), rows = [String]()
    images.reserveCapacity(count * n * n)
    let tSim = seconds {
        for i in 0..<count {
            let k = i % classCount
            let (rot, tilt, psi) = (views[k].0 + 6 * rng.uniform() - 3, views[k].1 + 6 * rng.uniform() - 3, 360 * rng.uniform())
            let (sx, sy) = (4 * rng.uniform() - 2, 4 * rng.uniform() - 2)   // pixels; RELION's origin is −shift·px
            let clean = projector.project(rot: rot, tilt: tilt, psi: psi, shiftX: sx, shiftY: sy)
            let defocus = 10000 + 20000 * rng.uniform()
            var img = CTF(CTFParameters(defocusUA: defocus, defocusVA: defocus)).apply(to: clean)
            let sd = img.meanAndStd.std
            for j in 0..<img.data.count { img.data[j] += Float(3 * sd * rng.gaussian()) }
            images += img.data
            rows.append("\(i + 1)@particles.mrcs mic\(i / 200).mrc 1 \(defocus) \(defocus) 0.0 \(k + 1) \(rot) \(tilt) \(psi) \(-sx * px) \(-sy * px)")
        }
    }
    row("simulate \(count) particles of \(n)²", tSim)
    try MRCWriter.write(Volume(nx: n, ny: n, nz: count, data: images, voxelSize: SIMD3(repeating: px)),
                        to: dir.appendingPathComponent("particles.mrcs").path, labels: ["benchmark particles"])
    images = []
    let classes = views.flatMap { projector.project(rot: $0.0, tilt: $0.1, psi: 0, shiftX: 0, shiftY: 0).data }
    let classPath = dir.appendingPathComponent("classes.mrcs").path
    try MRCWriter.write(Volume(nx: n, ny: n, nz: classCount, data: classes, voxelSize: SIMD3(repeating: px)), to: classPath, labels: ["classes"])
    let star = "data_optics\nloop_\n_rlnOpticsGroup #1\n_rlnAmplitudeContrast #2\n_rlnSphericalAberration #3\n_rlnVoltage #4\n"
        + "_rlnImagePixelSize #5\n_rlnImageSize #6\n_rlnImageDimensionality #7\n1 0.1 2.7 300.0 \(px) \(n) 2\n\n"
        + "data_particles\nloop_\n_rlnImageName #1\n_rlnMicrographName #2\n_rlnOpticsGroup #3\n_rlnDefocusU #4\n"
        + "_rlnDefocusV #5\n_rlnDefocusAngle #6\n_rlnClassNumber #7\n"
        + "_rlnAngleRot #8\n_rlnAngleTilt #9\n_rlnAnglePsi #10\n_rlnOriginXAngst #11\n_rlnOriginYAngst #12\n" + rows.joined(separator: "\n") + "\n"
    let starPath = dir.appendingPathComponent("particles.star").path
    try star.write(toFile: starPath, atomically: true, encoding: .utf8)

    if keep != nil {
        let mapPath = dir.appendingPathComponent("map.mrc").path
        try MRCWriter.write(map, to: mapPath, labels: ["benchmark phantom"])
        print("emvalidate report \(mapPath) --threshold \(String(format: "%.6g", phantom.threshold)) --resolution \(String(format: "%.3g", 3 * px)) --particles \(starPath) --classes \(classPath)")
    }
    let limit = max.map { $0 == "all" ? Int.max : Int($0)! }
    let context = AnalysisContext(map: map, mapPath: "phantom\(n).mrc", threshold: 0, resolution: nil)
    var input: ParticleInput!
    row("read STAR, open stacks", try seconds { input = try ParticleInput.load(starPath: starPath, maxParticles: limit) })
    context.particles = input
    context.level2 = Level2Inputs(classes: try ClassAverages.load(path: classPath, pixelSizeFlag: nil,
                                                                  symmetry: try SymmetryGroup("C1"), map: map))
    var total = 0.0, totalCPU = 0.0
    for section in SectionRegistry.allSections() where section.id.hasPrefix("3.") {
        var result: SectionResult!
        let started = startStepPeak()
        let t = seconds { result = section.runIsolated(context) }
        let used = result.metrics["particles_classified"] ?? result.metrics["particles_used"]
        let note = used.map { " \($0.doubleValue.map { Int($0) } ?? 0) ptcl" } ?? ""
        row("section \(section.id) [\(result.status.rawValue)]\(note)" + (section.id == "3.a" ? " (with the shared alignment)" : ""), t,
            peak: stepPeakMiB(started))
        total += t; totalCPU += lastCPUSeconds
        if let r = result.reason { print("  \(r)") }
        for w in result.warnings { print("  warning: \(w)") }
        for key in ["fraction_classes_core_below_0_7", "core_fraction_median", "resolution_median_A", "min_best_cc", "min_new_best_cc",
                    "ks_statistic", "ks_p_value", "iterations", "converged", "last_changed_percent",
                    "changed_percent_per_iteration", "average_stability_per_iteration"] {
            if let v = result.metrics[key] { print("  \(key) = \(v)") }
        }
    }
    row("Level 3 sections together", total, cpu: totalCPU)
    print(String(format: "peak memory: %.0f MiB; resident after Level 3: %.0f MiB", peakRSSMiB(), residentMiB() ?? -1))
}
