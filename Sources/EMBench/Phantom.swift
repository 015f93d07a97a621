// Phantoms for benchmarks: a protein-like map with two half maps, and a ~10,000-atom model with its simulated
// map. Deterministic for a given seed.
import Analysis
import Foundation
import MapIO
import ModelIO
import VolumeNumerics

struct BenchPhantom {
    /// The map: signal plus noise.
    var map: Volume
    /// The noise-free signal (the half maps add their own noise to it).
    var signal: Volume
    /// A contour level enclosing about 3 % of the box.
    var threshold: Double
    /// Standard deviation of the map's noise.
    var noiseSigma: Double
}

enum Phantom {
    /// An n³ map with voxel size `voxelA` Å: atoms at ~1 per 20 Å³ inside an ellipsoid of semi-axes 0.3n,
    /// 0.25n, 0.2n voxels, blurred with σ = 1 voxel, plus Gaussian noise of σ = 0.05 × the peak density.
    static func proteinLike(n: Int, voxelA: Double = 1.0, seed: UInt64 = 7) -> BenchPhantom {
        var rng = SplitMix64(seed: seed)
        var v = Volume(nx: n, ny: n, nz: n, voxelSize: SIMD3(repeating: voxelA))
        let c = Double(n) / 2
        let axes = SIMD3<Double>(0.3, 0.25, 0.2) * Double(n)
        let ellipsoidVoxels = 4.0 / 3.0 * Double.pi * axes.x * axes.y * axes.z
        let atoms = Int(ellipsoidVoxels * voxelA * voxelA * voxelA / 20)
        var placed = 0
        while placed < atoms {
            let p = SIMD3<Double>(Double.random(in: -1...1, using: &rng), Double.random(in: -1...1, using: &rng),
                                  Double.random(in: -1...1, using: &rng))
            if (p * p).sum() > 1 { continue }
            let q = p * axes + c
            v[Int(q.x), Int(q.y), Int(q.z)] += 1
            placed += 1
        }
        let signal = GaussianFilter.smooth(v, sigmaVoxels: 1.0)
        let sigma = 0.05 * Double(signal.data.max() ?? 1)
        let map = withNoise(signal, sigma: sigma, seed: seed &+ 1)
        var sample = stride(from: 0, to: map.count, by: max(1, map.count / 1_000_000)).map { map.data[$0] }
        sample.sort()
        return BenchPhantom(map: map, signal: signal, threshold: Double(sample[Int(Double(sample.count) * 0.97)]),
                            noiseSigma: sigma)
    }

    /// Two half maps: the signal with independent noise of √2 × the map's σ each (each half has half the
    /// particles, so twice the noise variance; their average has the map's noise).
    static func halves(of p: BenchPhantom, seed: UInt64) -> (Volume, Volume) {
        (withNoise(p.signal, sigma: p.noiseSigma * 2.0.squareRoot(), seed: seed),
         withNoise(p.signal, sigma: p.noiseSigma * 2.0.squareRoot(), seed: seed &+ 1))
    }

    static func withNoise(_ v: Volume, sigma: Double, seed: UInt64) -> Volume {
        var rng = SplitMix64(seed: seed)
        var out = v
        out.data.withUnsafeMutableBufferPointer { d in
            for i in 0..<d.count {
                // Box–Muller.
                let u1 = Double.random(in: Double.ulpOfOne..<1, using: &rng), u2 = Double.random(in: 0..<1, using: &rng)
                d[i] += Float(sigma * (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
            }
        }
        return out
    }

    static let modelAtomsTarget = 9_996

    /// Seven copies of the fixture chain's heavy atoms (1,428 × 7 = 9,996 atoms, chains A–G) placed side by side
    /// in an n³ box of 1 Å voxels; writes the model (PDB) and its simulated map at 3.5 Å with noise. Returns the
    /// map's threshold (5 % of its maximum), or nil when the fixture is not there.
    static func writeModelAndMap(n: Int, fixture: String, modelPath: String, mapPath: String) throws -> Double? {
        guard FileManager.default.fileExists(atPath: fixture) else { return nil }
        let heavy = try ModelReader.read(path: fixture).atoms.filter { !$0.isHydrogen }
        let centre = heavy.reduce(SIMD3<Double>.zero) { $0 + $1.position } / Double(heavy.count)
        var atoms: [Atom] = []
        let step = Double(n) / 4
        for k in 0..<7 {
            let offset = SIMD3<Double>(Double(k % 3 + 1) * step, Double(k / 3 + 1) * step, Double(n) / 2) - centre
            for var a in heavy { a.position += offset; a.chain = String(UnicodeScalar(65 + k)!); atoms.append(a) }
        }
        var pdb = ""
        for (i, a) in atoms.enumerated() {
            let name = a.name.count < 4 ? " " + a.name : a.name
            pdb += String(format: "ATOM  %5d %-4@ %3@ %1@%4d    %8.3f%8.3f%8.3f%6.2f%6.2f          %2@\n",
                          i % 100_000, name as NSString, a.residueName as NSString, a.chain as NSString,
                          a.residueNumber, a.position.x, a.position.y, a.position.z, a.occupancy, a.bFactor,
                          a.element as NSString)
        }
        pdb += "END\n"
        try Data(pdb.utf8).write(to: URL(fileURLWithPath: modelPath))
        let grid = Volume(nx: n, ny: n, nz: n, voxelSize: SIMD3(1, 1, 1))
        let simulated = ModelMap.simulate(model: AtomicModel(atoms: atoms, path: modelPath), on: grid, resolutionA: 3.5).map
        let peak = Double(simulated.data.max() ?? 1)
        try MRCWriter.write(withNoise(simulated, sigma: 0.02 * peak, seed: 5), to: mapPath, labels: ["benchmark model map"])
        return 0.05 * peak
    }
}
