// FSC core: identical and independent halves, a known-truth crossing from halves whose noise power grows
// with frequency, the information thresholds and crossings (hand-computed and numpy oracle), DPR of random
// phases, phase randomisation.
import Foundation
import Testing
import MapIO
import TestSupport
@testable import VolumeNumerics

/// Two halves = phantom + independent noise whose shell power is g(s)·(the phantom's shell power), with
/// g(s) = (1/0.143 − 1)·(s/s0)^exponent (default 6), so that the expected FSC = 1/(1 + g) crosses 0.143 exactly at s0 (1/Å).
func knownTruthHalves(phantom: Volume, crossingInvA s0: Double, seed: UInt64, exponent: Double = 6) -> (Volume, Volume) {
    let f = FFT.forward(phantom)
    let profile = FourierShells.profile(f)
    let grid = f.grid
    let shells = grid.shellIndices()
    let mags = grid.frequencyMagnitudes()
    let n = Double(phantom.count)
    func half(_ seed: UInt64) -> Volume {
        let white = FFT.forward(randomVolume(phantom.nx, phantom.ny, phantom.nz, voxelSize: phantom.voxelSize, seed: seed))
        var data = f.data
        for i in 0..<data.count {
            let s = Double(mags[i])
            let g = (1 / 0.143 - 1) * pow(s / s0, exponent)
            // White noise of unit variance has E|W|² = n per coefficient.
            let scale = (g * profile.meanPower[Int(shells[i])] / n).squareRoot()
            data[i] += white.data[i] * Float(scale)
        }
        return FFT.inverse(f.withData(data), like: phantom)
    }
    return (half(seed), half(seed &+ 1))
}

/// A smooth random phantom: Gaussian blobs.
func blobPhantom(n: Int, voxelA: Double, seed: UInt64) -> Volume {
    var rng = FourierTestRNG(seed: seed)
    var v = Volume(nx: n, ny: n, nz: n, voxelSize: SIMD3(voxelA, voxelA, voxelA))
    let sigma = 1.2 / voxelA   // voxels
    for _ in 0..<400 {
        let c = SIMD3(rng.uniform(), rng.uniform(), rng.uniform()) * Double(n) * 0.6 + Double(n) * 0.2
        let r = Int(3 * sigma) + 1
        let ci = SIMD3<Int>(Int(c.x), Int(c.y), Int(c.z))
        for z in (ci.z - r)...(ci.z + r) { for y in (ci.y - r)...(ci.y + r) { for x in (ci.x - r)...(ci.x + r) {
            let d = SIMD3(Double(x), Double(y), Double(z)) - c
            v.data[v.index(x, y, z)] += Float(exp(-(d * d).sum() / (2 * sigma * sigma)))
        } } }
    }
    return v
}

func writeRaw(_ v: Volume, _ path: String) throws {
    try v.data.withUnsafeBufferPointer { try Data(buffer: $0).write(to: URL(fileURLWithPath: path)) }
}

@Suite struct FSCTests {
    @Test func identicalHalvesGiveOne() {
        let v = randomVolume(32, 32, 32, voxelSize: SIMD3(1.1, 1.1, 1.1), seed: 1)
        let c = FSC.curve(v, v)
        let worst = c.fsc.dropFirst().map { abs($0 - 1) }.max()!
        #expect(worst < 1e-5, "identical halves: expected FSC = 1 in every shell, worst |FSC − 1| = \(worst)")
        #expect(FSCCrossings.crossing(c, .fixed(0.143)) == .notBeforeNyquist)
        let dpr = FSC.differentialPhaseResidual(FFT.forward(v), FFT.forward(v))
        #expect(dpr.max()! < 0.01, "identical halves: DPR expected 0°, max \(dpr.max()!)°")
    }

    /// Independent noise: FSC ≈ 0 within 4/√(n/2) per shell (n/2 independent coefficients), and the DPR of
    /// independent uniform phases is 180°/√3 = 103.92°.
    @Test func independentNoiseGivesZero() {
        let a = randomVolume(48, 48, 48, voxelSize: SIMD3(1, 1, 1), seed: 2)
        let b = randomVolume(48, 48, 48, voxelSize: SIMD3(1, 1, 1), seed: 3)
        let c = FSC.curve(a, b)
        for s in 3..<c.count {
            let bound = 4 / (c.voxelCount[s] / 2).squareRoot()
            #expect(abs(c.fsc[s]) < bound, "shell \(s): FSC of independent noise \(c.fsc[s]), bound ±\(bound)")
        }
        let mean = c.fsc[3...].reduce(0, +) / Double(c.count - 3)
        #expect(abs(mean) < 0.01, "mean FSC of independent noise: expected 0, observed \(mean)")
        let dpr = FSC.differentialPhaseResidual(FFT.forward(a), FFT.forward(b))
        let outer = dpr[10...].reduce(0, +) / Double(dpr.count - 10)
        let expected = 180 / 3.0.squareRoot()
        #expect(abs(outer - expected) < 1.0, "DPR of random phases: expected \(expected)°, observed \(outer)°")
    }

    /// The known-truth halves cross 0.143 within one shell of the designed frequency.
    @Test func knownTruthCrossing() {
        let n = 64, t = 1.0
        let phantom = blobPhantom(n: n, voxelA: t, seed: 4)
        for (s0Shell, seed) in [(14.0, UInt64(5)), (22.0, UInt64(7))] {
            let s0 = s0Shell / (Double(n) * t)
            let (h1, h2) = knownTruthHalves(phantom: phantom, crossingInvA: s0, seed: seed)
            let c = FSC.curve(h1, h2)
            let f = FSCCrossings.crossing(c, .fixed(0.143)).frequencyInvA(c.frequencyInvA)!
            let errShells = (f - s0) * Double(n) * t
            print("FSC known truth: expected 0.143 at \(1 / s0) Å (shell \(s0Shell)), observed \(1 / f) Å, error \(errShells) shells")
            #expect(abs(errShells) <= 1, "0.143 crossing: expected shell \(s0Shell), observed \(f * Double(n) * t), error \(errShells) shells")
        }
    }

    @Test func informationThresholdsByHand() {
        // van Heel & Schatz 2005: half-bit (0.2071 + 1.9102/√n)/(1.2071 + 0.9102/√n); one-bit (0.5 + 2.4142/√n)/(1.5 + 1.4142/√n).
        for n in [100.0, 1000.0, 1e5] {
            let hb = (0.2071 + 1.9102 / n.squareRoot()) / (1.2071 + 0.9102 / n.squareRoot())
            let ob = (0.5 + 2.4142 / n.squareRoot()) / (1.5 + 1.4142 / n.squareRoot())
            let h = FSCThreshold.halfBit.value(voxelCount: n), o = FSCThreshold.oneBit.value(voxelCount: n)
            #expect(abs(h - hb) < 1e-4, "half-bit n=\(n): expected \(hb), observed \(h)")
            #expect(abs(o - ob) < 1e-4, "one-bit n=\(n): expected \(ob), observed \(o)")
        }
        // Large n: half-bit → 0.2071/1.2071 = 0.1716, one-bit → 1/3.
        #expect(abs(FSCThreshold.halfBit.value(voxelCount: 1e12) - 0.17157) < 1e-4)
        #expect(abs(FSCThreshold.oneBit.value(voxelCount: 1e12) - 1.0 / 3) < 1e-4)
    }

    @Test func crossingInterpolationAndEarlyShells() {
        let f = (0..<8).map { Double($0) * 0.01 }
        // Dips below 0.143 in shell 2 (ignored: pair (1, 2)), then crosses between shells 4 (0.3) and 5 (0.1).
        let y = [1, 0.9, 0.1, 0.5, 0.3, 0.1, 0.05, 0.0]
        let c = FSCCrossings.firstDownward(y, thresholds: y.map { _ in 0.143 }, frequencies: f)
        let expected = 0.04 + (0.3 - 0.143) / (0.3 - 0.1) * 0.01
        guard case .at(let x, let shell) = c else { Issue.record("no crossing found"); return }
        #expect(abs(x - expected) < 1e-12 && shell == 5, "crossing: expected \(expected) at shell 5, observed \(x) at \(shell)")
        // A crossing between shells 2 and 3 counts.
        let y2 = [1, 0.9, 0.5, 0.1, 0.05, 0, 0, 0]
        #expect(FSCCrossings.firstDownward(y2, thresholds: y2.map { _ in 0.143 }, frequencies: f)
                == .at(frequencyInvA: 0.02 + (0.5 - 0.143) / 0.4 * 0.01, shell: 3))
        #expect(FSCCrossings.firstUpward([0, 10, 20, 40, 50, 60, 70, 80], through: 45, frequencies: f)
                == .at(frequencyInvA: 0.035, shell: 4))
    }

    @Test func matchesNumpyOracle() throws {
        let n = 32, t = 1.3
        let phantom = blobPhantom(n: n, voxelA: t, seed: 9)
        let (h1, h2) = knownTruthHalves(phantom: phantom, crossingInvA: 9 / (Double(n) * t), seed: 10)
        let dir = try TestScratch.directory("fsc-oracle").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try writeRaw(h1, "\(dir)/a.f32"); try writeRaw(h2, "\(dir)/b.f32")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Oracles/level1_fsc.py").path, "\(n)", "\(t)", "\(dir)/a.f32", "\(dir)/b.f32"]
        let pipe = Pipe(); p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let o = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let fsc = o["fsc"] as! [Double], dpr = o["dpr"] as! [Double], hb = o["half_bit"] as! [Double]
        let c = FSC.curve(h1, h2)
        let ourDPR = FSC.differentialPhaseResidual(FFT.forward(h1), FFT.forward(h2))
        #expect(c.count == fsc.count, "shell count: numpy \(fsc.count), ours \(c.count)")
        for s in 1..<min(c.count, fsc.count) {
            #expect(abs(c.fsc[s] - fsc[s]) < 1e-4, "shell \(s) FSC: numpy \(fsc[s]), ours \(c.fsc[s])")
            #expect(abs(ourDPR[s] - dpr[s]) < 0.05, "shell \(s) DPR: numpy \(dpr[s])°, ours \(ourDPR[s])°")
            let h = FSCThreshold.halfBit.value(voxelCount: c.voxelCount[s])
            #expect(abs(h - hb[s]) < 1e-9, "shell \(s) half-bit: numpy \(hb[s]), ours \(h)")
        }
        for (key, thr) in [("crossing_0143", FSCThreshold.fixed(0.143)), ("crossing_half_bit", .halfBit)] {
            let expected = try #require(o[key] as? Double)
            let ours = FSCCrossings.crossing(c, thr).frequencyInvA(c.frequencyInvA)!
            #expect(abs(ours - expected) < 1e-4 * expected, "\(key): numpy \(expected) 1/Å, ours \(ours) 1/Å")
        }
    }

    @Test func phaseRandomizationKeepsAmplitudesAndLowShells() {
        let n = 32
        let v = blobPhantom(n: n, voxelA: 1, seed: 11)
        let f = FFT.forward(v)
        let r = PhaseRandomization.randomized(f, fromShell: 8, seed: 1)
        // Hermitian: the inverse is real and transforms back to the same coefficients.
        let back = FFT.forward(FFT.inverse(r, like: v))
        let maxAmp = f.data.map { ($0 * $0).sum().squareRoot() }.max()!
        var worst: Float = 0, ampErr: Float = 0
        for i in 0..<r.data.count {
            worst = max(worst, ((back.data[i] - r.data[i]) * (back.data[i] - r.data[i])).sum().squareRoot())
            ampErr = max(ampErr, abs((r.data[i] * r.data[i]).sum().squareRoot() - (f.data[i] * f.data[i]).sum().squareRoot()))
        }
        #expect(worst < 1e-4 * maxAmp, "randomised spectrum not Hermitian: round-trip error \(worst) (max |F| \(maxAmp))")
        #expect(ampErr < 1e-4 * maxAmp, "amplitudes changed by up to \(ampErr)")
        let c = FSC.curve(f, r)
        #expect(c.fsc[1..<8].allSatisfy { abs($0 - 1) < 1e-5 }, "shells below 8 must be untouched: \(Array(c.fsc[1..<8]))")
        let beyond = c.fsc[9...].map { abs($0) }.max()!
        #expect(beyond < 0.25, "shells beyond 8 should be decorrelated, max |FSC| \(beyond)")
    }
}
