// Our CTF against RELION's own (relion_project --ctf, Debian package `relion`): the projection of a phantom times
// our CTF must match RELION's CTF-modulated projection for the same STAR parameters — defocus beyond the first
// zeros, astigmatism with its angle, amplitude contrast and a phase shift — and the opposite sign or the other
// astigmatism angle must not. Every Level 4 section compares images with CTF-modulated projections, so a sign
// or angle convention that differed from RELION's would corrupt them all on real data.
import Foundation
import MapIO
import TestSupport
import XCTest
@testable import ImageData

final class CTFRelionTests: XCTestCase {
    func testOurCTFIsRelions() throws {
        try XCTSkipUnless(toolExists("relion_project"), "relion_project not installed (make test-deps installs it)")
        // Blobs of σ 2–4 Å: enough power beyond the CTF's first zeros (8–17 Å here) for the rings to count.
        let n = 64, px = 1.5
        let vol = GaussianPhantom.asymmetric(box: n, pixelSizeA: px, seed: 5).volume(box: n, pixelSizeA: px)
        let dir = try imageDataTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let map = dir.appendingPathComponent("phantom.mrc").path
        try MRCWriter.write(vol, to: map, labels: ["Gaussian phantom"])
        // U, V (Å), astigmatism angle (°), phase shift (°): from plain underfocus to astigmatic with a phase plate.
        let cases: [(Double, Double, Double, Double)] = [(8000, 8000, 0, 0), (15000, 11000, 30, 0), (12000, 9000, -60, 45)]
        // 300 kV, Cs 2.7 mm, amplitude contrast 0.1 (relion31Star's optics, CTFParameters' defaults).
        let star = relion31Star(pixelSizeA: px, box: n,
                                extraColumns: ["rlnPhaseShift", "rlnAngleRot", "rlnAngleTilt", "rlnAnglePsi"],
                                rows: cases.enumerated().map { k, c in "\(k + 1)@none.mrcs mic.mrc 1 \(c.0) \(c.1) \(c.2) \(c.3) 30 50 70" })
        let starPath = dir.appendingPathComponent("ctf.star").path
        try star.write(toFile: starPath, atomically: true, encoding: .utf8)
        let root = dir.appendingPathComponent("proj").path
        let r = try runTool("relion_project", ["--i", map, "--o", root, "--ang", starPath, "--ctf", "--angpix", "\(px)"])
        XCTAssertEqual(r.status, 0, r.output)
        let stack = try ImageStack(path: root + ".mrcs")
        let projection = FourierProjector(volume: vol).project(rot: 30, tilt: 50, psi: 70)
        for (k, c) in cases.enumerated() {
            let relion = try stack.image(k + 1, pixelSizeA: px)
            func ours(_ u: Double, _ v: Double, _ angle: Double) -> Image2D {
                CTF(CTFParameters(defocusUA: u, defocusVA: v, defocusAngleDeg: angle, phaseShiftDeg: c.3)).apply(to: projection)
            }
            let same = pearson(ours(c.0, c.1, c.2).data, relion.data)
            XCTAssertGreaterThan(same, 0.99, "case \(c)")
            XCTAssertLessThan(pearson(ours(c.0, c.1, c.2).data.map { -$0 }, relion.data), -0.99, "case \(c): sign")
            if c.0 != c.1 {
                // The astigmatism's azimuth mirrored: clearly worse, so the test tells the angle conventions apart.
                XCTAssertLessThan(pearson(ours(c.0, c.1, -c.2).data, relion.data), same - 0.02, "case \(c): angle")
            }
        }
    }
}
