// Level 3 end to end: `emvalidate report MAP --classes CLASSES.mrcs --particles PARTICLES.star` on a phantom
// map whose particles are CTF-modulated, noisy projections at three views (rlnClassNumber gives the view) and
// whose classes are the noiseless views: 3.a and 3.c score OK, 3.b gives every class a resolution, metrics.json
// matches the schema, and the PDF has the Level 3 pages with Level 3 among the levels evaluated.
import Analysis
import Foundation
import ImageData
import MapIO
import TestSupport
import Testing
import VolumeNumerics
@testable import Report

@Suite(.serialized) struct Level3EndToEndTests {
    let n = 48, voxelA = 2.5
    let views: [(Double, Double)] = [(0, 0), (90, 90), (30, 60)]

    /// Writes map.mrc, classes.mrcs, particles.mrcs and particles.star (RELION 3.1) into `dir`.
    func write(_ dir: URL, perView: Int) throws -> (map: String, classes: String, star: String) {
        let volume = level2Phantom(n: n, voxelA: voxelA, cage: false)
        let map = dir.appendingPathComponent("map.mrc").path
        try MRCWriter.write(volume, to: map, labels: ["level 3 phantom"])
        let projector = FourierProjector(volume: volume)
        var classes: [Float] = []
        for v in views { classes += projector.project(rot: v.0, tilt: v.1, psi: 0, shiftX: 0, shiftY: 0).data }
        let classPath = dir.appendingPathComponent("classes.mrcs").path
        try MRCWriter.write(Volume(nx: n, ny: n, nz: views.count, data: classes, voxelSize: SIMD3(repeating: voxelA)), to: classPath, labels: ["classes"])
        var gen = SplitMix64(seed: 12)
        var images: [Float] = [], rows: [String] = []
        for (k, v) in views.enumerated() {
            for _ in 0..<perView {
                let clean = projector.project(rot: v.0 + 4 * gen.uniform() - 2, tilt: v.1 + 4 * gen.uniform() - 2, psi: 360 * gen.uniform(),
                                              shiftX: 2 * gen.uniform() - 1, shiftY: 2 * gen.uniform() - 1)
                let defocus = 12000 + 8000 * gen.uniform()
                var img = CTF(CTFParameters(defocusUA: defocus, defocusVA: defocus)).apply(to: clean)
                let sd = img.meanAndStd.std
                for i in 0..<img.data.count { img.data[i] += Float(sd * gen.gaussian()) }
                images += img.data
                rows.append("\(rows.count + 1)@particles.mrcs mic1.mrc 1 \(defocus) \(defocus) 0.0 \(k + 1)")
            }
        }
        try MRCWriter.write(Volume(nx: n, ny: n, nz: rows.count, data: images, voxelSize: SIMD3(repeating: voxelA)),
                            to: dir.appendingPathComponent("particles.mrcs").path, labels: ["particles"])
        let star = relion31Star(pixelSizeA: voxelA, box: n, extraColumns: ["rlnClassNumber"], rows: rows)
        let starPath = dir.appendingPathComponent("particles.star").path
        try star.write(toFile: starPath, atomically: true, encoding: .utf8)
        return (map, classPath, starPath)
    }

    @Test(.enabled(if: haveLaTeX)) func consistentClassesScoreOKAndLevelThreeIsReported() throws {
        let dir = try temporaryDirectory()
        let (map, classes, star) = try write(dir, perView: 60)
        let out = dir.appendingPathComponent("report")
        let r = try emvalidate(["report", map, "--threshold", "0.3", "--classes", classes, "--particles", star, "-o", out.path])
        #expect(r.status == 0, "\(r.output)")
        try expectValidAgainstSchema([out.appendingPathComponent("metrics.json")])
        let sections = try loadMetrics(out)["sections"] as! [String: [String: Any]]
        for id in ["3.a", "3.c"] { #expect(sections[id]?["status"] as? String == "ok", "\(id): \(sections[id] ?? [:])") }
        let a = sections["3.a"]!["metrics"] as! [String: Any]
        #expect(a["particles_used"] as? Int == 180 && a["classes"] as? Int == 3)
        #expect((a["per_class"] as! [[String: Any]]).allSatisfy { ($0["core_fraction"] as! Double) >= 0.7 })
        let b = sections["3.b"]!
        #expect(b["status"] as? String == "ok" && b["scored"] as? Bool == false)
        #expect(((b["metrics"] as! [String: Any])["per_class"] as! [[String: Any]]).allSatisfy { $0["resolution_A"] is Double })
        let c = sections["3.c"]!["metrics"] as! [String: Any]
        #expect((c["min_best_cc"] as! Double) > 0.8)
        let text = plainDigits(try pdfText(out.appendingPathComponent("report.pdf")))
        try expectNothingWiderThanThePage(out)
        #expect(text.contains("Level 3: the particles against their 2D classes"))
        #expect(text.contains("3.a Outlier detection") && text.contains("3.c Classification external consistency"))
        #expect(text.contains("180 of the 180 particles"))
        #expect(text.contains("levels evaluated: 0, 2, 3"), "front page levels")
        print("Level 3 report: \(out.path)")
    }
}
