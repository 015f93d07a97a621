// `EMBench local MAP H1 H2 T R [DIR]`: the numerics of the local sections alone — 0.e (MonoRes on the map),
// 0.f/0.g (the local band fits, shared), 1.c (local FSC and MonoRes on the halves) — each timed (wall, CPU, peak
// resident memory of the step: the process's own, with the maps and masks already read), and
// with DIR their per-voxel maps written there as raw float32 (x fastest, NaN outside the mask).
// `EMBench compare DIR1 DIR2` prints, per map, the largest difference between two such runs (two commits), so
// that a speed change can show that it kept the results. A benchmark, not a test: it asserts nothing.
import Analysis
import Foundation
import MapIO
import VolumeNumerics

func localSections(path: String, half1: String, half2: String, threshold: Double, resolution r: Double, dump: String?) throws {
    let map = try readMap(path), h1 = try readMap(half1), h2 = try readMap(half2)
    currentSize = map.nx
    let context = AnalysisContext(map: map, mapPath: path, threshold: threshold, resolution: r,
                                  halves: (h1, h2), halfPaths: (half1, half2))
    let masks = try context.masks()
    let hard = masks.hard.voxels
    var maps: [(String, [Float])] = []

    var mono: LocalResolutionMap!
    var peak = startStepPeak()
    let tMono = try seconds {
        mono = try MonoRes.localResolution(map: map, mask: hard, otherDensityThreshold: threshold,
                                           settings: LocalResolution.settings(for: map, resolutionA: r))
    }
    row("0.e MonoRes on the map (\(mono.scannedResolutionsA.count) resolutions)", tMono, peak: stepPeakMiB(peak))
    maps.append(("0e_monores", mono.resolutionA))

    var bands: LocalBandMaps!
    peak = startStepPeak()
    let tBands = seconds {
        let (resampled, mask) = LocalBandFits.resampledForBands(map, mask: hard, highA: r)
        bands = LocalBandFits.compute(map: resampled, mask: mask, lowA: 15, highA: r)   // 0.f's limits: 15 Å to R
    }
    row("0.f/0.g local band fits (\(bands.bandFrequenciesInvA.count) + \(bands.occupancyBandFrequenciesInvA.count) bands)", tBands, peak: stepPeakMiB(peak))
    maps.append(("0f_bfactor", bands.bFactorA2)); maps.append(("0g_occupancy", bands.occupancy))

    let t = max(h1.voxelSize.x, h1.voxelSize.y, h1.voxelSize.z)
    let w = LocalResolutionFromHalves.window(resolutionA: r, voxelA: t, box: min(h1.nx, h1.ny, h1.nz))
    var fsc: LocalFSCMap!
    peak = startStepPeak()
    let tFSC = seconds {
        fsc = LocalFSC.compute(h1, h2, mask: hard, settings: LocalFSCSettings(window: w, step: max(2, w / 4)))
    }
    row("1.c local FSC (\(fsc.windowCount) windows of \(w)³)", tFSC, peak: stepPeakMiB(peak))
    maps.append(("1c_local_fsc", fsc.resolutionA))

    var monoHalves: LocalResolutionMap!
    peak = startStepPeak()
    let tMonoHalves = try seconds {
        let mean = h1.withData(zip(h1.data, h2.data).map { ($0 + $1) / 2 })
        let noise = h1.withData(zip(h1.data, h2.data).map { ($0 - $1) / 2 })
        monoHalves = try MonoRes.localResolution(map: mean, mask: hard, settings: LocalResolution.settings(for: mean, resolutionA: r),
                                                 noise: noise)
    }
    row("1.c MonoRes on the halves (\(monoHalves.scannedResolutionsA.count) resolutions)", tMonoHalves, peak: stepPeakMiB(peak))
    maps.append(("1c_monores", monoHalves.resolutionA))
    row("peak memory of this process", 0, cpu: nil, peak: peakRSSMiB())

    guard let dump else { return }
    try FileManager.default.createDirectory(atPath: dump, withIntermediateDirectories: true)
    for (name, values) in maps {
        try values.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: URL(fileURLWithPath: dump).appendingPathComponent(name + ".f32"))
    }
}

/// Largest absolute difference between the maps of two `local` runs, over voxels finite in both, and the number
/// of voxels finite in one run only.
func compareLocalDumps(_ a: String, _ b: String) throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: a).filter { $0.hasSuffix(".f32") }.sorted()
    for name in names {
        func load(_ dir: String) throws -> [Float] {
            let d = try Data(contentsOf: URL(fileURLWithPath: dir).appendingPathComponent(name))
            return d.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        }
        let x = try load(a), y = try load(b)
        guard x.count == y.count else { print("\(name): sizes differ (\(x.count), \(y.count))"); continue }
        var maxDiff: Float = 0, differing = 0, finite = 0, mismatched = 0, sum = 0.0
        for i in 0..<x.count {
            if x[i].isFinite != y[i].isFinite { mismatched += 1; continue }
            guard x[i].isFinite else { continue }
            finite += 1
            let d = abs(x[i] - y[i])
            maxDiff = max(maxDiff, d); sum += Double(d)
            if d > 1e-4 * max(1, abs(x[i])) { differing += 1 }
        }
        print(String(format: "%@: %d voxels, max |difference| %.6g, mean %.3g, %d differ by more than 1e-4 (relative), %d finite in one run only",
                     name, finite, maxDiff, finite > 0 ? sum / Double(finite) : 0, differing, mismatched))
    }
}
