// 4.i CTF stability on particles simulated with known defoci (TestCTF, isotropic): with the STAR's defoci
// right the change interval contains 0 and nothing warns; with the STAR's defoci 2000 Å too high the refined
// change recovers −2000 Å within the search's final step and the section warns. Also the Particles section's
// statement of where the CTF optics came from, and a flag that disagrees with the STAR.
import Foundation
import ImageData
import MapIO
import TestSupport
import VolumeNumerics
import XCTest
@testable import Analysis
@testable import ParticleAnalysis

final class CTFStabilityTests: XCTestCase {
    let phantom = GaussianPhantom.asymmetric(box: 32, pixelSizeA: 2, seed: 41)

    func context(_ particles: ParticleInput, resolution: Double? = nil) -> AnalysisContext {
        let c = AnalysisContext(map: phantom.volume(box: 32, pixelSizeA: 2), mapPath: "phantom.mrc", threshold: 0.3,
                                resolution: resolution)
        c.particles = particles
        return c
    }

    func percentiles(_ r: SectionResult, _ key: String) throws -> (Double, Double, Double) {
        let m = try XCTUnwrap(r.metrics[key], "no \(key)")
        return (try XCTUnwrap(m["p2_5"]?.doubleValue), try XCTUnwrap(m["p50"]?.doubleValue), try XCTUnwrap(m["p97_5"]?.doubleValue))
    }

    func testRightDefociGiveAChangeIntervalContainingZero() throws {
        let star = try SimulatedParticles(count: 120, noiseSD: 0.3).write(phantom)
        let p = try ParticleInput.load(starPath: star, maxParticles: nil)
        let r = CTFStabilitySection().runIsolated(context(p))
        let change = try percentiles(r, "defocus_change_A"), astig = try percentiles(r, "astigmatism_A")
        let step = try XCTUnwrap(r.metrics["final_step_A"]?.doubleValue)
        print("4.i right defoci: change \(change), astigmatism \(astig), grid \(r.metrics["grid_step_A"]!), final step \(step), warnings \(r.warnings)")
        XCTAssertEqual(r.status, .ok, "\(r.warnings) \(r.reason ?? "")")
        XCTAssertLessThanOrEqual(change.0, 0); XCTAssertGreaterThanOrEqual(change.2, 0)
        XCTAssertEqual(change.1, 0, accuracy: step, "the median change is 0 within the final step")
        XCTAssertLessThan(astig.2, 5000)
        XCTAssertEqual(r.metrics["particles_used"], .int(120))
        guard case .array(let rows) = r.metrics["parameters"] else { return XCTFail("no parameter table") }
        XCTAssertEqual(rows.count, 6, "defocus, astigmatism, their changes and the astigmatism vector's; the STAR has no phase shift, B or scale")
        for key in ["astigmatism_change_cos_A", "astigmatism_change_sin_A"] {
            let c = try percentiles(r, key)
            XCTAssertTrue(c.0 <= 0 && c.2 >= 0, "\(key) \(c)")
        }
    }

    /// A particle the search moved away and back reads a change of 0, not the float residue of U + step − step
    /// (which the table printed as 8.7×10⁻¹⁵ Å); real changes keep their value to 0.01 Å.
    func testUnchangedValuesReadZero() {
        // One step up and two half steps down, as the pattern search moves.
        let u = 15234.7, step = 12.698338324537
        let back = ((u + step) - step / 2) - step / 2
        XCTAssertNotEqual(back - u, 0, "the case needs a residue to test")
        XCTAssertEqual(CTFStabilitySection.change(back, u), 0)
        XCTAssertEqual(CTFStabilitySection.change(u + 2 * step, u), 25.4, accuracy: 1e-9)
        XCTAssertEqual(CTFStabilitySection.change(u - 0.625, u), -0.63, accuracy: 1e-9)
    }

    func testDefociOffBy2000AreRecoveredAndWarn() throws {
        let star = try SimulatedParticles(count: 120, noiseSD: 0.3, starDefocusOffsetA: 2000).write(phantom)
        let p = try ParticleInput.load(starPath: star, maxParticles: nil)
        let r = CTFStabilitySection().runIsolated(context(p))
        let change = try percentiles(r, "defocus_change_A")
        let step = try XCTUnwrap(r.metrics["final_step_A"]?.doubleValue)
        print("4.i defoci +2000 Å: change \(change), warnings \(r.warnings)")
        XCTAssertEqual(change.1, -2000, accuracy: step, "the refined defocus is 2000 Å below the STAR's")
        XCTAssertLessThan(change.2, 0, "the interval does not contain 0")
        XCTAssertEqual(r.status, .warnings)
        XCTAssertTrue(r.warnings.contains { $0.contains("defocus change") && $0.contains("does not contain 0") }, "\(r.warnings)")
    }

    /// The images carry 1500 Å of astigmatism with U at 30°; the STAR says none. The refined astigmatism
    /// finds it, its vector change is 1500·(cos 60°, sin 60°) = (750, 1299) Å, and the rule warns.
    func testAstigmatismMissingFromTheStarIsFound() throws {
        let star = try SimulatedParticles(count: 120, noiseSD: 0.3, trueAstigmatismA: 1500, trueAstigmatismAngleDeg: 30).write(phantom)
        let r = CTFStabilitySection().runIsolated(context(try ParticleInput.load(starPath: star, maxParticles: nil)))
        let astig = try percentiles(r, "astigmatism_A"), c = try percentiles(r, "astigmatism_change_cos_A")
        let sn = try percentiles(r, "astigmatism_change_sin_A"), change = try percentiles(r, "defocus_change_A")
        print("4.i astigmatism 1500 Å at 30°: |U − V| \(astig), cos \(c), sin \(sn), defocus change \(change), warnings \(r.warnings)")
        XCTAssertEqual(astig.1, 1500, accuracy: 150)
        XCTAssertEqual(c.1, 750, accuracy: 150)
        XCTAssertEqual(sn.1, 1299, accuracy: 150)
        XCTAssertEqual(change.1, 0, accuracy: 50, "the mean defocus is right")
        XCTAssertEqual(r.status, .warnings)
        XCTAssertTrue(r.warnings.contains { $0.contains("astigmatism vector change, sin 2α") && $0.contains("does not contain 0") }, "\(r.warnings)")
    }

    /// Phase shift, B-factor and scale from the STAR are shown with their rules: B = 0 meets ±5 Å² containing 0;
    /// a scale of 1.3 on every particle is outside 1 ± 0.1 and its interval does not contain 1 (two warnings).
    func testStarPhaseShiftBFactorAndScaleAreShownWithTheirRules() throws {
        let star = try SimulatedParticles(count: 20, noiseSD: 0.3, extraColumns: [("rlnPhaseShift", "0"), ("rlnCtfBfactor", "0"),
                                                                                   ("rlnCtfScalefactor", "1.3")]).write(phantom)
        let r = CTFStabilitySection().runIsolated(context(try ParticleInput.load(starPath: star, maxParticles: nil)))
        guard case .array(let rows) = r.metrics["parameters"] else { return XCTFail("no parameter table") }
        let byKey = Dictionary(uniqueKeysWithValues: rows.map { ($0["parameter"]!.stringValue!, $0) })
        XCTAssertEqual(byKey["Phase shift"]?["rule"], .string("none"))
        XCTAssertEqual(byKey["CTF B-factor"]?["pass"], .bool(true))
        XCTAssertEqual(byKey["CTF scale"]?["pass"], .bool(false))
        XCTAssertEqual(try percentiles(r, "scale").1, 1.3, accuracy: 1e-6)
        XCTAssertEqual(r.warnings.filter { $0.contains("CTF scale") }.count, 2, "\(r.warnings)")
        XCTAssertTrue(r.warnings.contains { $0.contains("CTF scale") && $0.contains("does not contain 1") }, "\(r.warnings)")
    }

    func testWithoutDefocusOrAnglesTheSectionDoesNotApply() throws {
        let noAngles = try SimulatedParticles(count: 10, withAngles: false).write(phantom)
        let r = CTFStabilitySection().runIsolated(context(try ParticleInput.load(starPath: noAngles, maxParticles: nil)))
        XCTAssertEqual(r.status, .notApplicable)
        XCTAssertTrue(r.reason?.contains("has no angles") == true, r.reason ?? "")
        let star = try SimulatedParticles(count: 10).write(phantom)
        var p = try ParticleInput.load(starPath: star, maxParticles: nil)
        p.table!.particles = p.table!.particles.map { q in var q = q; q.ctf = nil; return q }
        let s = CTFStabilitySection().runIsolated(context(p))
        XCTAssertEqual(s.status, .notApplicable)
        XCTAssertTrue(s.reason?.contains("no defocus (rlnDefocusU)") == true, s.reason ?? "")
    }

    /// The STAR without optics columns: the flags supply them, the Particles section says so; a flag that
    /// disagrees with a STAR value warns and the STAR's value is used.
    func testParticlesSectionStatesTheCTFOpticsAndWarnsOnAConflictingFlag() throws {
        let bare = try SimulatedParticles(count: 10, opticsCTFColumns: false).write(phantom)
        XCTAssertThrowsError(try ParticleInput.load(starPath: bare, maxParticles: nil)) { e in
            XCTAssertTrue("\(e)".contains("no column rlnVoltage; expected it for the particle's CTF, or --voltage kV"), "\(e)")
        }
        let p = try ParticleInput.load(starPath: bare, maxParticles: nil,
                                       ctfFlags: CTFFlags(voltageKV: 300, sphericalAberrationMM: 2.7, amplitudeContrast: 0.1))
        let r = ParticlesSection().runIsolated(context(p))
        XCTAssertEqual(r.status, .ok, "\(r.warnings)")
        guard case .array(let optics) = r.metrics["ctf_optics"] else { return XCTFail("no CTF optics") }
        XCTAssertEqual(optics.map { $0["source"]?.stringValue ?? "" },
                       ["flag --voltage (the STAR file has no rlnVoltage)", "flag --cs (the STAR file has no rlnSphericalAberration)",
                        "flag --amplitude-contrast (the STAR file has no rlnAmplitudeContrast)"])
        XCTAssertEqual(optics[0]["value"]?.stringValue, "300 kV")

        let full = try SimulatedParticles(count: 10).write(phantom)
        let q = try ParticleInput.load(starPath: full, maxParticles: nil, ctfFlags: CTFFlags(voltageKV: 200))
        XCTAssertEqual(q.table!.particles[0].ctf!.voltageKV, 300, "the STAR's value is used")
        let w = ParticlesSection().runIsolated(context(q))
        XCTAssertEqual(w.status, .warnings)
        XCTAssertEqual(w.warnings, ["--voltage 200 differs from the STAR file's rlnVoltage (300): the STAR's value is used"])
    }
}

/// The per-particle loop honours `--threads` (Parallel.workers) and fills every slot in order.
final class ChunkedResultsTests: XCTestCase {
    func testOneWorkerRunsOnTheCallingThreadAndSlotsKeepTheirOrder() throws {
        XCTAssertTrue(Thread.isMainThread, "XCTest runs tests on the main thread")
        let onCaller = ChunkedResults<Bool>(count: 50)
        try Parallel.withWorkers(1) { try onCaller.fill { _ in Thread.isMainThread } }
        XCTAssertEqual(try onCaller.values(), [Bool](repeating: true, count: 50), "--threads 1 runs on one thread")
        let squares = ChunkedResults<Int>(count: 101)
        try Parallel.withWorkers(2) { try squares.fill { $0 * $0 } }
        XCTAssertEqual(try squares.values(), (0..<101).map { $0 * $0 })
        struct Failure: Error {}
        XCTAssertThrowsError(try ChunkedResults<Int>(count: 10).fill { k in if k == 7 { throw Failure() }; return k })
    }
}
