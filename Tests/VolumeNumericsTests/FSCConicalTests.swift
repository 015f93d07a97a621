// Conical FSC, FSO and sphericity against known truth: halves whose noise grows with an anisotropic
// effective frequency s_eff = sqrt(sx² + sy² + (a·sz)²), so the FSC in direction θ (from Z) crosses 0.143 at
// s0 / sqrt(sin²θ + a²cos²θ): the crossing frequencies form an oblate spheroid of semi-axes s0 (X, Y) and
// s0/a (Z). Then FSO(s) = sqrt(((s0/s)² − 1)/(a² − 1)) between s0/a and s0 (directions are uniform in cos θ),
// so FSO = 0.5 at s0/sqrt(1 + (a² − 1)/4), and the sphericity is the spheroid's.
import Foundation
import Testing
import MapIO
@testable import VolumeNumerics

func anisotropicHalves(phantom: Volume, s0: Double, a: Double, seed: UInt64, exponent: Double = 12) -> (Volume, Volume) {
    let f = FFT.forward(phantom)
    let profile = FourierShells.profile(f)
    let grid = f.grid
    let shells = grid.shellIndices()
    let (sx, sy, sz) = (grid.sx, grid.sy, grid.sz)
    let n = Double(phantom.count)
    func half(_ seed: UInt64) -> Volume {
        let white = FFT.forward(randomVolume(phantom.nx, phantom.ny, phantom.nz, voxelSize: phantom.voxelSize, seed: seed))
        var data = f.data
        for k in 0..<grid.nz { for j in 0..<grid.ny { for i in 0..<grid.hx {
            let idx = i + grid.hx * (j + grid.ny * k)
            let seff = (sx[i] * sx[i] + sy[j] * sy[j] + a * a * sz[k] * sz[k]).squareRoot()
            let g = (1 / 0.143 - 1) * pow(seff / s0, exponent)
            data[idx] += white.data[idx] * Float((g * profile.meanPower[Int(shells[idx])] / n).squareRoot())
        } } }
        return FFT.inverse(f.withData(data), like: phantom)
    }
    return (half(seed), half(seed &+ 1))
}

/// Sphericity of an oblate spheroid with semi-axes A, A, C (C < A).
func spheroidSphericity(a: Double, c: Double) -> Double {
    let e = (1 - c * c / (a * a)).squareRoot()
    let area = 2 * Double.pi * a * a * (1 + (1 - e * e) / e * atanh(e))
    let volume = 4.0 / 3 * Double.pi * a * a * c
    return pow(Double.pi, 1.0 / 3) * pow(6 * volume, 2.0 / 3) / area
}

@Suite struct FSCConicalTests {
    @Test func sphericityOfExactShapes() throws {
        let dirs = ConicalFSC.hemisphereDirections(count: 100)
        let sphere = try #require(ConicalFSC.sphericity(directions: dirs, radii: dirs.map { _ in 1 }))
        #expect(abs(sphere - 1) < 0.02, "sphere: expected 1, observed \(sphere)")
        let a = 1.6
        let radii = dirs.map { 1 / ((1 - $0.z * $0.z) + a * a * $0.z * $0.z).squareRoot() }
        let observed = try #require(ConicalFSC.sphericity(directions: dirs, radii: radii))
        let expected = spheroidSphericity(a: 1, c: 1 / a)
        #expect(abs(observed - expected) < 0.02, "spheroid 1:1/\(a): expected \(expected), observed \(observed)")
    }

    @Test func isotropicHalves() throws {
        let n = 48
        let phantom = blobPhantom(n: n, voxelA: 1, seed: 51)
        let s0Shell = 14.0
        let (h1, h2) = knownTruthHalves(phantom: phantom, crossingInvA: s0Shell / Double(n), seed: 52, exponent: 12)
        let dirs = ConicalFSC.hemisphereDirections(count: 60)
        let r = ConicalFSC.compute(FFT.forward(h1), FFT.forward(h2), directions: dirs)
        let crossings = (0..<dirs.count).map { FSCCrossings.crossing(r.curve($0), .fixed(0.143)).frequencyInvA(r.frequencyInvA)! * Double(n) }
        // A 20° cone holds ~6 % of a shell, so each direction's crossing is noisy: the mean is within a
        // shell of the truth, every direction within 3.
        let mean = crossings.reduce(0, +) / Double(crossings.count)
        let worst = crossings.map { abs($0 - s0Shell) }.max()!
        print("isotropic conical: mean crossing \(mean) shells (expected \(s0Shell)), worst error \(worst)")
        #expect(abs(mean - s0Shell) <= 1, "isotropic: mean directional crossing expected shell \(s0Shell), observed \(mean)")
        #expect(worst <= 3, "isotropic: every direction should cross near shell \(s0Shell); worst error \(worst) shells")
        let fso = r.shellOccupancy()
        let half = FSCCrossings.firstDownward(fso, thresholds: fso.map { _ in 0.5 }, frequencies: r.frequencyInvA).frequencyInvA(r.frequencyInvA)! * Double(n)
        #expect(abs(half - s0Shell) <= 1, "isotropic FSO 0.5: expected shell \(s0Shell), observed \(half)")
    }

    @Test func anisotropicHalvesGiveExpectedSpread() throws {
        let n = 64, a = 1.6, s0Shell = 20.0
        let phantom = blobPhantom(n: n, voxelA: 1, seed: 53)
        let (h1, h2) = anisotropicHalves(phantom: phantom, s0: s0Shell / Double(n), a: a, seed: 54)
        let dirs = ConicalFSC.hemisphereDirections(count: 100)
        let r = ConicalFSC.compute(FFT.forward(h1), FFT.forward(h2), directions: dirs)
        let crossings = (0..<dirs.count).map { FSCCrossings.crossing(r.curve($0), .fixed(0.143)).frequencyInvA(r.frequencyInvA)! * Double(n) }
        // The 8 directions closest to Z and the 8 closest to the XY plane (averaged: single cones are noisy).
        let order = dirs.indices.sorted { dirs[$0].z > dirs[$1].z }
        let zMean = order.prefix(8).map { crossings[$0] }.reduce(0, +) / 8
        let xyMean = order.suffix(8).map { crossings[$0] }.reduce(0, +) / 8
        let expZ = s0Shell / a, expXY = s0Shell
        print("conical: near Z \(zMean) (expected \(expZ)), near XY \(xyMean) (expected \(expXY)) shells")
        #expect(abs(zMean - expZ) <= 1.5, "along Z: expected shell \(expZ), observed \(zMean)")
        #expect(abs(xyMean - expXY) <= 1.5, "in XY: expected shell \(expXY), observed \(xyMean)")
        let fso = r.shellOccupancy()
        let half = FSCCrossings.firstDownward(fso, thresholds: fso.map { _ in 0.5 }, frequencies: r.frequencyInvA).frequencyInvA(r.frequencyInvA)! * Double(n)
        let expHalf = s0Shell / (1 + (a * a - 1) / 4).squareRoot()
        print("FSO 0.5: expected shell \(expHalf), observed \(half)")
        #expect(abs(half - expHalf) <= 1.5, "FSO 0.5: expected shell \(expHalf), observed \(half)")
        let sph = try #require(ConicalFSC.sphericity(directions: dirs, radii: crossings))
        let expSph = spheroidSphericity(a: 1, c: 1 / a)
        print("sphericity: expected \(expSph), observed \(sph)")
        #expect(abs(sph - expSph) < 0.03, "sphericity: expected \(expSph), observed \(sph)")
    }
}
