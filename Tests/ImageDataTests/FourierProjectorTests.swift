import TestSupport
import XCTest
import MapIO
@testable import ImageData

final class FourierProjectorTests: XCTestCase {
    static let orientations: [(Double, Double, Double, Double, Double)] = [
        (0, 0, 0, 0, 0), (30, 60, -20, 0, 0), (-120, 135, 75, 2.5, -1.5), (90, 90, 0, 0, 0), (200, 20, 310, -3, 4),
    ]

    /// Fourier-slice projections of an asymmetric phantom equal numpy ray sums (Tests/Oracles/projection_raysum.py)
    /// within 1 % RMS, shifts included.
    func testProjectionsMatchRealSpaceRaySums() throws {
        let n = 48
        let vol = armPhantom(n: n)
        let dir = try imageDataTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let raw = dir.appendingPathComponent("v.raw"), out = dir.appendingPathComponent("p.raw")
        try vol.data.withUnsafeBytes { Data($0) }.write(to: raw)
        let specs = Self.orientations.map { "\($0.0),\($0.1),\($0.2),\($0.3),\($0.4)" }
        let r = try runTool("python3", [imageDataRepositoryRoot.appendingPathComponent("Tests/Oracles/projection_raysum.py").path,
                                        raw.path, "\(n)", out.path] + specs)
        XCTAssertEqual(r.status, 0, r.output)
        let oracle = try Data(contentsOf: out).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let projector = FourierProjector(volume: vol)
        let trilinear = FourierProjector(volume: vol, interpolation: .trilinear)
        for (k, o) in Self.orientations.enumerated() {
            let p = projector.project(rot: o.0, tilt: o.1, psi: o.2, shiftX: o.3, shiftY: o.4)
            let truth = Array(oracle[(k * n * n)..<((k + 1) * n * n)])
            XCTAssertLessThan(relativeRMS(p.data, truth), 0.01, "orientation \(o)")
            // RELION's trilinear sampling is coarser but still within a few per cent.
            let t = trilinear.project(rot: o.0, tilt: o.1, psi: o.2, shiftX: o.3, shiftY: o.4)
            XCTAssertLessThan(relativeRMS(t.data, truth), 0.03, "orientation \(o), trilinear")
        }
    }

    /// RELION's convention, checked against RELION itself (relion_project, Debian package `relion`): our
    /// projections of an asymmetric phantom agree with relion_project's, and the arm (+x in the map) lands
    /// at −y for rot = 90°, as A = R_z(psi)·R_y(tilt)·R_z(rot) says.
    func testArmLandsWhereRelionPutsIt() throws {
        let n = 48
        let vol = armPhantom(n: n)
        let projector = FourierProjector(volume: vol)
        // By hand: rot = 90 maps (x, 0, 0) to (0, −x, 0); the arm tip (12, 0, 0) lands at pixel (24, 12).
        let p = projector.project(rot: 90, tilt: 0, psi: 0)
        let tip = p[24, 12], opposite = p[24, 36], side = p[12, 24]
        XCTAssertGreaterThan(tip, 3 * opposite)
        XCTAssertGreaterThan(tip, 3 * side)
        try XCTSkipUnless(toolExists("relion_project"), "relion_project not installed (make test installs it)")
        let dir = try imageDataTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let map = dir.appendingPathComponent("arm.mrc").path
        try MRCWriter.write(vol, to: map, labels: ["arm phantom"])
        for o in Self.orientations where o.3 == 0 {
            let root = dir.appendingPathComponent("proj.mrc").path
            let r = try runTool("relion_project", ["--i", map, "--o", root, "--angpix", "1",
                                                   "--rot", "\(o.0)", "--tilt", "\(o.1)", "--psi", "\(o.2)"])
            XCTAssertEqual(r.status, 0, r.output)
            let relion = try ImageStack(path: root).image(1, pixelSizeA: 1)
            let ours = projector.project(rot: o.0, tilt: o.1, psi: o.2)
            XCTAssertGreaterThan(pearson(ours.data, relion.data), 0.99, "orientation \(o)")
            // The mirror image (arm at the other side) correlates clearly worse: the test can tell conventions apart.
            let mirrored = projector.project(rot: o.0 + 180, tilt: o.1, psi: o.2)
            if o.1 != 0 { XCTAssertLessThan(pearson(mirrored.data, relion.data), 0.95, "orientation \(o)") }
        }
    }
}
