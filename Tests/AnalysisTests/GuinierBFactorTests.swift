// 0.d Guinier B-factor: known-truth phantoms (random Gaussian atoms blurred with a known B) and a
// cross-check against relion_postprocess's automatic B-factor on the same map.
import Foundation
import Testing
import MapIO
import VolumeNumerics
import TestSupport
@testable import Analysis

/// Deterministic pseudo-random numbers (SplitMix64) for reproducible phantoms.
typealias PhantomRNG = SplitMix64

/// Random atoms as Gaussians whose B-factor (crystallographic, B = 8π²σ²) is `crystallographicB` Å², placed
/// uniformly in the periodic box, or inside `region` (a predicate on the position in Å) if given.
func randomAtomMap(n: Int, voxelA: Double, atoms: Int, crystallographicB: Double, seed: UInt64,
                   weight: ((SIMD3<Double>) -> Double)? = nil) -> Volume {
    var rng = PhantomRNG(seed: seed)
    let sigma = (crystallographicB / (8 * .pi * .pi)).squareRoot()   // Å
    let radius = Int((4 * sigma / voxelA).rounded(.up))
    var v = Volume(nx: n, ny: n, nz: n, voxelSize: SIMD3(voxelA, voxelA, voxelA))
    let box = Double(n) * voxelA
    v.data.withUnsafeMutableBufferPointer { d in
        var placed = 0
        while placed < atoms {
            let p = SIMD3(rng.uniform(), rng.uniform(), rng.uniform()) * box
            let w = weight?(p) ?? 1
            if w <= 0 { continue }
            placed += 1
            let c = p / voxelA
            let ci = SIMD3<Int>(Int(c.x.rounded()), Int(c.y.rounded()), Int(c.z.rounded()))
            for dz in -radius...radius { for dy in -radius...radius { for dx in -radius...radius {
                let q = SIMD3(Double(ci.x + dx), Double(ci.y + dy), Double(ci.z + dz)) - c
                let r2 = (q * q).sum() * voxelA * voxelA
                let x = ((ci.x + dx) % n + n) % n, y = ((ci.y + dy) % n + n) % n, z = ((ci.z + dz) % n + n) % n
                d[x + n * (y + n * z)] += Float(w * exp(-r2 / (2 * sigma * sigma)))
            } } }
        }
    }
    return v
}

/// Writes a minimal MRC2014 file (mode 2, cell = box × voxel size, axes X, Y, Z).
func writeTestMRC(_ v: Volume, to path: String) throws {
    var header = [UInt8](repeating: 0, count: 1024)
    func putInt(_ word: Int, _ value: Int32) { withUnsafeBytes(of: value.littleEndian) { for i in 0..<4 { header[4 * (word - 1) + i] = $0[i] } } }
    func putFloat(_ word: Int, _ value: Float) { putInt(word, Int32(bitPattern: value.bitPattern)) }
    putInt(1, Int32(v.nx)); putInt(2, Int32(v.ny)); putInt(3, Int32(v.nz)); putInt(4, 2)
    putInt(8, Int32(v.nx)); putInt(9, Int32(v.ny)); putInt(10, Int32(v.nz))
    putFloat(11, Float(Double(v.nx) * v.voxelSize.x)); putFloat(12, Float(Double(v.ny) * v.voxelSize.y))
    putFloat(13, Float(Double(v.nz) * v.voxelSize.z))
    putFloat(14, 90); putFloat(15, 90); putFloat(16, 90)
    putInt(17, 1); putInt(18, 2); putInt(19, 3)
    putFloat(20, v.data.min()!); putFloat(21, v.data.max()!); putFloat(22, v.data.reduce(0, +) / Float(v.count))
    putInt(23, 1)
    for (i, c) in "MAP ".utf8.enumerated() { header[208 + i] = c }
    header[212] = 0x44; header[213] = 0x44
    var data = Data(header)
    v.data.withUnsafeBufferPointer { data.append(Data(buffer: $0)) }
    try data.write(to: URL(fileURLWithPath: path))
}

func findExecutable(_ name: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
        let p = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
}

func context(_ map: Volume, resolution: Double?, threshold: Double = 0) -> AnalysisContext {
    AnalysisContext(map: map, mapPath: "phantom.mrc", threshold: threshold, resolution: resolution)
}

@Suite struct GuinierBFactorTests {
    /// Atoms of crystallographic B = 100 Å² give our B = −100 Å² (ours is minus the crystallographic one).
    @Test func knownBlurIsRecovered() throws {
        for (trueB, seed) in [(100.0, UInt64(11)), (60.0, UInt64(12))] {
            let map = randomAtomMap(n: 64, voxelA: 1.0, atoms: 3000, crystallographicB: trueB, seed: seed)
            let result = try GuinierBFactor().run(context(map, resolution: 4.0))
            let b = result.metrics["b_factor_A2"]!.doubleValue!
            let expected = -trueB
            print("0.d known B: expected \(expected) Å², observed \(b) Å²")
            #expect(abs(b - expected) <= 0.05 * trueB, "B: expected \(expected) Å², observed \(b) Å², error \(b - expected)")
            #expect(result.metrics["n_shells"]!.intValue! == 12, "shells 5…16 of 64 Å box between 15 and 4 Å")
            #expect(result.status == .ok, "B in [−300, 0] gives ok, got \(result.status) \(result.warnings)")
            #expect(result.figures.map(\.id) == ["0d_guinier", "0d_corrected_slices"])
        }
    }

    /// The corrected map's own Guinier slope is about 0.
    @Test func correctedMapIsFlat() throws {
        let map = randomAtomMap(n: 64, voxelA: 1.0, atoms: 3000, crystallographicB: 100, seed: 13)
        let spectrum = FFT.forward(map)
        let fit = try #require(Guinier.fit(FourierShells.profile(spectrum), lowA: 15, highA: 4))
        let corrected = Guinier.corrected(spectrum, fit: fit, resolutionA: 4, like: map)
        let refit = try #require(Guinier.fit(FourierShells.profile(FFT.forward(corrected)), lowA: 15, highA: 4))
        #expect(abs(refit.bFactorA2) < 5, "corrected map B: expected ≈ 0, observed \(refit.bFactorA2) Å² (original \(fit.bFactorA2))")
    }

    @Test func sharpenedMapWarns() throws {
        var map = randomAtomMap(n: 64, voxelA: 1.0, atoms: 3000, crystallographicB: 50, seed: 14)
        map = map.filtered(BFactorFilter(bFactorA2: 150))   // our B ≈ −50 + 150 = +100
        let result = try GuinierBFactor().run(context(map, resolution: 4.0))
        let b = result.metrics["b_factor_A2"]!.doubleValue!
        #expect(abs(b - 100) < 7, "B: expected ≈ 100 Å², observed \(b)")
        #expect(result.status == .warnings && result.warnings.first?.contains("oversharpened") == true,
                "positive B warns oversharpened: \(result.warnings)")
    }

    @Test func applicability() {
        var map = Volume(nx: 16, ny: 16, nz: 16, value: 1)
        map[8, 8, 8] = 2   // not constant: a map without variance is "could not be measured" before anything else
        #expect(GuinierBFactor().runIsolated(context(map, resolution: nil)).status == .notApplicable)
        #expect(GuinierBFactor().runIsolated(context(map, resolution: 8.5)).status == .notApplicable)
    }

    /// relion_postprocess (same map as both halves, no FSC weighting, fit from 15 Å to R) reports a
    /// sharpening B with the same sign as ours (both are 4·slope of ln|F| against 1/d²); within 20 %.
    @Test func agreesWithRelion() throws {
        guard let relion = findExecutable("relion_postprocess") else {
            print("SKIPPED agreesWithRelion: relion_postprocess not found on PATH (Debian package relion)")
            return
        }
        var map = randomAtomMap(n: 64, voxelA: 1.2, atoms: 2500, crystallographicB: 120, seed: 15,
                                weight: { p in (p - SIMD3(38.4, 38.4, 38.4)).squaredLength() < 25 * 25 ? 1 : 0 })
        var rng = PhantomRNG(seed: 16)
        map.data = map.data.map { $0 + Float(0.02 * rng.gaussian()) }
        let r = 4.0
        let ours = try GuinierBFactor().run(context(map, resolution: r)).metrics["b_factor_A2"]!.doubleValue!

        let dir = try TestScratch.directory("relion").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try writeTestMRC(map, to: "\(dir)/map.mrc")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: relion)
        p.arguments = ["--i", "\(dir)/map.mrc", "--i2", "\(dir)/map.mrc", "--o", "\(dir)/postprocess", "--angpix", "1.2",
                       "--auto_bfac", "--autob_lowres", "15", "--autob_highres", "\(r)", "--skip_fsc_weighting"]
        p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        try p.run(); p.waitUntilExit()   // exits 1 while plotting, after writing the STAR file
        let star = try String(contentsOfFile: "\(dir)/postprocess.star", encoding: .utf8)
        let line = try #require(star.split(separator: "\n").first { $0.hasPrefix("_rlnBfactorUsedForSharpening") })
        let relionB = try #require(Double(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
        #expect(relionB * ours > 0 && abs(ours - relionB) <= 0.2 * abs(relionB),
                "B: RELION \(relionB) Å², ours \(ours) Å², difference \(ours - relionB)")
        print("0.d vs RELION: ours \(ours) Å², RELION \(relionB) Å²")
    }
}

extension SIMD3 where Scalar == Double {
    func squaredLength() -> Double { (self * self).sum() }
}
