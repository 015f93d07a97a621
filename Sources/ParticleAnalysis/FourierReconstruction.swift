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
// Threads (`FourierReconstruction.accumulate`): the particles' central sections are made in parallel, then
// inserted by Z planes, each worker adding the whole batch in particle order into the planes it owns, so one
// padded spectrum serves every thread and the sums are the serial ones on any thread count.
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
    /// The 2D frequencies every central section holds, in insertion order (`sectionFrequencies`).
    let frequencies: [SIMD2<Int32>]
    public private(set) var inserted = 0

    public init(box n: Int, pixelSizeA: Double, padding: Int = 2) {
        precondition(n >= 4 && n % 2 == 0, "FourierAccumulator: box \(n) must be even and ≥ 4")
        self.n = n; self.padding = padding; self.pixelSizeA = pixelSizeA
        let np = n * padding
        data = Parallel.array(count: (np / 2 + 1) * np * np, repeating: SIMD2<Float>.zero)
        weight = Parallel.array(count: data.count, repeating: Float(0))
        frequencies = Self.sectionFrequencies(nPad: np)
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

    /// The 2D frequencies (kx, ky in padded indices) that are inserted, in insertion order: the half plane
    /// kx ≥ 0 inside the radius N/2 − 1, without (0, −ky), the Friedel mate of (0, ky).
    static func sectionFrequencies(nPad np: Int) -> [SIMD2<Int32>] {
        let rMax = Double(np / 2 - 1), rMax2 = rMax * rMax
        var out: [SIMD2<Int32>] = []
        for j in 0..<np {
            let ky = j < np / 2 ? j : j - np
            for kx in 0...(np / 2) where Double(kx * kx + ky * ky) <= rMax2 && !(kx == 0 && ky < 0) {
                out.append(SIMD2(Int32(kx), Int32(ky)))
            }
        }
        return out
    }

    /// One frequency of a central section, ready to insert: w·CTF·F (moved by +origin; conjugated when the point
    /// was mirrored into kx ≥ 0), CTF², and the trilinear cell: the corner (x0, y0, z0) below the 3D position in
    /// padded indices (y0, z0 wrapped into 0..<N) and the position's fractions above it.
    struct SectionPoint {
        var value: SIMD2<Float>
        var weight: Float
        var x0: Int32, y0: Int32, z0: Int32
        var fx: Float, fy: Float, fz: Float
    }

    /// One image's central section: a point for each of `frequencies` (`sectionFrequencies`), in that order. All
    /// the per-particle work (the transform, shift, CTF, 3D positions) happens here, once, on the particle's
    /// worker; the insertion that every worker walks is only the additions.
    static func section(_ p: ReconstructionInput, n: Int, nPad np: Int, pixelSizeA: Double,
                        frequencies: [SIMD2<Int32>]) -> [SectionPoint] {
        let hx = np / 2 + 1
        let spectrum = paddedSpectrum(p.image, n: n, nPad: np)
        let step = 1 / (Double(np) * pixelSizeA)          // 1/Å per padded frequency index
        let shiftPx = p.shiftA / pixelSizeA
        // Moving the image by +origin multiplies by exp(−2πi k·o/N) = exp(−2πi kx·ox/N)·exp(−2πi ky·oy/N): the
        // two factors per column and row, multiplied in double precision, instead of a sine and cosine per point.
        func factor(_ k: Int, _ o: Double) -> SIMD2<Double> {
            let phase = -2 * Double.pi * Double(k) * o / Double(np)
            return SIMD2(cos(phase), sin(phase))
        }
        let columns = (0..<hx).map { factor($0, shiftPx.x) }
        let rows = (0..<np).map { factor($0 < np / 2 ? $0 : $0 - np, shiftPx.y) }
        let a = p.orientation
        return frequencies.map { k in
            let kx = Int(k.x), ky = Int(k.y), row = ky < 0 ? ky + np : ky
            var f = spectrum[kx + hx * row]
            let e = columns[kx], g = rows[row]
            let (cp, sp) = (Float(e.x * g.x - e.y * g.y), Float(e.x * g.y + e.y * g.x))
            f = SIMD2(f.x * cp - f.y * sp, f.x * sp + f.y * cp)
            var c: Float = 1
            if let ctf = p.ctf { c = Float(ctf(Double(kx) * step, Double(ky) * step)) }
            f *= c
            var q = a.r0 * Double(kx) + a.r1 * Double(ky)
            if q.x < 0 { q = -q; f.y = -f.y }                  // the Friedel mate, in the stored half kx ≥ 0
            let x0 = q.x.rounded(.down), y0 = q.y.rounded(.down), z0 = q.z.rounded(.down)
            func wrapped(_ i: Double) -> Int32 { Int32((Int(i) % np + np) % np) }
            return SectionPoint(value: f, weight: c * c, x0: Int32(x0), y0: wrapped(y0), z0: wrapped(z0),
                                fx: Float(q.x - x0), fy: Float(q.y - y0), fz: Float(q.z - z0))
        }
    }

    /// Inserts one particle (the serial form of `FourierReconstruction.accumulate`, which gives the same sums).
    public mutating func insert(_ p: ReconstructionInput) {
        insert([Self.section(p, n: n, nPad: nPad, pixelSizeA: pixelSizeA, frequencies: frequencies)])
    }

    /// Inserts `sections` in their order, in parallel by Z planes: each worker walks every point and adds only
    /// into the planes it owns (plane iz belongs to worker iz mod workers, so a point's two planes go to two
    /// workers and a section lying in a few planes is shared out). Every voxel receives its contributions in
    /// the same order (section, then frequency) on any number of threads, so the sums are the same to the last
    /// bit, and one accumulator serves all threads.
    mutating func insert(_ sections: [[SectionPoint]]) {
        let np = nPad, hx = np / 2 + 1
        let owners = min(Parallel.workers, np)
        data.withUnsafeMutableBufferPointer { d in
            weight.withUnsafeMutableBufferPointer { w in
                Parallel.perform(iterations: owners) { owner in
                    for s in sections {
                        s.withUnsafeBufferPointer { points in
                            for p in points { Self.splat(p, np: np, hx: hx, owner: owner, owners: owners, d: d, w: w) }
                        }
                    }
                }
            }
        }
        inserted += sections.count
    }

    /// Trilinear insertion of one point into the Z planes iz with iz mod `owners` = `owner`.
    @inline(__always)
    static func splat(_ p: SectionPoint, np: Int, hx: Int, owner: Int, owners: Int,
                      d: UnsafeMutableBufferPointer<SIMD2<Float>>, w: UnsafeMutableBufferPointer<Float>) {
        let x0 = Int(p.x0), y0 = Int(p.y0), z0 = Int(p.z0)
        for dz in 0...1 {
            let iz = z0 + dz == np ? 0 : z0 + dz
            if owners > 1 && iz % owners != owner { continue }
            let wz = dz == 0 ? 1 - p.fz : p.fz
            for dy in 0...1 {
                let wy = dy == 0 ? 1 - p.fy : p.fy
                let iy = y0 + dy == np ? 0 : y0 + dy
                for dx in 0...1 {
                    let ix = x0 + dx
                    if ix >= hx { continue }
                    let wt = (dx == 0 ? 1 - p.fx : p.fx) * wy * wz
                    let idx = ix + hx * (iy + np * iz)
                    d[idx] += p.value * wt
                    w[idx] += p.weight * wt
                }
            }
        }
    }

    /// The reconstructed n³ volume (voxel size = pixel size). Consumes the accumulator: its spectrum is divided and
    /// transformed back in its own storage, so the peak is one padded spectrum, not a copy and a padded volume.
    public consuming func volume(wienerFraction: Double = 1e-3, griddingCorrection: Bool = true) -> Volume {
        let np = nPad, hx = np / 2 + 1
        var d = data, w = weight
        data = []; weight = []
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
        var sumW: Float = 0, positive = 0
        for x in w where x > 0 { sumW += x; positive += 1 }
        let meanW = positive == 0 ? 1 : sumW / Float(positive)
        let lambda = Float(wienerFraction) * meanW
        for i in 0..<d.count { d[i] = w[i] > 0 ? d[i] / (w[i] + lambda) : .zero }
        w = []
        var correction = [Float](repeating: 1, count: np)
        if griddingCorrection {
            for i in 0..<np {
                let x = Double(i < np / 2 ? i : i - np)
                let s = x == 0 ? 1 : sin(Double.pi * x / Double(np)) / (Double.pi * x / Double(np))
                correction[i] = Float(1 / (s * s))
            }
        }
        // The inverse transform in the spectrum's own storage (rows of 2·hx floats), then the central n³ box.
        let scale = 1 / Float(np * np * np), row = 2 * hx
        var out = [Float](repeating: 0, count: n * n * n)
        let c = n / 2
        d.withUnsafeMutableBufferPointer { buffer in
            FFT.inverseInPlace(nx: np, ny: np, nz: np, buffer: buffer, threads: Parallel.workers)
            UnsafeMutableRawPointer(buffer.baseAddress!).withMemoryRebound(to: Float.self, capacity: 2 * buffer.count) { real in
                for z in 0..<n {
                    let pz = (z - c + np) % np
                    for y in 0..<n {
                        let py = (y - c + np) % np
                        for x in 0..<n {
                            let px = (x - c + np) % np
                            out[x + n * (y + n * z)] = real[px + row * (py + np * pz)] * scale
                                * correction[px] * correction[py] * correction[pz]
                        }
                    }
                }
            }
        }
        return Volume(nx: n, ny: n, nz: n, data: out, voxelSize: SIMD3(repeating: pixelSizeA))
    }
}

public enum FourierReconstruction {
    /// Reconstructs from `count` particles supplied by `particle(i)`.
    public static func reconstruct(count: Int, box n: Int, pixelSizeA: Double, padding: Int = 2,
                                   wienerFraction: Double = 1e-3,
                                   particle: @Sendable (Int) throws -> ReconstructionInput) throws -> Volume {
        try accumulate(count: count, box: n, pixelSizeA: pixelSizeA, padding: padding,
                       particle: particle).volume(wienerFraction: wienerFraction)
    }

    /// The accumulated spectrum of `count` particles in one padded accumulator. Particles are read and their
    /// central sections made in batches on every worker (ChunkedResults), then inserted by Z planes
    /// (`FourierAccumulator.insert(_:)`), so the sums are those of inserting the particles one by one
    /// in index order, whatever `--threads` is, and memory holds one padded spectrum ((2n)³/2 voxels, ~800 MB at
    /// n = 256) and a batch of sections, not a spectrum per thread.
    public static func accumulate(count: Int, box n: Int, pixelSizeA: Double, padding: Int = 2,
                                  particle: @Sendable (Int) throws -> ReconstructionInput) throws -> FourierAccumulator {
        var acc = FourierAccumulator(box: n, pixelSizeA: pixelSizeA, padding: padding)
        let np = acc.nPad, frequencies = acc.frequencies
        // The batch size changes how work is shared, never the order of the sums: two sections per worker, at
        // most 256 MiB of them (~16 MB each at n = 256).
        let sectionBytes = max(1, frequencies.count * MemoryLayout<FourierAccumulator.SectionPoint>.stride)
        let batch = max(1, min(count, 2 * Parallel.workers, (256 << 20) / sectionBytes))
        var start = 0
        while start < count {
            let m = min(batch, count - start), first = start
            let sections = ChunkedResults<[FourierAccumulator.SectionPoint]>(count: m)
            try sections.fill { k in
                FourierAccumulator.section(try particle(first + k), n: n, nPad: np, pixelSizeA: pixelSizeA,
                                           frequencies: frequencies)
            }
            acc.insert(try sections.values())
            start += m
        }
        return acc
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
