// `--threads` changes how fast, never what: every Fourier sum split across threads is split the same way
// whatever the thread count (Parallel.reductionChunks), and FFTW's threaded transforms give the serial ones'
// values. Truth: one thread's results, bit for bit. A 64³ box is above FFTPlanCache.singleThreadedVoxels, so
// its plans really are threaded; 7 workers split 64 planes unevenly, as the old per-worker chunks did.
import Foundation
import MapIO
import Testing
@testable import VolumeNumerics

@Suite(.serialized) struct ThreadIndependenceTests {
    struct Results: Equatable {
        var spectrum: [SIMD2<Float>]
        var fsc: [Double], dpr: [Double], meanPower: [Double]
        var conical: [Double], permutationP: [Double], amplitude: [Float]
    }

    static func compute(_ v1: Volume, _ v2: Volume) -> Results {
        let f1 = FFT.forward(v1), f2 = FFT.forward(v2)
        let directions = ConicalFSC.hemisphereDirections(count: 30)
        let conical = ConicalFSC.compute(f1, f2, directions: directions)
        let band = RaisedCosineBand(centerInvA: 0.1, halfWidthInvA: 0.05)
        return Results(spectrum: f1.data, fsc: FSC.curve(f1, f2).fsc, dpr: FSC.differentialPhaseResidual(f1, f2),
                       meanPower: FourierShells.profile(f1).meanPower,
                       conical: (0..<directions.count).flatMap { conical.curve($0).fsc },
                       permutationP: FSCPermutationTest.run(f1, f2).pValue,
                       amplitude: MonogenicSignal.localAmplitude(f1, band: band))
    }

    @Test func fourierResultsAreTheSameOnAnyNumberOfThreads() {
        let v1 = randomVolume(64, 64, 64, voxelSize: SIMD3(repeating: 1.5), seed: 3)
        var v2 = randomVolume(64, 64, 64, voxelSize: SIMD3(repeating: 1.5), seed: 4)
        for i in v2.data.indices { v2.data[i] += v1.data[i] }   // correlated halves: a real FSC curve
        let one = Parallel.withWorkers(1) { Self.compute(v1, v2) }
        #expect(one.fsc.count > 20 && one.fsc[1] > 0.5, "FSC \(one.fsc.prefix(3))")
        for k in [2, 3, 7] {
            let r = Parallel.withWorkers(k) { Self.compute(v1, v2) }
            #expect(r.spectrum == one.spectrum, "FFT, \(k) threads")
            #expect(r.fsc == one.fsc, "FSC, \(k) threads")
            #expect(r.dpr == one.dpr, "phase residual, \(k) threads")
            #expect(r.meanPower == one.meanPower, "shell power, \(k) threads")
            #expect(r.conical == one.conical, "conical FSC, \(k) threads")
            #expect(r.permutationP == one.permutationP, "permutation test, \(k) threads")
            #expect(r.amplitude == one.amplitude, "local amplitude, \(k) threads")
        }
    }

    /// FFTW's threaded plans split the transform's loops between threads without changing any sum, so the
    /// spectrum is the serial one's, on cubic, mixed-radix and odd boxes above the single-threaded size.
    @Test(arguments: [SIMD3(100, 120, 128), SIMD3(160, 160, 160), SIMD3(81, 75, 99)])
    func transformsAreTheSameOnAnyNumberOfThreads(_ box: SIMD3<Int>) {
        let v = randomVolume(box.x, box.y, box.z, voxelSize: SIMD3(repeating: 1.1), seed: 9)
        func spectrum(_ k: Int) -> [SIMD2<Float>] { Parallel.withWorkers(k) { FFT.forward(v).data } }
        let one = spectrum(1)
        for k in [2, 5] { #expect(spectrum(k) == one, "\(box), \(k) threads") }
    }
}
