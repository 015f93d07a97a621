// Level 2 end to end: `emvalidate report MAP --classes CLASSES.mrcs` on a phantom map whose classes are its own
// noisy projections (2.a OK), or where a third of them come from a hollow cage (2.a warns, and those classes head
// the table), and the bad inputs of --classes (one-line errors, exit 65, no output folder).
import Analysis
import Foundation
import ImageData
import MapIO
import Testing
import VolumeNumerics
import TestSupport
@testable import Report

/// A compact asymmetric phantom (Gaussian lobes) or a hollow cage (12 lobes on a sphere), n³ voxels of `voxelA`.
func level2Phantom(n: Int, voxelA: Double, cage: Bool) -> Volume {
    var lobes: [(SIMD3<Double>, Double, Double)]
    let s = Double(n) / 48
    if cage {
        let t = (1 + 5.0.squareRoot()) / 2, r = 14 * s / (1 + t * t).squareRoot()
        lobes = []
        for a in [-1.0, 1] { for b in [-t, t] {
            lobes += [(SIMD3(0, a, b) * r, 2.5 * s, 1), (SIMD3(a, b, 0) * r, 2.5 * s, 1), (SIMD3(b, 0, a) * r, 2.5 * s, 1)]
        } }
    } else {
        lobes = [(SIMD3(0, 0, 0), 5 * s, 0.6), (SIMD3(11, 2, -3) * s, 2.2 * s, 0.9), (SIMD3(-6, 9, 4) * s, 2.5 * s, 0.8),
                 (SIMD3(3, -10, 6) * s, 2 * s, 0.9), (SIMD3(-9, -5, -7) * s, 2.4 * s, 0.7), (SIMD3(5, 6, 10) * s, 1.8 * s, 1),
                 (SIMD3(-2, 1, -12) * s, 2 * s, 0.8), (SIMD3(8, -7, -6) * s, 1.6 * s, 1), (SIMD3(-12, 3, 2) * s, 1.8 * s, 0.9)]
    }
    var v = Volume(nx: n, ny: n, nz: n, voxelSize: SIMD3(repeating: voxelA))
    for z in 0..<n { for y in 0..<n { for x in 0..<n {
        let p = SIMD3(Double(x - n / 2), Double(y - n / 2), Double(z - n / 2))
        v[x, y, z] = Float(lobes.reduce(0.0) { acc, l in
            let d = p - l.0
            return acc + l.2 * exp(-(d * d).sum() / (2 * l.1 * l.1))
        })
    } } }
    return v
}

/// Noisy projections of `map` at pseudo-random orientations, in-plane turns and shifts, as an MRC stack.
func writeClasses(from maps: [Volume], count: Int, to path: String, pixelA: Double, seed: UInt64) throws {
    var gen = SplitMix64(seed: seed)
    let projectors = maps.map { FourierProjector(volume: $0) }
    var data: [Float] = []
    for k in 0..<count {
        let p = projectors[k % projectors.count]
        let img = p.project(rot: 360 * gen.uniform(), tilt: acos(2 * gen.uniform() - 1) * 180 / .pi, psi: 360 * gen.uniform(),
                            shiftX: 4 * gen.uniform() - 2, shiftY: 4 * gen.uniform() - 2)
        let sd = img.meanAndStd.std
        data += img.data.map { $0 + Float(0.3 * sd * gen.gaussian()) }
    }
    let n = maps[0].nx
    try MRCWriter.write(Volume(nx: n, ny: n, nz: count, data: data, voxelSize: SIMD3(repeating: pixelA)), to: path, labels: ["classes"])
}

@Suite(.serialized) struct Level2EndToEndTests {
    let n = 48, voxelA = 2.5

    func setUp(_ dir: URL) throws -> String {
        let map = dir.appendingPathComponent("map.mrc").path
        try MRCWriter.write(level2Phantom(n: n, voxelA: voxelA, cage: false), to: map, labels: ["level 2 phantom"])
        return map
    }

    @Test(.enabled(if: haveLaTeX)) func classesOfTheMapScoreOK() throws {
        let dir = try temporaryDirectory()
        let map = try setUp(dir)
        let classes = dir.appendingPathComponent("classes.mrcs").path
        try writeClasses(from: [level2Phantom(n: n, voxelA: voxelA, cage: false)], count: 9, to: classes, pixelA: voxelA, seed: 4)
        let out = dir.appendingPathComponent("report")
        let r = try emvalidate(["report", map, "--threshold", "0.3", "--classes", classes, "-o", out.path])
        #expect(r.status == 0, "\(r.output)")
        let m = try loadMetrics(out)
        try expectValidAgainstSchema([out.appendingPathComponent("metrics.json")])
        let sections = m["sections"] as! [String: [String: Any]]
        let a = sections["2.a"]!
        #expect(a["status"] as? String == "ok", "\(a)")
        let metrics = a["metrics"] as! [String: Any]
        #expect(metrics["classes"] as? Int == 9)
        #expect((metrics["cc_min"] as! Double) > 0.9)
        let perClass = metrics["per_class"] as! [[String: Any]]
        #expect(perClass.map { $0["index"] as! Int } == Array(1...9))
        // Shifts are stored to 0.01 Å (the sub-pixel fit's precision) and angles to 0.1° (the search's last
        // step is 0.5°), so no float residue reaches the table.
        for c in perClass {
            for (key, scale) in [("shift_x_A", 100.0), ("shift_y_A", 100), ("rot_deg", 10), ("tilt_deg", 10), ("psi_deg", 10)] {
                let v = try #require(c[key] as? Double)
                #expect(abs(v * scale - (v * scale).rounded()) < 1e-9, "\(key) \(v)")
            }
        }
        // The CC–FRC figure says how many classes it draws: those whose FRC falls below 0.5 before Nyquist.
        let withFRC = perClass.filter { $0["frc_resolution_A"] is Double }.count
        let frcFigure = (a["figures"] as! [[String: Any]]).first { $0["id"] as? String == "2a_cc_frc" }
        if withFRC == 0 { #expect(frcFigure == nil) } else {
            let caption = try #require(frcFigure?["caption"] as? String)
            #expect(withFRC == 9 ? !caption.contains("of the 9 classes") : caption.contains("; \(withFRC) of the 9 classes:"), "\(withFRC): \(caption)")
        }
        let c = sections["2.classes"]!["metrics"] as! [String: Any]
        #expect(c["pixel_size_source"] as? String == "header")
        #expect(c["classes"] as? Int == 9)
        let text = plainDigits(try pdfText(out.appendingPathComponent("report.pdf")))
        try expectNothingWiderThanThePage(out)
        #expect(text.contains("Level 2: analysis of the 2D classes"))
        #expect(text.contains("validation levels evaluated: 0, 2") || text.contains("levels evaluated: 0, 2"), "front page levels")
        #expect(text.contains(printed(metrics["cc_mean"] as! Double)))
        #expect(!text.contains("do not seem to correlate"))
    }

    @Test func aThirdFromAnotherObjectWarnsAndHeadsTheTable() throws {
        let dir = try temporaryDirectory()
        let map = try setUp(dir)
        let classes = dir.appendingPathComponent("mixed.mrcs").path
        // Classes 3, 6, 9, 12 (every third) are views of a hollow cage.
        try writeClasses(from: [level2Phantom(n: n, voxelA: voxelA, cage: false), level2Phantom(n: n, voxelA: voxelA, cage: false),
                                level2Phantom(n: n, voxelA: voxelA, cage: true)],
                         count: 12, to: classes, pixelA: voxelA, seed: 9)
        let out = dir.appendingPathComponent("report")
        let r = try emvalidate(["report", map, "--threshold", "0.3", "--classes", classes, "--no-pdf", "-o", out.path])
        #expect(r.status == 0, "\(r.output)")
        let m = try loadMetrics(out)
        let a = (m["sections"] as! [String: [String: Any]])["2.a"]!
        #expect(a["status"] as? String == "warnings")
        let warnings = a["warnings"] as! [String]
        #expect(warnings.count == 1 && warnings[0].hasPrefix("4 of 12 classes"), "\(warnings)")
        let worst = ((a["metrics"] as! [String: Any])["worst_first"] as! [[String: Any]]).map { $0["class"] as! Int }
        #expect(Set(worst.prefix(4)) == [3, 6, 9, 12], "worst first: \(worst)")
    }

    @Test func badClassInputsAreOneLineErrors() throws {
        let dir = try temporaryDirectory()
        let map = try setUp(dir)
        func run(_ classes: String, _ extra: [String] = []) throws -> (Int32, String, Bool) {
            let out = dir.appendingPathComponent("out-\(UUID().uuidString.prefix(6))")
            let r = try emvalidate(["report", map, "--threshold", "0.3", "--classes", classes, "--no-pdf", "-q", "-o", out.path] + extra)
            return (r.status, r.output.trimmingCharacters(in: .whitespacesAndNewlines), FileManager.default.fileExists(atPath: out.path))
        }
        let one = dir.appendingPathComponent("one.mrcs").path
        try MRCWriter.write(Volume(nx: 16, ny: 16, nz: 1, data: [Float](repeating: 1, count: 256), voxelSize: SIMD3(repeating: 2)),
                            to: one, labels: [])
        var (status, output, exists) = try run(one)
        #expect(status == 65 && !exists)
        #expect(output == "emvalidate: error: \(one): header word 3 (nz) is 1; expected at least 2 class images in the stack")

        let good = dir.appendingPathComponent("good.mrcs").path
        try MRCWriter.write(Volume(nx: 16, ny: 16, nz: 3, data: [Float](repeating: 1, count: 768), voxelSize: SIMD3(repeating: 2)),
                            to: good, labels: [])
        var bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        let cut = dir.appendingPathComponent("cut.mrcs").path
        try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: cut))
        (status, output, exists) = try run(cut)
        #expect(status == 65 && !exists)
        #expect(output == "emvalidate: error: \(cut): data size (file size − 1024 − nsymbt) is 2972 bytes; expected a whole number of 16×16 images of 1024 bytes (header words 1-4), nz = 3 of them")

        // Cell 0: no pixel size anywhere, and no flag; with the flag it is accepted.
        bytes.replaceSubrange(40..<52, with: Data(count: 12))
        let nocell = dir.appendingPathComponent("nocell.mrcs").path
        try bytes.write(to: URL(fileURLWithPath: nocell))
        (status, output, exists) = try run(nocell)
        #expect(status == 65 && !exists)
        #expect(output == "emvalidate: error: \(nocell): no pixel size: header words 8 and 11 (mx, cell a) give 0.0 Å / 16; expected a positive pixel size in the header or --classes-pixel-size")
        (status, output, exists) = try run(nocell, ["--classes-pixel-size", "2"])
        #expect(status == 0 && exists, "\(output)")

        (status, output, exists) = try run(good, ["--symmetry", "Q3"])
        #expect(status == 64 && !exists)
        #expect(output.contains("--symmetry: symmetry 'Q3': expected Cn or Dn (n ≥ 1), T, O or I"), "\(output)")
        let missing = dir.appendingPathComponent("absent.mrcs").path
        (status, output, exists) = try run(missing)
        #expect(status == 65 && !exists)
        #expect(output == "emvalidate: error: \(missing): cannot read the file: No such file or directory")
    }

    /// The real class fixture: 100 classes with cell 0 need --classes-pixel-size; with it they load (2.classes).
    @Test func realClassFixtureNeedsThePixelSizeFlag() throws {
        let path = repositoryRoot.appendingPathComponent("Fixtures/classes/mixture_2D.mrcs").path
        let map = level2Phantom(n: 48, voxelA: 4, cage: false)
        #expect(throws: ImageDataError.self) {
            _ = try ClassAverages.load(path: path, pixelSizeFlag: nil, symmetry: try SymmetryGroup("C1"), map: map)
        }
        let c = try ClassAverages.load(path: path, pixelSizeFlag: 3.1, symmetry: try SymmetryGroup("C1"), map: map)
        #expect(c.images.count == 100 && c.box == 96 && c.pixelSizeSource == .flag)
        #expect(c.resampled[0].nx == 48)
        #expect(abs(c.resampled[0].pixelSizeA - 4) < 0.05)
    }
}
