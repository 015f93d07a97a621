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

enum SectionRegistryFourier {
    static var sections: [any Section] { [GuinierBFactor(), LocalResolution(), LocalBFactor(), LocalOccupancy(), Hand()] }
}
