// 4.d with --relion: relion_refine (Debian package relion, installed by `make test-deps`) re-refines particles
// simulated from a phantom at known angles, origins and CTFs. Its assignment must agree with the truth, and
// 40 % of the STAR angles replaced by random ones must be flagged (about 40 %) by the RELION comparison as by
// our local search. Also: the STAR file and normalised stack we give RELION, read back by our own reader.
import Foundation
import ImageData
import MapIO
import RelionBridge
import TestSupport
import VolumeNumerics
import XCTest
@testable import Analysis
@testable import ParticleAnalysis

final class RelionRealignmentTests: XCTestCase {
    func context(_ phantom: GaussianPhantom, box: Int, pixelSizeA: Double, particles: ParticleInput) -> AnalysisContext {
        let c = AnalysisContext(map: phantom.volume(box: box, pixelSizeA: pixelSizeA), mapPath: "phantom.mrc",
                                threshold: 0.3, resolution: 8)
        c.particles = particles
        return c
    }

    /// The files written for RELION read back: one optics group, CTF columns, k@particles.mrcs, normalised
    /// background (mean 0, SD 1 outside the particle).
    func testInputFilesReadBackWithOurReader() throws {
        let dir = try TestScratch.directory("emv-relion-inputs")
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = SplitMix64(seed: 3)
        let images = (0..<3).map { _ in
            Image2D(nx: 24, ny: 24, data: (0..<576).map { _ in Float(5 + 2 * rng.gaussian()) }, pixelSizeA: 3)
        }.map { RelionInputFiles.normalised($0, radiusPixels: 6) }
        let ctfs = [12000.0, 15000, 18000].map { CTFParameters(defocusUA: $0, defocusVA: $0 - 500, defocusAngleDeg: 30) }
        let vol = Volume(nx: 24, ny: 24, nz: 24, voxelSize: SIMD3(3, 3, 3), value: 1)
        try RelionInputFiles.write(images: images, ctfs: ctfs, micrographs: ["a b", "", "c"], reference: vol, to: dir)
        let table = try ParticleTable(path: dir.appendingPathComponent(RelionInputFiles.starName).path)
        XCTAssertEqual(table.particles.count, 3)
        XCTAssertEqual(table.particles.map(\.imageIndex), [1, 2, 3])
        XCTAssertEqual(table.particles.map(\.micrographName), ["a_b", "micrograph", "c"])
        XCTAssertEqual(table.particles[1].ctf?.defocusUA, 15000)
        XCTAssertEqual(table.particles[1].ctf?.defocusVA, 14500)
        XCTAssertEqual(table.particles[2].pixelSizeA, 3)
        let stacks = try table.openStacks()
        let back = try XCTUnwrap(stacks.values.first).image(2, pixelSizeA: 3)
        var s = 0.0, s2 = 0.0, c = 0.0
        for y in 0..<24 { for x in 0..<24 where pow(Double(x - 12), 2) + pow(Double(y - 12), 2) > 36 {
            let v = Double(back[x, y]); s += v; s2 += v * v; c += 1
        } }
        XCTAssertEqual(s / c, 0, accuracy: 1e-5)
        XCTAssertEqual((s2 / c - pow(s / c, 2)).squareRoot(), 1, accuracy: 1e-4)
    }

    /// RELION from the phantom (one run, its own global search): its angles and origins agree with the true ones
    /// (the STAR file's) and its map with ours; with 40 % of the STAR angles replaced by random ones, about 40 %
    /// of the particles differ by more than 5° from RELION's and the comparison warns. RELION's assignment does
    /// not depend on the STAR angles (they are not given to it), so both comparisons use the same run.
    func testRelionAgreesWithTrueAnglesAndFlagsRandomOnes() throws {
        guard let relion = ProgramSearch.path(of: "relion_refine_mpi"), let mpirun = ProgramSearch.path(of: "mpirun") else {
            throw XCTSkip("relion_refine_mpi or mpirun is not on the PATH (Debian package relion, `make test-deps`)")
        }
        let box = 48, px = 2.0
        let phantom = GaussianPhantom.asymmetric(box: box, pixelSizeA: px, seed: 41)
        // One micrograph: RELION estimates its noise spectrum per micrograph group, and groups of a few particles
        // would make those estimates (and its refinement) fail on so small a set.
        var simulation = SimulatedParticles(count: 150, box: box, pixelSizeA: px, noiseSD: 0.5)
        simulation.micrographs = 1
        // Defoci of 0.5–0.9 µm: in so small a box (96 Å) larger ones would alias the CTF's rings at 10 Å already,
        // which real boxes (200–400 pixels) do not.
        simulation.baseDefocusA = 5000; simulation.defocusStepA = 300
        let star = try simulation.write(phantom)
        let p = try ParticleInput.load(starPath: star, maxParticles: nil)
        var settings = RelionSettings(executable: relion, mpirun: mpirun)
        // Local searches from HEALPix order 3 (3.75°): RELION converges in ~12 iterations, of which only the first
        // three (global, 7.5°) are costly — about 3 min on 2 cores; from order 4 its global searches at 3.75° take
        // three more iterations of a minute each (10 min in all).
        settings.localSearchesFromHealpixOrder = 3
        if let keep = ProcessInfo.processInfo.environment["EMV_KEEP_RELION"] {
            settings.onFolder = { url in { _ = try? FileManager.default.copyItem(atPath: url.path, toPath: keep) } }
        }
        let c = context(phantom, box: box, pixelSizeA: px, particles: p)
        let used = Array(0..<p.totalCount), rows = p.table!.particles
        let o = try RelionRealignment.run(particles: p, table: p.table!, used: used, map: c.map,
                                          softMask: try c.masks().soft.full(),
                                          symmetry: try SymmetryGroup("C1"), settings: settings)
        let (m, warnings, figures) = RealignmentSection.relionSummary(o)
        print("4.d RELION:", m)
        XCTAssertEqual(m["particles_used"], .int(150))
        XCTAssertEqual(o.workingBox, 32, "48 px of 2 Å brought to 3 Å")
        XCTAssertTrue(o.relion.converged, "RELION stopped after \(o.relion.iterations) iterations without converging")
        XCTAssertLessThan(try XCTUnwrap(m["median_angle_difference_deg"]?.doubleValue), 5)
        XCTAssertLessThan(try XCTUnwrap(m["median_shift_difference_A"]?.doubleValue), 3)
        XCTAssertLessThan(try XCTUnwrap(m["fraction_angle_outliers"]?.doubleValue), 0.2)
        XCTAssertGreaterThan(try XCTUnwrap(o.mapCorrelation), 0.8, "RELION's map in the map's frame")
        XCTAssertTrue(warnings.isEmpty, "\(warnings)")
        XCTAssertEqual(figures.map(\.id), ["4d_relion_angle_differences", "4d_relion_shift_differences"])

        var rng = SplitMix64(seed: 77)
        let shuffled = rows.enumerated().map { i, q in
            var q = q
            if i % 5 < 2 { q.angles = EulerAngles(rot: rng.uniform() * 360, tilt: acos(2 * rng.uniform() - 1) * 180 / .pi, psi: rng.uniform() * 360) }
            return q
        }
        let d = RelionRealignment.differences(o.relion, shuffled, symmetry: try SymmetryGroup("C1"))
        let (mw, ww) = RealignmentSection.comparison(angles: d.anglesDeg.sorted(), shifts: d.shiftsA.sorted(), by: "in RELION's refinement")
        let f = try XCTUnwrap(mw["fraction_angle_outliers"]?.doubleValue)
        // A random orientation is more than 5° from RELION's with probability ≈ 1 (5° is 0.2 % of SO(3)); the
        // particles RELION itself misplaced (fraction b, the comparison with the truth) are flagged whether or not
        // their angles were replaced: b + 0.4·(1 − b) are expected.
        let b = try XCTUnwrap(m["fraction_angle_outliers"]?.doubleValue)
        print("4.d RELION with 40 % random angles: flagged \(f), expected \(b + 0.4 * (1 - b))")
        XCTAssertEqual(f, b + 0.4 * (1 - b), accuracy: 0.1)
        XCTAssertTrue(ww.contains { $0.contains("5°") }, "\(ww)")
    }

    /// The section's summary of a RELION run: VRS's rules on RELION's differences, warnings marked "RELION:",
    /// RELION's resolution and command kept.
    func testRelionSummaryAppliesVRSRulesToRelionsDifferences() {
        let result = RelionRefineResult(angles: [], originsA: [], resolutionA: 7.5, iterations: 9, seconds: 12)
        let angles = (0..<10).map { $0 < 3 ? 20.0 : 1.0 }, shifts = (0..<10).map { $0 < 1 ? 8.0 : 0.5 }
        let o = RelionRealignment.Outcome(angleDifferencesDeg: angles, shiftDifferencesA: shifts, relion: result,
                                          workingPixelA: 3, workingBox: 42, mapCorrelation: 0.9,
                                          commandLine: "mpirun relion_refine_mpi")
        let (m, warnings, _) = RealignmentSection.relionSummary(o)
        XCTAssertEqual(m["fraction_angle_outliers"], .number(0.3))
        XCTAssertEqual(m["fraction_shift_outliers"], .number(0.1))
        XCTAssertEqual(m["median_angle_difference_deg"], .number(1))
        XCTAssertEqual(m["resolution_A"], .number(7.5))
        XCTAssertEqual(m["iterations"], .int(9))
        XCTAssertEqual(m["status"], .string("ok"))
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].hasPrefix("RELION: 30 %"), warnings[0])
        XCTAssertNil(m["map_disagrees"])

        // RELION's map far from ours (a refinement that went elsewhere): said beside its differences.
        var off = o
        off.mapCorrelation = 0.27
        let (m2, w2, _) = RealignmentSection.relionSummary(off)
        XCTAssertEqual(m2["map_disagrees"], .bool(true))
        XCTAssertEqual(w2.count, 2)
        XCTAssertTrue(w2[1].hasPrefix("RELION: its map correlates only 0.27"), w2[1])
    }

    /// A RELION that fails leaves the local search's verdict alone and says why in the metrics.
    func testFailingRelionIsReportedWithoutChangingTheVerdict() throws {
        let box = 32, px = 2.0
        let phantom = GaussianPhantom.asymmetric(box: box, pixelSizeA: px, seed: 41)
        let star = try SimulatedParticles(count: 40, noiseSD: 0.3).write(phantom)
        var p = try ParticleInput.load(starPath: star, maxParticles: nil)
        let plain = RealignmentSection().runIsolated(context(phantom, box: box, pixelSizeA: px, particles: p))
        p.relion = RelionSettings(executable: "/bin/false", mpirun: "/bin/false")
        let r = RealignmentSection().runIsolated(context(phantom, box: box, pixelSizeA: px, particles: p))
        guard case .object(let m)? = r.metrics["relion"] else { return XCTFail("no relion metrics") }
        XCTAssertEqual(m["status"], .string("failed"))
        XCTAssertTrue(m["error"]?.stringValue?.contains("stopped with status 1") ?? false, "\(m)")
        XCTAssertEqual(r.status, plain.status)
        XCTAssertEqual(r.warnings, plain.warnings)
        XCTAssertEqual(r.metrics["fraction_angle_outliers"], plain.metrics["fraction_angle_outliers"])
    }
}
