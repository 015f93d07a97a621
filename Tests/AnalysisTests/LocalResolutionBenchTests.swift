// Timing of the Fourier sections 0.d–0.h on a 256³ phantom (release build). Runs only with
// EMVALIDATE_BENCH=1: `EMVALIDATE_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter LocalResolutionBench`.
import Foundation
import Testing
import MapIO
import VolumeNumerics
@testable import Analysis

@Suite struct LocalResolutionBenchTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["EMVALIDATE_BENCH"] == "1"))
    func fourierSectionsOn256() throws {
        let n = 256
        var t0 = Date()
        var map = randomAtomMap(n: n, voxelA: 1, atoms: 300_000, crystallographicB: 60, seed: 61,
                                weight: { p in (p - SIMD3(128, 128, 128)).squaredLength() < 95 * 95 ? 1 : 0 })
        var rng = PhantomRNG(seed: 62)
        map.data = map.data.map { $0 + Float(0.05 * rng.gaussian()) }
        let ctx = AnalysisContext(map: map, mapPath: "bench", threshold: 0.3, resolution: 3.0)
        print(String(format: "bench: phantom %.1f s", Date().timeIntervalSince(t0)))
        t0 = Date(); _ = FFT.forward(map); print(String(format: "bench: one 256³ r2c FFT (plan included) %.2f s", Date().timeIntervalSince(t0)))
        t0 = Date(); _ = FFT.forward(map); print(String(format: "bench: one 256³ r2c FFT %.2f s (load: %@)", Date().timeIntervalSince(t0),
            (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?"))
        t0 = Date(); _ = try ctx.masks(); print(String(format: "bench: masks %.1f s", Date().timeIntervalSince(t0)))
        var total = 0.0
        let sections: [any Section] = SectionRegistryFourier.sections
        for s in sections {
            t0 = Date()
            let r = s.runIsolated(ctx)
            let dt = Date().timeIntervalSince(t0)
            total += dt
            print(String(format: "bench: %@ %@ %.2f s (%@)", s.id, s.title, dt, r.status.rawValue), r.reason ?? "", r.warnings)
        }
        print(String(format: "bench: 0.d–0.h total %.1f s", total))
    }
}

extension LocalResolutionBenchTests {
    /// 1.c on a pair of 256³ halves (EMVALIDATE_BENCH=1): the local FSC and MonoRes parts timed separately. No
    /// assertion on time; prints wall and process CPU time and the load average.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["EMVALIDATE_BENCH"] == "1"))
    func localResolutionFromHalvesOn256() throws {
        let n = Int(ProcessInfo.processInfo.environment["EMVALIDATE_BENCH_N"] ?? "256") ?? 256
        let phantom = level1Phantom(n: n, voxelA: 1.0, seed: 401)
        let (h1, h2) = level1Halves(phantom, crossingInvA: 1 / 3.5, seed: 402)
        let context = level1Context(phantom, halves: (h1, h2), resolution: 3.5)
        func cpu() -> Double {
            var u = rusage(); getrusage(RUSAGE_SELF.rawValue, &u)
            return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
        }
        let hard = try context.masks().hard.voxels
        let load = { (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?" }
        var t0 = Date(), c0 = cpu()
        let w = LocalResolutionFromHalves.window(resolutionA: 3.5, voxelA: 1, box: n)
        let local = LocalFSC.compute(h1, h2, mask: hard, settings: LocalFSCSettings(window: w, step: w / 4, threshold: 0.5))
        print(String(format: "bench 1.c local FSC %d³: %d windows of %d³, wall %.2f s, CPU %.2f s (load %@)", n, local.windowCount, w,
                     Date().timeIntervalSince(t0), cpu() - c0, load()))
        t0 = Date(); c0 = cpu()
        let r = LocalResolutionFromHalves().runIsolated(context)
        print(String(format: "bench 1.c whole section %d³: wall %.2f s, CPU %.2f s (%@) (load %@)", n, Date().timeIntervalSince(t0),
                     cpu() - c0, r.status.rawValue, load()), r.metrics["monores_n_resolutions_scanned"] ?? .null, r.metrics["monores_stop_reason"] ?? .null)
    }
}

enum SectionRegistryFourier {
    static var sections: [any Section] { [GuinierBFactor(), LocalResolution(), LocalBFactor(), LocalOccupancy(), Hand()] }
}
