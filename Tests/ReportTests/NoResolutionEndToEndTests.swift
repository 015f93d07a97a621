// End to end: halves of two unrelated phantoms. The FSC curves that stay below their threshold from the lowest
// frequencies give no resolution (docs/methods.md, "FSC crossings"): null in metrics.json with a warning, left
// out of the front page, and the Nyquist resolution (2.74 Å here) printed nowhere in the front matter or in
// sections 1.a, 1.b and 1.d.
import Foundation
import Testing
import MapIO
import VolumeNumerics
import TestSupport

/// Random atoms (Gaussian σ 0.7 Å) spread over the whole periodic box: unrelated maps share no envelope.
func unrelatedPhantom(n: Int, voxelA: Double, seed: UInt64) -> Volume {
    var rng = SplitMix64(seed: seed)
    var v = Volume(nx: n, ny: n, nz: n, voxelSize: SIMD3(voxelA, voxelA, voxelA))
    let sigma = 0.7 / voxelA, reach = Int((3 * sigma).rounded(.up))
    for _ in 0..<(n * n) {
        let c = SIMD3(rng.uniform(), rng.uniform(), rng.uniform()) * Double(n)
        let ci = SIMD3<Int>(Int(c.x), Int(c.y), Int(c.z))
        for dz in -reach...reach { for dy in -reach...reach { for dx in -reach...reach {
            let q = SIMD3(Double(ci.x + dx), Double(ci.y + dy), Double(ci.z + dz)) - c
            let x = ((ci.x + dx) % n + n) % n, y = ((ci.y + dy) % n + n) % n, z = ((ci.z + dz) % n + n) % n
            v.data[v.index(x, y, z)] += Float(exp(-(q * q).sum() / (2 * sigma * sigma)))
        } } }
    }
    return v
}

@Suite(.serialized) struct NoResolutionEndToEndTests {
    @Test(.enabled(if: haveLaTeX)) func unrelatedHalvesReportNoResolutionAndNoNyquistValue() throws {
        let dir = try temporaryDirectory()
        let voxel = 1.37, nyquist = "2.74"
        let h1 = unrelatedPhantom(n: 40, voxelA: voxel, seed: 401), h2 = unrelatedPhantom(n: 40, voxelA: voxel, seed: 402)
        let map = h1.withData(zip(h1.data, h2.data).map { ($0 + $1) / 2 })
        for (v, name) in [(h1, "h1.mrc"), (h2, "h2.mrc"), (map, "map.mrc")] {
            try MRCWriter.write(v, to: dir.appendingPathComponent(name).path, labels: ["unrelated phantom"])
        }
        let t = Double(map.data.sorted()[Int(0.3 * Double(map.count))])
        let out = dir.appendingPathComponent("report")
        let r = try emvalidate(["report", dir.appendingPathComponent("map.mrc").path, "--threshold", "\(t)", "--resolution", "3",
                                "--half1", dir.appendingPathComponent("h1.mrc").path,
                                "--half2", dir.appendingPathComponent("h2.mrc").path, "-o", out.path])
        #expect(r.status == 0, "emvalidate failed: \(r.output)")
        try expectValidAgainstSchema([out.appendingPathComponent("metrics.json")])
        let sections = try loadMetrics(out)["sections"] as! [String: [String: Any]]

        let a = sections["1.a"]!["metrics"] as! [String: Any]
        for key in ["unmasked_half_bit", "unmasked_one_bit", "corrected_half_bit", "corrected_one_bit"] {
            #expect(a["resolution_\(key)_A"] is NSNull && a["no_resolution_\(key)"] as? Bool == true,
                    "1.a \(key): expected null and the flag, got \(String(describing: a["resolution_\(key)_A"]))")
        }
        let b = sections["1.b"]!["metrics"] as! [String: Any]
        #expect(b["resolution_A"] is NSNull && b["no_resolution"] as? Bool == true)
        for id in ["1.a", "1.b"] {
            let warnings = sections[id]!["warnings"] as! [String]
            #expect(warnings.contains { $0.hasPrefix("no resolution:") }, "\(id) warnings: \(warnings)")
        }
        // No reported resolution of 1.a, 1.b or 1.d is the Nyquist value.
        func resolutions(_ m: Any, _ path: String) -> [(String, Double)] {
            if let d = m as? [String: Any] {
                return d.flatMap { k, v in resolutions(v, path + "." + k) }
            }
            if let l = m as? [Any] { return l.enumerated().flatMap { resolutions($1, path + "[\($0)]") } }
            if let x = m as? Double, path.hasSuffix("_A") || path.contains("_A[") || path.contains("value_A") { return [(path, x)] }
            return []
        }
        for id in ["1.a", "1.b", "1.d"] {
            for (k, x) in resolutions(sections[id]!["metrics"]!, id) where !k.hasSuffix(".nyquist_A") {
                #expect(abs(x - 2 * voxel) > 1e-6, "\(k) = \(x) Å is the Nyquist resolution")
            }
        }

        // The PDF: the front matter (up to the Input data section) and sections 1.a, 1.b, 1.d.
        let text = plainDigits(try pdfText(out.appendingPathComponent("report.pdf")))
        try expectNothingWiderThanThePage(out)
        func after(_ s: String, _ heading: String) -> Substring? { s.range(of: heading, options: .backwards).map { s[$0.lowerBound...] } }
        let inputStart = try #require(text.range(of: "Input data", options: .backwards))
        let front = text[..<inputStart.lowerBound]
        let a1 = try #require(after(text, "1.a Global resolution"))
        let c1 = try #require(a1.range(of: "1.c Local resolution"))
        let d1 = try #require(after(text, "1.d Directional resolution"))
        for (name, part) in [("front matter", front), ("1.a and 1.b", a1[..<c1.lowerBound]), ("1.d", d1)] {
            #expect(!part.contains(nyquist), "\(name) prints the Nyquist resolution \(nyquist) Å")
        }
        #expect(a1[..<c1.lowerBound].contains("no resolution"), "1.a/1.b text should say there is no resolution")
        #expect(front.contains("No resolution: the masked"), "the front page should list the warning, as a sentence")
    }
}
