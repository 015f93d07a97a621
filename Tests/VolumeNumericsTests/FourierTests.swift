// Tests of the Fourier machinery against numpy (Tests/Oracles/fourier_oracle.py) and analytic cases.
import Foundation
import Testing
import MapIO
import TestSupport
@testable import VolumeNumerics

/// Deterministic pseudo-random numbers (SplitMix64) so that phantoms are reproducible.
typealias FourierTestRNG = SplitMix64

func randomVolume(_ nx: Int, _ ny: Int, _ nz: Int, voxelSize: SIMD3<Double>, seed: UInt64) -> Volume {
    var rng = FourierTestRNG(seed: seed)
    return Volume(nx: nx, ny: ny, nz: nz, data: (0..<(nx * ny * nz)).map { _ in Float(rng.gaussian()) },
                  voxelSize: voxelSize)
}

/// Runs the numpy oracle on one or two volumes and returns its JSON.
func runFourierOracle(_ a: Volume, _ b: Volume? = nil) throws -> [String: Any] {
    let dir = try TestScratch.directory("fourier-oracle")
    defer { try? FileManager.default.removeItem(at: dir) }
    func write(_ v: Volume, _ name: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try v.data.withUnsafeBufferPointer { try Data(buffer: $0).write(to: url) }
        return url.path
    }
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Oracles/fourier_oracle.py").path
    var args = [script, "\(a.nx)", "\(a.ny)", "\(a.nz)",
                "\(a.voxelSize.x)", "\(a.voxelSize.y)", "\(a.voxelSize.z)", try write(a, "a.f32")]
    if let b { args.append(try write(b, "b.f32")) }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3"] + args
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0, let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw NSError(domain: "fourier_oracle.py exited with \(p.terminationStatus)", code: 1)
    }
    return obj
}

func relErr(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1e-12) }

@Suite struct FourierTests {
    @Test func forwardMatchesNumpyOnOddAnisotropicBox() throws {
        let v = randomVolume(13, 10, 9, voxelSize: SIMD3(1.1, 0.9, 1.3), seed: 1)
        let f = FFT.forward(v)
        let o = try runFourierOracle(v)
        let ref = o["rfft"] as! [Double]
        var maxErr = 0.0
        for i in 0..<(ref.count / 2) {
            maxErr = max(maxErr, abs(Double(f.data[i].x) - ref[2 * i]), abs(Double(f.data[i].y) - ref[2 * i + 1]))
        }
        #expect(maxErr < 1e-3, "rfftn vs numpy: max abs error \(maxErr) (expected < 1e-3, values O(10))")
    }

    @Test func inverseRoundTrip() {
        for dims in [SIMD3(16, 16, 16), SIMD3(15, 12, 11)] {
            let v = randomVolume(dims.x, dims.y, dims.z, voxelSize: SIMD3(1, 1, 1), seed: 2)
            let w = FFT.inverse(FFT.forward(v), like: v)
            let err = zip(v.data, w.data).map { abs($0 - $1) }.max()!
            #expect(err < 1e-5, "round trip \(dims): max error \(err) (expected < 1e-5)")
        }
    }

    @Test func shellProfileAndSumsMatchNumpy() throws {
        for (dims, t) in [(SIMD3(16, 16, 16), SIMD3(1.5, 1.5, 1.5)), (SIMD3(14, 11, 9), SIMD3(1.0, 1.2, 1.4))] {
            let a = randomVolume(dims.x, dims.y, dims.z, voxelSize: t, seed: 3)
            let b = randomVolume(dims.x, dims.y, dims.z, voxelSize: t, seed: 4)
            let mix = a.withData(zip(a.data, b.data).map { 0.7 * $0 + 0.3 * $1 })
            let o = try runFourierOracle(a, mix)
            let prof = FourierShells.profile(FFT.forward(a))
            let sums = FourierShells.sums(FFT.forward(a), FFT.forward(mix))
            let count = o["count"] as! [Double]
            #expect(prof.voxelCount.count == count.count, "shell count \(prof.voxelCount.count) vs numpy \(count.count)")
            for s in 0..<min(count.count, prof.voxelCount.count) {
                #expect(prof.voxelCount[s] == count[s], "\(dims) shell \(s): count \(prof.voxelCount[s]) vs numpy \(count[s])")
                for (name, ours) in [("mean_amplitude", prof.meanAmplitude[s]), ("mean_power", prof.meanPower[s]),
                                     ("cross", sums.cross[s]), ("power1", sums.power1[s]), ("power2", sums.power2[s])] {
                    let ref = (o[name] as! [Double])[s]
                    #expect(abs(ours - ref) <= 1e-4 * max(abs(ref), 1),
                            "\(dims) shell \(s) \(name): ours \(ours), numpy \(ref), error \(ours - ref)")
                }
            }
        }
    }

    @Test func cubicShellsAreRoundedVoxelRadius() {
        let g = FrequencyGrid(nx: 32, ny: 32, nz: 32, voxelSize: SIMD3(2, 2, 2))
        let idx = g.shellIndices()
        // (kx, ky, kz) = (3, -4, 0) has |k| = 5; (1, 1, 1) has |k| = 1.73 → shell 2.
        #expect(idx[3 + g.hx * (28 + 32 * 0)] == 5)
        #expect(idx[1 + g.hx * (1 + 32 * 1)] == 2)
        #expect(g.nyquistShell == 16, "Nyquist shell \(g.nyquistShell), expected 16")
        #expect(abs(g.shellWidthInvA - 1 / 64.0) < 1e-12)
    }

    /// A Gaussian of σ Å centred on voxel 0 has F(s) = (2πσ²)^{3/2} / T³ · exp(−2π²σ²s²).
    /// The in-place filter (one padded buffer) and the inverse that consumes its spectrum give the values of
    /// the out-of-place path (forward, gain, inverse), on even and odd, non-cubic boxes; the last box's values
    /// (5 MiB) span several 2 MiB pieces, which the inverse's scaling gives to different workers.
    @Test func inPlaceFilteringMatchesOutOfPlace() {
        let gain = ProductGain(BFactorFilter(bFactorA2: -40), RaisedCosineLowPass(cutoffInvA: 0.3, widthInvA: 0.05))
        for dims in [SIMD3(16, 12, 10), SIMD3(15, 13, 11), SIMD3(160, 128, 64)] {
            let v = randomVolume(dims.x, dims.y, dims.z, voxelSize: SIMD3(1.1, 1, 0.9), seed: 7)
            let reference = FFT.inverse(FFT.forward(v).filtered(gain), like: v)
            let inPlace = v.filtered(gain)
            let scale = Double(reference.data.map { abs($0) }.max()!)
            let err = Double(zip(reference.data, inPlace.data).map { abs($0 - $1) }.max()!)
            #expect(inPlace.dims == v.dims && inPlace.data.count == v.count)
            #expect(err < 1e-5 * scale, "\(dims): in-place vs out-of-place max difference \(err) (scale \(scale))")
            var spectrum = FFT.forward(v)
            let taken = FFT.inverse(taking: &spectrum, like: v)
            #expect(spectrum.data.isEmpty, "the consumed spectrum is left empty")
            #expect(zip(taken.data, v.data).map { abs($0 - $1) }.max()! < 1e-5, "\(dims): round trip through inverse(taking:)")
        }
    }

    /// A mask of uniform random values in [0, 1) on a crop `shrunkBy` voxels smaller than `v`'s box, placed at `lo`.
    func randomMask(like v: Volume, shrunkBy: SIMD3<Int>, at lo: SIMD3<Int>, seed: UInt64) -> CroppedVolume {
        let c = v.dims &- shrunkBy
        var rng = SplitMix64(seed: seed)
        let crop = Volume(nx: c.x, ny: c.y, nz: c.z, data: (0..<(c.x * c.y * c.z)).map { _ in Float(rng.uniform()) })
        return CroppedVolume(crop: crop, at: lo, like: v)
    }

    /// Two spectra agree to 10⁻⁶ of the largest coefficient (in-place and out-of-place transforms round
    /// differently, and coefficients grow with the box).
    func expectClose(_ got: FourierVolume, _ expected: FourierVolume, _ what: String) {
        #expect(got.data.count == expected.data.count, "\(what): \(got.data.count) coefficients, expected \(expected.data.count)")
        let err = zip(expected.data, got.data).map { max(abs($0.x - $1.x), abs($0.y - $1.y)) }.max()!
        let scale = expected.data.map { max(abs($0.x), abs($0.y)) }.max()!
        #expect(err < 1e-6 * scale, "\(what) max difference \(err) (largest coefficient \(scale))")
    }

    /// The spectrum of a volume masked by a cropped mask, made in place, is the spectrum of the volume
    /// multiplied by the whole mask; on the last box the zero fill (5 MiB) is split between workers.
    @Test func maskedForwardMatchesMaskedCopy() {
        for dims in [SIMD3(16, 12, 10), SIMD3(15, 13, 11), SIMD3(160, 128, 64)] {
            let v = randomVolume(dims.x, dims.y, dims.z, voxelSize: SIMD3(1, 1, 1), seed: 11)
            let mask = randomMask(like: v, shrunkBy: SIMD3(6, 5, 4), at: SIMD3(2, 3, 1), seed: 12)
            let expected = FFT.forward(FSC.masked(v, by: mask.full()))
            expectClose(FFT.forward(v, maskedBy: mask), expected, "\(dims): masked spectrum")
        }
    }

    /// A spectrum inverted, masked and transformed again in its own storage (1.a's phase-randomised halves) is
    /// the spectrum of the map it stands for times the whole mask; even and odd boxes, a crop off the origin.
    @Test func remaskedSpectrumMatchesInverseThenMaskedForward() {
        for dims in [SIMD3(16, 12, 10), SIMD3(15, 13, 11), SIMD3(160, 128, 64)] {
            let v = randomVolume(dims.x, dims.y, dims.z, voxelSize: SIMD3(1, 1.2, 1), seed: 13)
            let mask = randomMask(like: v, shrunkBy: SIMD3(7, 4, 5), at: SIMD3(3, 1, 2), seed: 14)
            let spectrum = PhaseRandomization.randomized(FFT.forward(v), fromShell: 2, seed: 15)
            let expected = FFT.forward(FSC.masked(FFT.inverse(spectrum, like: v), by: mask.full()))
            var taken = spectrum
            let got = FFT.remasked(taking: &taken, by: mask)
            #expect(taken.data.isEmpty, "the consumed spectrum is left empty")
            #expect(SIMD3(got.nx, got.ny, got.nz) == dims && got.voxelSize == expected.voxelSize)
            expectClose(got, expected, "\(dims): remasked spectrum")
        }
    }

    @Test func gaussianTransformIsAnalytic() {
        let n = 32, t = 1.25, sigma = 2.5
        var v = Volume(nx: n, ny: n, nz: n, voxelSize: SIMD3(t, t, t))
        for z in 0..<n { for y in 0..<n { for x in 0..<n {
            let dx = Double(FrequencyGrid.signedIndex(x, n)) * t, dy = Double(FrequencyGrid.signedIndex(y, n)) * t
            let dz = Double(FrequencyGrid.signedIndex(z, n)) * t
            v[x, y, z] = Float(exp(-(dx * dx + dy * dy + dz * dz) / (2 * sigma * sigma)))
        } } }
        let f = FFT.forward(v)
        let norm = pow(2 * .pi * sigma * sigma, 1.5) / (t * t * t)
        for (i, j, k) in [(0, 0, 0), (2, 0, 0), (1, 3, 2), (4, 30, 1), (5, 5, 5)] {
            var s2 = 0.0
            for idx in [i, j, k] { let q = Double(FrequencyGrid.signedIndex(idx, n)) / (Double(n) * t); s2 += q * q }
            let expected = norm * exp(-2 * .pi * .pi * sigma * sigma * s2)
            let got = f.data[i + f.hx * (j + n * k)]
            #expect(abs(Double(got.x) - expected) < 1e-3 * norm && abs(got.y) < 1e-3 * Float(norm),
                    "F(\(i),\(j),\(k)): expected \(expected), observed \(got), error \(Double(got.x) - expected)")
        }
        // The Guinier slope of ln(mean |F|) against s² is −2π²σ² (our B = 4·slope = −8π²σ²).
        let prof = FourierShells.profile(f)
        let x = (3...10).map { prof.frequencyInvA[$0] * prof.frequencyInvA[$0] }
        let y = (3...10).map { log(prof.meanAmplitude[$0]) }
        let mx = x.reduce(0, +) / 8, my = y.reduce(0, +) / 8
        var sxy = 0.0, sxx = 0.0
        for i in 0..<x.count { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx) }
        let slope = sxy / sxx
        let expected = -2 * Double.pi * Double.pi * sigma * sigma
        #expect(relErr(slope, expected) < 0.03, "Guinier slope: expected \(expected), observed \(slope)")
    }

    @Test func raisedCosineGains() {
        let lp = RaisedCosineLowPass(cutoffInvA: 0.2, widthInvA: 0.04)
        #expect(lp.gain(0.17) == 1 && lp.gain(0.23) == 0 && abs(lp.gain(0.2) - 0.5) < 1e-6)
        let band = RaisedCosineBand(centerInvA: 0.1, halfWidthInvA: 0.02)
        #expect(band.gain(0.1) == 1 && band.gain(0.12) == 0 && abs(band.gain(0.11) - 0.5) < 1e-6)
        #expect(abs(BFactorFilter(bFactorA2: -100).gain(0.1) - Float(exp(-0.25))) < 1e-6)
    }

    /// A plane wave of amplitude a has local amplitude a·H(|s|) at every voxel, whatever its phase.
    @Test func monogenicAmplitudeOfPlaneWave() {
        let n = 48, t = 1.0, a: Float = 2.5
        let k = SIMD3<Double>(5, 3, 2)   // |k| = 6.16 voxels → s = 0.128 1/Å
        var v = Volume(nx: n, ny: n, nz: n, voxelSize: SIMD3(t, t, t))
        for z in 0..<n { for y in 0..<n { for x in 0..<n {
            let ph = 2 * Double.pi * (k.x * Double(x) + k.y * Double(y) + k.z * Double(z)) / Double(n)
            v[x, y, z] = a * Float(cos(ph + 0.3))
        } } }
        let s = (k * k).sum().squareRoot() / Double(n)
        let band = RaisedCosineBand(centerInvA: s + 0.01, halfWidthInvA: 0.04)
        let expected = a * band.gain(Float(s))
        let f = FFT.forward(v)
        for coarse in [false, true] {
            let amp = MonogenicSignal.localAmplitude(f, band: band, allowCoarseGrid: coarse)
            let err = amp.map { abs($0 - expected) }.max()!
            #expect(err < 1e-3 * a, "coarse \(coarse): local amplitude expected \(expected), max error \(err)")
        }
    }

    /// Fourier resampling of a smooth Gaussian matches the Gaussian sampled on the new grid.
    @Test func resampleGaussian() {
        let n = 40, t = 1.0, sigma = 3.0, c = 20.0
        var v = Volume(nx: n, ny: n, nz: n, voxelSize: SIMD3(t, t, t))
        for z in 0..<n { for y in 0..<n { for x in 0..<n {
            let r2 = pow(Double(x) - c, 2) + pow(Double(y) - c, 2) + pow(Double(z) - c, 2)
            v[x, y, z] = Float(exp(-r2 / (2 * sigma * sigma)))
        } } }
        let w = FourierResample.resample(v, voxelSizeA: 1.6)
        #expect(w.nx == 25 && abs(w.voxelSize.x - 1.6) < 1e-9, "box \(w.dims), voxel \(w.voxelSize)")
        var maxErr: Float = 0
        for z in 0..<w.nz { for y in 0..<w.ny { for x in 0..<w.nx {
            let p = SIMD3(Double(x), Double(y), Double(z)) * w.voxelSize.x - SIMD3(c, c, c)
            let e = Float(exp(-(p * p).sum() / (2 * sigma * sigma)))
            maxErr = max(maxErr, abs(w[x, y, z] - e))
        } } }
        #expect(maxErr < 2e-3, "resampled Gaussian: max error \(maxErr) (expected < 2e-3, peak 1)")
    }

    /// Cropping plane by plane (FourierCrop) keeps the waves below the smaller grid's Nyquist exactly and drops
    /// those above it: a sum of waves sampled on n³ comes out as the same kept waves sampled on the m grid.
    @Test func croppingKeepsLowWavesAndDropsHighOnes() {
        for (n, m) in [(SIMD3(32, 30, 28), SIMD3(16, 15, 14)), (SIMD3(25, 24, 27), SIMD3(12, 13, 11))] {
            func wave(_ x: Double, _ y: Double, _ z: Double, _ box: SIMD3<Int>, high: Bool) -> Double {
                let (u, v, w) = (x / Double(box.x), y / Double(box.y), z / Double(box.z))
                var f = 0.7 + cos(2 * .pi * (2 * u + v)) + 0.5 * sin(2 * .pi * (3 * w - u)) + 0.25 * cos(2 * .pi * (4 * v + 2 * w))
                // Above the cropped grid's Nyquist along x: Fourier cropping must remove it.
                if high { f += 0.3 * cos(2 * .pi * Double(m.x / 2 + 1) * u) }
                return f
            }
            var v = Volume(nx: n.x, ny: n.y, nz: n.z, voxelSize: SIMD3(1, 1, 1))
            for z in 0..<n.z { for y in 0..<n.y { for x in 0..<n.x {
                v[x, y, z] = Float(wave(Double(x), Double(y), Double(z), n, high: true))
            } } }
            let c = FourierResample.resample(v, to: m)
            #expect(c.dims == m)
            var maxErr = 0.0
            for z in 0..<m.z { for y in 0..<m.y { for x in 0..<m.x {
                maxErr = max(maxErr, abs(Double(c[x, y, z]) - wave(Double(x), Double(y), Double(z), m, high: false)))
            } } }
            #expect(maxErr < 1e-5, "\(n) → \(m): max error \(maxErr) against the kept waves")
            // The full-spectrum path (a 3D transform, then the crop) gives the same values to float rounding.
            let full = FourierResample.resampledValues(FFT.forward(v), to: m)
            let diff = zip(c.data, full).map { abs($0 - $1) }.max()!
            #expect(diff < 1e-5, "\(n) → \(m): plane-by-plane and full-spectrum crops differ by \(diff)")
        }
    }

    @Test func goodSizes() {
        #expect(FFT.goodSize(atLeast: 11) == 12 && FFT.goodSize(atLeast: 97) == 98 && FFT.goodSize(atLeast: 64) == 64)
    }
}
