// Phantoms for the Level 0 and mask tests (balls, cones, noise, spikes) and a check of the ball phantom against
// the sphere volume (the seeded generator Level0RNG and the oracle runner Level0Oracle are TestSupport's).
import Foundation
import MapIO
import TestSupport
import Testing

enum Level0Phantom {
    struct Ball { var center: SIMD3<Int>; var radius: Double; var value: Float }

    /// A map of the given box: `balls` (value inside (x−c)² ≤ r²) added to Gaussian noise of s.d. `noise`
    /// around `offset`, plus single-voxel `spikes`.
    static func map(_ dims: SIMD3<Int>, voxelSize: SIMD3<Double> = SIMD3(1, 1, 1), balls: [Ball],
                    noise: Double = 0, offset: Double = 0, seed: UInt64 = 1,
                    spikes: [(SIMD3<Int>, Float)] = []) -> Volume {
        let nx = dims.x, ny = dims.y, nz = dims.z
        var data = [Float](repeating: Float(offset), count: nx * ny * nz)
        if noise > 0 {
            var rng = Level0RNG(seed: seed)
            for i in 0..<data.count { data[i] = Float(offset + noise * rng.normal()) }
        }
        for b in balls {
            let R = Int(b.radius.rounded(.up))
            for z in max(0, b.center.z - R)...min(nz - 1, b.center.z + R) {
                for y in max(0, b.center.y - R)...min(ny - 1, b.center.y + R) {
                    for x in max(0, b.center.x - R)...min(nx - 1, b.center.x + R) {
                        let d = SIMD3(x, y, z) &- b.center
                        if Double((d &* d).wrappedSum()) <= b.radius * b.radius { data[x + nx * (y + ny * z)] += b.value }
                    }
                }
            }
        }
        for (p, v) in spikes { data[p.x + nx * (p.y + ny * p.z)] += v }
        return Volume(nx: nx, ny: ny, nz: nz, data: data, voxelSize: voxelSize)
    }

    /// Lattice points with x² + y² + z² ≤ r² (the voxels of a ball phantom), by brute force.
    static func ballCount(radius r: Double) -> Int {
        let R = Int(r.rounded(.up))
        var n = 0
        for z in -R...R { for y in -R...R { for x in -R...R where Double(x * x + y * y + z * z) <= r * r { n += 1 } } }
        return n
    }
}

@Suite struct Level0PhantomTests {
    @Test func ballVoxelCountIsTheSphereVolume() {
        // The lattice count differs from 4/3·π·r³ by at most the shell of half a voxel diagonal around the sphere.
        for r in [4.0, 7.5, 10.0, 16.0] {
            let n = Double(Level0Phantom.ballCount(radius: r))
            let sphere = 4.0 / 3 * .pi * r * r * r
            let bound = 4 * Double.pi * r * r * (3.0.squareRoot() / 2) + 1
            #expect(abs(n - sphere) < bound, "r=\(r): lattice \(n), 4/3πr³ \(sphere), bound \(bound)")
            // And the relative error shrinks like 1/r: within 8 % from r = 7.5 on.
            if r >= 7.5 { #expect(abs(n - sphere) / sphere < 0.08, "r=\(r): relative error \(abs(n - sphere) / sphere)") }
        }
        let phantom = Level0Phantom.map(SIMD3(24, 24, 24), balls: [.init(center: SIMD3(12, 12, 12), radius: 7.5, value: 1)])
        let inside = phantom.data.filter { $0 == 1 }.count
        #expect(inside == Level0Phantom.ballCount(radius: 7.5))
    }
}
