// MonoRes local resolution on a phantom whose two halves are low-passed at different, known resolutions.
import Foundation
import Testing
import MapIO
@testable import VolumeNumerics

/// Random Gaussian atoms (σ Å) inside a sphere of `radiusA` around the box centre, box n³ of 1 Å voxels.
func atomSphere(n: Int, atoms: Int, radiusA: Double, sigmaA: Double, seed: UInt64) -> Volume {
    var rng = FourierTestRNG(seed: seed)
    var v = Volume(nx: n, ny: n, nz: n, voxelSize: SIMD3(1, 1, 1))
    let c = Double(n) / 2, rad = Int((4 * sigmaA).rounded(.up))
    var placed = 0
    while placed < atoms {
        let p = SIMD3(rng.uniform(), rng.uniform(), rng.uniform()) * (2 * radiusA) - radiusA
        if (p * p).sum() > radiusA * radiusA { continue }
        placed += 1
        let q = p + c
        let qi = SIMD3<Int>(Int(q.x.rounded()), Int(q.y.rounded()), Int(q.z.rounded()))
        for dz in -rad...rad { for dy in -rad...rad { for dx in -rad...rad {
            let x = qi.x + dx, y = qi.y + dy, z = qi.z + dz
            guard x >= 0, y >= 0, z >= 0, x < n, y < n, z < n else { continue }
            let d = SIMD3(Double(x), Double(y), Double(z)) - q
            v[x, y, z] += Float(exp(-(d * d).sum() / (2 * sigmaA * sigmaA)))
        } } }
    }
    return v
}

/// Two halves (x below / above the centre) of `atoms` low-passed at `leftA` and `rightA` Å, plus white noise.
func twoResolutionPhantom(n: Int, leftA: Double, rightA: Double, noiseSigma: Float, seed: UInt64,
                          radiusA: Double = 22) -> Volume {
    let atoms = atomSphere(n: n, atoms: 4000, radiusA: radiusA, sigmaA: 0.5, seed: seed)
    let left = atoms.filtered(RaisedCosineLowPass(cutoffInvA: 1 / leftA, widthInvA: 0.03))
    let right = atoms.filtered(RaisedCosineLowPass(cutoffInvA: 1 / rightA, widthInvA: 0.03))
    var rng = FourierTestRNG(seed: seed + 1)
    var out = atoms
    for z in 0..<n { for y in 0..<n { for x in 0..<n {
        let w = Float(1 / (1 + exp((Double(x) - Double(n) / 2) / 1.5)))   // 1 on the left, 0 on the right
        let i = atoms.index(x, y, z)
        out.data[i] = w * left.data[i] + (1 - w) * right.data[i] + noiseSigma * Float(rng.gaussian())
    } } }
    return out
}

func sphereMask(n: Int, radiusA: Double) -> [Bool] {
    var m = [Bool](repeating: false, count: n * n * n)
    let c = Double(n) / 2
    for z in 0..<n { for y in 0..<n { for x in 0..<n {
        let d = SIMD3(Double(x), Double(y), Double(z)) - c
        m[x + n * (y + n * z)] = (d * d).sum() <= radiusA * radiusA
    } } }
    return m
}

func median(_ v: [Float]) -> Double {
    var s = v; return Double(MonoRes.quantile(&s, 0.5))
}

@Suite struct FourierMonoResTests {
    /// Left half low-passed at 8 Å, right half at 4.5 Å: each half's median local resolution lies within one
    /// scan step (the gap between the scanned resolutions around the truth) of its truth.
    @Test func twoHalvesGiveTwoPopulations() throws {
        let n = 64, leftA = 8.0, rightA = 4.5
        // Atoms within 18 Å, mask 24 Å: the amplitude of the molecule, spread by the smoothing at the coarsest
        // steps, stays out of the noise region (beyond 24 Å). Medians over the interior (within 16 Å).
        let map = twoResolutionPhantom(n: n, leftA: leftA, rightA: rightA, noiseSigma: 0.01, seed: 21, radiusA: 18)
        let mask = sphereMask(n: n, radiusA: 24), interior = sphereMask(n: n, radiusA: 16)
        let res = try MonoRes.localResolution(map: map, mask: mask, settings: MonoResSettings(lowestResolutionA: 15))
        var left = [Float](), right = [Float]()
        for z in 0..<n { for y in 0..<n { for x in 0..<n where interior[x + n * (y + n * z)] {
            let r = res.resolutionA[x + n * (y + n * z)]
            guard r.isFinite else { continue }
            if x < n / 2 - 6 { left.append(r) } else if x > n / 2 + 6 { right.append(r) }
        } } }
        let ml = median(left), mr = median(right)
        let sl = res.stepA(near: leftA), sr = res.stepA(near: rightA)
        print("MonoRes phantom: left median \(ml) Å (truth \(leftA), step \(sl)), right median \(mr) Å (truth \(rightA), step \(sr)); scanned \(res.scannedResolutionsA.map { ($0 * 100).rounded() / 100 }); dropped \(res.droppedBelowNoise) of \(res.maskVoxels); stop: \(res.stopReason)")
        #expect(abs(ml - leftA) <= sl, "left: expected \(leftA) Å, observed \(ml) Å (one step \(sl) Å)")
        #expect(abs(mr - rightA) <= sr, "right: expected \(rightA) Å, observed \(mr) Å (one step \(sr) Å)")
        #expect(res.resolutionA[0].isNaN, "outside the mask is NaN")
    }

    /// The scan follows xmipp: 0.25 Å steps moved to Fourier shells, no shell twice, coarse to fine.
    @Test func scanIsOnDistinctShells() throws {
        let n = 64
        let map = twoResolutionPhantom(n: n, leftA: 5, rightA: 5, noiseSigma: 0.05, seed: 23)
        let res = try MonoRes.localResolution(map: map, mask: sphereMask(n: n, radiusA: 24), settings: MonoResSettings(lowestResolutionA: 12))
        let shells = res.scannedResolutionsA.map { Double(n) / $0 }
        for (a, b) in zip(shells, shells.dropFirst()) {
            #expect(abs(a - a.rounded()) < 1e-9 && b > a, "shells \(a), \(b): integral and increasing")
        }
        #expect(abs(shells[0] - (Double(n) / 12).rounded()) < 1e-9, "first shell \(shells[0])")
    }

    /// A rod-shaped molecule whose map was masked (0 beyond 2 voxels of the mask): no noise estimate.
    @Test func zeroBackgroundIsRefused() {
        let n = 48
        var map = twoResolutionPhantom(n: n, leftA: 6, rightA: 6, noiseSigma: 0.05, seed: 25)
        var mask = [Bool](repeating: false, count: map.count)
        for z in 0..<n { for y in 0..<n { for x in 0..<n {
            let (dx, dy, dz) = (abs(x - n / 2), abs(y - n / 2), abs(z - n / 2))
            let i = x + n * (y + n * z)
            mask[i] = dx <= 18 && dy <= 4 && dz <= 4
            if !(dx <= 20 && dy <= 6 && dz <= 6) { map.data[i] = 0 }
        } } }
        #expect {
            try MonoRes.localResolution(map: map, mask: mask, settings: MonoResSettings(lowestResolutionA: 12))
        } throws: { e in
            if case MonoResError.zeroBackground = e { return true }
            return false
        }
    }

    /// The per-voxel resolutions are held as indices into the scanned resolutions: each reads back as exactly the
    /// Float of its resolution (1/f, not a round number of Å), unset voxels as none, beyond 255 resolutions too.
    @Test func compactResolutionsReadBackExactly() {
        let scanned = (0..<300).map { 1 / (Double($0 + 20) / 480) }   // 24 Å … 1.509 Å on the shells of a 480 Å box
        var r = ScannedResolutions(count: 5)
        r.set(0, scanIndex: 0); r.set(1, scanIndex: 7); r.set(3, scanIndex: 299); r.set(1, scanIndex: 256)
        #expect(r.value(0, scanned: scanned) == Float(scanned[0]))
        #expect(r.value(1, scanned: scanned) == Float(scanned[256]) && Float(scanned[256]) != Float(scanned[0]))
        #expect(r.value(2, scanned: scanned) == nil && r.value(4, scanned: scanned) == nil)
        #expect(r.value(3, scanned: scanned) == Float(1 / (319.0 / 480)))
    }

    @Test func quantileMatchesNumpyDefinition() {
        var v: [Float] = [4, 1, 3, 2, 5]
        #expect(MonoRes.quantile(&v, 0.25) == 2 && MonoRes.quantile(&v, 0.1) == 1.4)
        #expect(MonoRes.orderStatistic(&v, 0.95) == 5 && MonoRes.orderStatistic(&v, 0.5) == 3)
    }
}
