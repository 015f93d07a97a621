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
func twoResolutionPhantom(n: Int, leftA: Double, rightA: Double, noiseSigma: Float, seed: UInt64) -> Volume {
    let atoms = atomSphere(n: n, atoms: 4000, radiusA: 22, sigmaA: 0.5, seed: seed)
    let left = atoms.filtered(RaisedCosineLowPass(cutoffInvA: 1 / leftA, widthInvA: 0.01))
    let right = atoms.filtered(RaisedCosineLowPass(cutoffInvA: 1 / rightA, widthInvA: 0.01))
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
    @Test func twoHalvesGiveTwoPopulations() throws {
        let n = 64, leftA = 8.0, rightA = 4.5
        let map = twoResolutionPhantom(n: n, leftA: leftA, rightA: rightA, noiseSigma: 0.05, seed: 21)
        let mask = sphereMask(n: n, radiusA: 24)
        let settings = MonoResSettings(highestResolutionA: 2.5, lowestResolutionA: 15, bandCount: 16)
        let res = try MonoRes.localResolution(map: map, mask: mask, settings: settings)
        var left = [Float](), right = [Float]()
        for z in 0..<n { for y in 0..<n { for x in 0..<n where mask[x + n * (y + n * z)] {
            let r = res.resolutionA[x + n * (y + n * z)]
            if x < n / 2 - 6 { left.append(r) } else if x > n / 2 + 6 { right.append(r) }
        } } }
        let ml = median(left), mr = median(right)
        print("MonoRes phantom: left median \(ml) Å (truth \(leftA)), right median \(mr) Å (truth \(rightA)), step \(res.stepInvA) 1/Å, thresholds \(res.noiseThresholds.prefix(4))")
        // Within one band step in frequency.
        #expect(abs(1 / ml - 1 / leftA) <= res.stepInvA, "left: expected \(leftA) Å, observed \(ml) Å (1/Å error \(1 / ml - 1 / leftA), step \(res.stepInvA))")
        #expect(abs(1 / mr - 1 / rightA) <= res.stepInvA, "right: expected \(rightA) Å, observed \(mr) Å (1/Å error \(1 / mr - 1 / rightA), step \(res.stepInvA))")
        #expect(res.resolutionA[0].isNaN, "outside the mask is NaN")
    }

    @Test func quantileMatchesNumpyDefinition() {
        var v: [Float] = [4, 1, 3, 2, 5]
        #expect(MonoRes.quantile(&v, 0.25) == 2 && MonoRes.quantile(&v, 0.1) == 1.4)
    }
}
