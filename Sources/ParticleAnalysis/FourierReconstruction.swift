// 3D reconstruction by direct Fourier inversion (the Fourier-slice theorem; as in RELION's backprojector,
// Scheres 2012, without its iterative gridding).
//
// Each image (box n, square pixels) is zero-padded to N = padding·n with its centre at the origin, transformed
// (FFTW, unnormalised), centred by undoing its shift (RELION's origin: the image is the projection shifted by
// +origin), and inserted at 3D frequency Aᵀ·(kx, ky, 0) (Rotation3) with trilinear weights up to the
// Nyquist radius: data += w·CTF·F, weight += w·CTF². The map's spectrum is data / (weight + λ): CTF-weighted
// averaging with a Wiener-like constant λ = `wienerFraction` × the mean weight (no CTF: λ only avoids division
// by zero). Points on the kx = 0 plane also receive their Friedel mates' contributions. After the inverse
// transform the real-space volume is divided by sinc²(πx/N)·sinc²(πy/N)·sinc²(πz/N), the transform of the
// trilinear kernel (gridding correction), and the central n³ box is kept (the padding prevents wrap-around).
//
// Units: frequencies passed to the CTF in 1/Å; shifts in Å; the output has the images' pixel size.
import Foundation
import ImageData
import MapIO
import VolumeNumerics

/// One particle for the reconstruction: the image (n×n, x fastest), its orientation and shift, and the CTF
/// value at each 2D frequency (kx, ky in 1/Å) — nil for CTF-free (or already corrected) images.
public struct ReconstructionInput: @unchecked Sendable {
    public var image: [Float]
    public var orientation: Rotation3
    /// RELION's origin (rlnOriginX/YAngst) in Å: the image is the projection moved by −origin.
    public var shiftA: SIMD2<Double>
    public var ctf: ((Double, Double) -> Double)?

    public init(image: [Float], orientation: Rotation3, shiftA: SIMD2<Double> = .zero,
                ctf: ((Double, Double) -> Double)? = nil) {
        self.image = image; self.orientation = orientation; self.shiftA = shiftA; self.ctf = ctf
    }
}

/// Accumulates central sections in a padded 3D half spectrum.
public struct FourierAccumulator: Sendable {
    public let n: Int
    public let padding: Int
    public let pixelSizeA: Double
    /// Padded box N = padding·n.
    public var nPad: Int { n * padding }
    var data: [SIMD2<Float>]
    var weight: [Float]
    public private(set) var inserted = 0

    public init(box n: Int, pixelSizeA: Double, padding: Int = 2) {
        precondition(n >= 4 && n % 2 == 0, "FourierAccumulator: box \(n) must be even and ≥ 4")
        self.n = n; self.padding = padding; self.pixelSizeA = pixelSizeA
        let np = n * padding
        data = [SIMD2<Float>](repeating: .zero, count: (np / 2 + 1) * np * np)
        weight = [Float](repeating: 0, count: data.count)
    }

    /// The padded, centred 2D spectrum of an image (half plane kx = 0…N/2, all ky), unnormalised.
    static func paddedSpectrum(_ image: [Float], n: Int, nPad: Int) -> [SIMD2<Float>] {
        precondition(image.count == n * n, "image has \(image.count) pixels, expected \(n)×\(n)")
        var padded = [Float](repeating: 0, count: nPad * nPad)
        let c = n / 2
        for y in 0..<n {
            let py = (y - c + nPad) % nPad
            for x in 0..<n {
                padded[(x - c + nPad) % nPad + nPad * py] = image[x + n * y]
            }
        }
        return FFT2D.forward(Image2D(nx: nPad, ny: nPad, data: padded, pixelSizeA: 1)).data
    }

    public mutating func insert(_ p: ReconstructionInput) {
        let np = nPad, hx = np / 2 + 1
        let spectrum = Self.paddedSpectrum(p.image, n: n, nPad: np)
        let rMax = Double(np / 2 - 1), rMax2 = rMax * rMax
        let step = 1 / (Double(np) * pixelSizeA)          // 1/Å per padded frequency index
        let shiftPx = p.shiftA / pixelSizeA
        let a = p.orientation
        data.withUnsafeMutableBufferPointer { d in
            weight.withUnsafeMutableBufferPointer { w in
                for j in 0..<np {
                    let ky = j < np / 2 ? j : j - np
                    for kx in 0..<hx {
                        let r2 = Double(kx * kx + ky * ky)
                        if r2 > rMax2 || (kx == 0 && ky < 0) { continue }   // (0, −ky) is (0, ky)'s Friedel mate
                        var f = spectrum[kx + hx * j]
                        // Move the image by +origin: multiply by exp(−2πi k·o/N).
                        let phase = -2 * Double.pi * (Double(kx) * shiftPx.x + Double(ky) * shiftPx.y) / Double(np)
                        let (cp, sp) = (Float(cos(phase)), Float(sin(phase)))
                        f = SIMD2(f.x * cp - f.y * sp, f.x * sp + f.y * cp)
                        var c: Float = 1
                        if let ctf = p.ctf { c = Float(ctf(Double(kx) * step, Double(ky) * step)) }
                        var q = a.r0 * Double(kx) + a.r1 * Double(ky)
                        if q.x < 0 { q = -q; f.y = -f.y }
                        Self.splat(q, value: f * c, weight: c * c, np: np, hx: hx, d: d, w: w)
                    }
                }
            }
        }
        inserted += 1
    }

    @inline(__always)
    static func splat(_ q: SIMD3<Double>, value: SIMD2<Float>, weight cw: Float, np: Int, hx: Int,
                      d: UnsafeMutableBufferPointer<SIMD2<Float>>, w: UnsafeMutableBufferPointer<Float>) {
        let x0 = Int(q.x.rounded(.down)), y0 = Int(q.y.rounded(.down)), z0 = Int(q.z.rounded(.down))
        let fx = Float(q.x - Double(x0)), fy = Float(q.y - Double(y0)), fz = Float(q.z - Double(z0))
        for dz in 0...1 {
            let wz = dz == 0 ? 1 - fz : fz
            let iz = ((z0 + dz) % np + np) % np
            for dy in 0...1 {
                let wy = dy == 0 ? 1 - fy : fy
                let iy = ((y0 + dy) % np + np) % np
                for dx in 0...1 {
                    let ix = x0 + dx
                    if ix >= hx { continue }
                    let wt = (dx == 0 ? 1 - fx : fx) * wy * wz
                    let idx = ix + hx * (iy + np * iz)
                    d[idx] += value * wt
                    w[idx] += cw * wt
                }
            }
        }
    }

    /// Adds another accumulator of the same geometry (for per-thread accumulation).
    public mutating func add(_ o: FourierAccumulator) {
        precondition(o.n == n && o.padding == padding, "FourierAccumulator.add: different geometry")
        for i in 0..<data.count { data[i] += o.data[i]; weight[i] += o.weight[i] }
        inserted += o.inserted
    }

    /// The reconstructed n³ volume (voxel size = pixel size).
    public func volume(wienerFraction: Double = 1e-3, griddingCorrection: Bool = true) -> Volume {
        let np = nPad, hx = np / 2 + 1
        var d = data, w = weight
        // Friedel mates on the kx = 0 plane.
        for iz in 0..<np {
            for iy in 0..<np {
                let jy = (np - iy) % np, jz = (np - iz) % np
                let a = hx * (iy + np * iz), b = hx * (jy + np * jz)
                if a > b { continue }
                if a == b { d[a].y = 0; continue }
                let da = d[a], db = d[b]
                d[a] = SIMD2(da.x + db.x, da.y - db.y)
                d[b] = SIMD2(d[a].x, -d[a].y)
                let ws = w[a] + w[b]
                w[a] = ws; w[b] = ws
            }
        }
        let positive = w.filter { $0 > 0 }
        let meanW = positive.isEmpty ? 1 : positive.reduce(0, +) / Float(positive.count)
        let lambda = Float(wienerFraction) * meanW
        for i in 0..<d.count { d[i] = w[i] > 0 ? d[i] / (w[i] + lambda) : .zero }
        let spectrum = FourierVolume(nx: np, ny: np, nz: np, voxelSize: SIMD3(repeating: pixelSizeA), data: d)
        let real = FFT.inverseValues(spectrum)
        var correction = [Float](repeating: 1, count: np)
        if griddingCorrection {
            for i in 0..<np {
                let x = Double(i < np / 2 ? i : i - np)
                let s = x == 0 ? 1 : sin(Double.pi * x / Double(np)) / (Double.pi * x / Double(np))
                correction[i] = Float(1 / (s * s))
            }
        }
        var out = [Float](repeating: 0, count: n * n * n)
        let c = n / 2
        for z in 0..<n {
            let pz = (z - c + np) % np
            for y in 0..<n {
                let py = (y - c + np) % np
                for x in 0..<n {
                    let px = (x - c + np) % np
                    out[x + n * (y + n * z)] = real[px + np * (py + np * pz)] * correction[px] * correction[py] * correction[pz]
                }
            }
        }
        return Volume(nx: n, ny: n, nz: n, data: out, voxelSize: SIMD3(repeating: pixelSizeA))
    }
}

public enum FourierReconstruction {
    /// Reconstructs from `count` particles supplied by `particle(i)`, inserting in `threads` parallel chunks.
    public static func reconstruct(count: Int, box n: Int, pixelSizeA: Double, padding: Int = 2,
                                   wienerFraction: Double = 1e-3, threads: Int = Parallel.workers,
                                   particle: @Sendable (Int) throws -> ReconstructionInput) throws -> Volume {
        try accumulate(count: count, box: n, pixelSizeA: pixelSizeA, padding: padding, threads: threads,
                       particle: particle).volume(wienerFraction: wienerFraction)
    }

    /// The accumulated spectrum of `count` particles, in `threads` chunks run in parallel. One chunk per thread,
    /// unlike the fixed splits of Parallel.reductionChunks: each chunk holds a padded spectrum of (2n)³/2 voxels,
    /// so the sums' last digits may follow `--threads` (docs/methods.md, "Threads and results").
    public static func accumulate(count: Int, box n: Int, pixelSizeA: Double, padding: Int = 2,
                                  threads: Int = Parallel.workers,
                                  particle: @Sendable (Int) throws -> ReconstructionInput) throws -> FourierAccumulator {
        let chunks = max(1, min(threads, count))
        let partial = ChunkedResults<FourierAccumulator>(count: chunks)
        try partial.fill(chunks: chunks) { c in
            var acc = FourierAccumulator(box: n, pixelSizeA: pixelSizeA, padding: padding)
            var i = c
            while i < count { acc.insert(try particle(i)); i += chunks }
            return acc
        }
        let all = try partial.values()
        var total = all[0]
        for c in 1..<chunks { total.add(all[c]) }
        return total
    }
}

/// Per-item results computed in parallel (items k, k + chunks, … on one thread per chunk), each slot
/// written once; the first error is rethrown. Chunks run through `Parallel.perform`, so `--threads` holds;
/// a body that reads its particle's image itself keeps at most one image per thread in memory, whatever the
/// number of particles (`--max-particles all`).
public final class ChunkedResults<T>: @unchecked Sendable {
    private var slots: [T?]
    private var firstError: Error?
    private let lock = NSLock()
    public init(count: Int) { slots = Array(repeating: nil, count: count) }

    public func fill(chunks requested: Int = Parallel.workers,
                     _ body: @Sendable (Int) throws -> T) throws {
        let count = slots.count
        let chunks = max(1, min(requested, count))
        Parallel.perform(iterations: chunks) { c in
            var k = c
            while k < count {
                do {
                    let v = try body(k)
                    lock.lock(); slots[k] = v; lock.unlock()
                } catch {
                    lock.lock(); if firstError == nil { firstError = error }; lock.unlock()
                    return
                }
                k += chunks
            }
        }
        if let e = firstError { throw e }
    }

    public func values() throws -> [T] { slots.map { $0! } }
}
