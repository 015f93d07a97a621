// Gaussian smoothing: the impulse response, a full box, and scipy.ndimage.gaussian_filter (oracle).
import Foundation
import MapIO
import TestSupport
import Testing
@testable import VolumeNumerics

@Suite struct GaussianFilterTests {
    @Test func kernelIsNormalised() {
        let w = GaussianFilter.kernel(sigmaVoxels: 2)
        #expect(w.count == 17, "σ = 2, truncate 4: expected 17 taps, observed \(w.count)")
        let sum = w.reduce(0, +)
        #expect(abs(sum - 1) < 1e-6, "kernel sum \(sum)")
    }

    @Test func impulseResponseIsTheSampledGaussian() {
        let n = 31, c = 15, sigma = 2.0
        var vol = Volume(nx: n, ny: n, nz: n)
        vol[c, c, c] = 1
        let out = vol.gaussianSmoothed(sigmaVoxels: sigma)
        // Normalisation of the sampled 1D Gaussian over |k| ≤ 8.
        let norm1 = (-8...8).reduce(0.0) { $0 + exp(-Double($1 * $1) / (2 * sigma * sigma)) }
        var maxErr = 0.0
        for (x, y, z) in [(15, 15, 15), (16, 15, 15), (18, 17, 13), (20, 15, 10), (23, 15, 15), (24, 15, 15)] {
            let d2 = Double((x - c) * (x - c) + (y - c) * (y - c) + (z - c) * (z - c))
            let inside = abs(x - c) <= 8 && abs(y - c) <= 8 && abs(z - c) <= 8
            let expected = inside ? exp(-d2 / (2 * sigma * sigma)) / (norm1 * norm1 * norm1) : 0
            maxErr = max(maxErr, abs(Double(out[x, y, z]) - expected))
        }
        #expect(maxErr < 1e-7, "impulse response: max error \(maxErr)")
        let total = out.data.reduce(0.0) { $0 + Double($1) }
        #expect(abs(total - 1) < 1e-5, "mass: expected 1, observed \(total)")
        #expect(vol[16, 15, 15] == 0, "input modified")
    }

    @Test func fullBoxStaysOneInsideAndDropsAtTheEdges() {
        let vol = Volume(nx: 24, ny: 24, nz: 24, value: 1)
        let out = vol.gaussianSmoothed(sigmaVoxels: 2)
        #expect(abs(out[12, 12, 12] - 1) < 1e-6, "interior: \(out[12, 12, 12])")
        // At a face, half the kernel lies outside the box: 1/2 + w0/2 along that axis.
        let w = GaussianFilter.kernel(sigmaVoxels: 2)
        let expected = 0.5 + Double(w[8]) / 2
        #expect(abs(Double(out[0, 12, 12]) - expected) < 1e-6, "face: expected \(expected), observed \(out[0, 12, 12])")
    }

    @Test func matchesScipyGaussianFilter() throws {
        let nx = 26, ny = 19, nz = 22
        var rng = Level0RNG(seed: 5)
        let dense = (0..<(nx * ny * nz)).map { _ in Float(rng.normal()) }
        // Sparse: a few non-zero voxels, so that whole rows and planes are zero (the skipped paths).
        var sparse = [Float](repeating: 0, count: nx * ny * nz)
        for _ in 0..<40 { sparse[Int.random(in: 0..<(nx * ny * 12), using: &rng)] = Float(rng.normal()) }
        for (data, sigma) in [(dense, 1.0), (dense, 2.0), (dense, 3.5), (sparse, 2.0), (sparse, 1.0)] {
            let vol = Volume(nx: nx, ny: ny, nz: nz, data: data)
            let inPath = Level0Oracle.tempPath("in.f32"), outPath = Level0Oracle.tempPath("out.f32")
            defer { try? FileManager.default.removeItem(atPath: inPath); try? FileManager.default.removeItem(atPath: outPath) }
            try data.withUnsafeBufferPointer { try Data(buffer: $0).write(to: URL(fileURLWithPath: inPath)) }
            _ = try Level0Oracle.run("level0_gaussian.py", [inPath, "\(nx)", "\(ny)", "\(nz)", "\(sigma)", outPath])
            let expected: [Float] = try Data(contentsOf: URL(fileURLWithPath: outPath)).withUnsafeBytes {
                Array($0.bindMemory(to: Float.self))
            }
            let observed = vol.gaussianSmoothed(sigmaVoxels: sigma).data
            let maxErr = zip(expected, observed).map { abs(Double($0) - Double($1)) }.max()!
            #expect(maxErr < 1e-5, "σ = \(sigma): max |scipy − ours| = \(maxErr)")
        }
    }
}
