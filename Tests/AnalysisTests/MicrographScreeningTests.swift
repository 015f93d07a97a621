// 5.a micrograph screening on a synthetic micrograph with known bad areas: particles (Gaussian blobs, darker than
// the ice) in white noise, a disc of thick ice and a carbon strip drawn in. Truth is where we drew them: the
// detector must flag ≥ 90 % of the coordinates inside the drawn regions and ≤ 5 % of those outside, and every
// particle whose box leaves the micrograph.
import Foundation
import Testing
@testable import Analysis
import VolumeNumerics

struct SyntheticMicrograph {
    static let size = 1024, pixelA = 2.0, box = 64
    static let disc = (x: 300.0, y: 650.0, r: 160.0)
    static let carbonX = 850.0

    var pixels: [Float]
    var coordinates: [(x: Double, y: Double)]

    static func insideDrawn(_ x: Double, _ y: Double) -> Bool {
        let dx = x - disc.x, dy = y - disc.y
        return dx * dx + dy * dy <= disc.r * disc.r || x >= carbonX
    }

    /// `count` particles at random positions at least half a box from the edges, plus `edgeParticles` within
    /// a quarter box of the left edge.
    static func make(seed: UInt64, count: Int = 300, edgeParticles: Int = 5) -> SyntheticMicrograph {
        var rng = SplitMix64(seed: seed)
        let n = size
        var p = [Float](repeating: 0, count: n * n)
        var coords: [(Double, Double)] = []
        for _ in 0..<count {
            let margin = Double(box) / 2 + 1
            coords.append((margin + rng.uniform() * (Double(n) - 2 * margin), margin + rng.uniform() * (Double(n) - 2 * margin)))
        }
        for k in 0..<edgeParticles { coords.append((4 + Double(k) * 2, 100 + Double(k) * 150)) }
        // Particles: Gaussian blobs, σ = 10 pixels (20 Å), 0.5 darker than the ice at their centre.
        for (cx, cy) in coords {
            for y in max(0, Int(cy) - 40)..<min(n, Int(cy) + 40) { for x in max(0, Int(cx) - 40)..<min(n, Int(cx) + 40) {
                let d2 = (Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy)
                p[x + n * y] -= Float(0.5 * exp(-d2 / 200))
            } }
        }
        for y in 0..<n { for x in 0..<n {
            let dx = Double(x) - disc.x, dy = Double(y) - disc.y
            if dx * dx + dy * dy <= disc.r * disc.r { p[x + n * y] -= 1.0 }          // thick ice: fewer electrons
            if Double(x) >= carbonX { p[x + n * y] -= 1.5 + Float(0.3 * sin(Double(y) / 9)) } // carbon, with texture
            p[x + n * y] += Float(2.0 * rng.gaussian())                                // shot noise
        } }
        return SyntheticMicrograph(pixels: p, coordinates: coords)
    }
}

@Test func screeningFlagsTheDrawnRegionsAndTheEdge() {
    let m = SyntheticMicrograph.make(seed: 11)
    let n = SyntheticMicrograph.size, box = SyntheticMicrograph.box
    let s = MicrographScreening.screen(m.pixels, width: n, height: n, pixelSizeA: SyntheticMicrograph.pixelA, boxPixels: box)
    #expect(s.bin == 5 && s.width == 204)   // 2 Å → 10 Å pixels
    var inside = (0, 0), outside = (0, 0), edge = (0, 0)
    for (x, y) in m.coordinates {
        let c = MicrographScreening.score(s, x: x, y: y, boxPixels: box, width: n, height: n)
        #expect(c.score >= 0 && c.score <= 1)
        if x < Double(box) / 2 { edge.0 += 1; if c.flagged && c.nearEdge { edge.1 += 1 }; continue }
        if SyntheticMicrograph.insideDrawn(x, y) { inside.0 += 1; if c.flagged { inside.1 += 1 } }
        else { outside.0 += 1; if c.flagged { outside.1 += 1 } }
    }
    let fin = Double(inside.1) / Double(inside.0), fout = Double(outside.1) / Double(outside.0)
    print("screening: inside \(inside.1)/\(inside.0), outside \(outside.1)/\(outside.0), regions \(s.regions), bad \(s.badFraction)")
    #expect(inside.0 >= 40 && outside.0 >= 150)
    #expect(fin >= 0.9, "flagged inside the drawn regions: \(inside.1) of \(inside.0)")
    #expect(fout <= 0.05, "flagged outside: \(outside.1) of \(outside.0)")
    #expect(edge.0 == 5 && edge.1 == 5, "edge particles flagged: \(edge.1) of \(edge.0)")
    // Two regions drawn: the disc and the carbon strip; their area is 7.7 % + 17 % of the micrograph.
    #expect(s.regions == 2, "regions: \(s.regions)")
    let drawn = (Double.pi * 160 * 160 + 174 * 1024) / (1024 * 1024)
    #expect(abs(s.badFraction - drawn) < 0.03, "bad fraction \(s.badFraction), drawn \(drawn)")
}

@Test func cleanMicrographFlagsNothingButTheEdge() {
    // The same particles and noise without ice or carbon: no region, only the edge particles.
    var m = SyntheticMicrograph.make(seed: 12)
    var rng = SplitMix64(seed: 99)
    let n = SyntheticMicrograph.size
    m.pixels = [Float](repeating: 0, count: n * n).map { _ in Float(2.0 * rng.gaussian()) }
    let s = MicrographScreening.screen(m.pixels, width: n, height: n, pixelSizeA: 2, boxPixels: 64)
    #expect(s.regions == 0 && s.badFraction == 0)
    let flagged = m.coordinates.filter { MicrographScreening.score(s, x: $0.x, y: $0.y, boxPixels: 64, width: n, height: n).flagged }
    #expect(flagged.count == 5)
}

@Test func robustZAndMedianByHand() {
    // median 3, |deviations| 2,1,0,1,97 → MAD 1 → σ 1.4826.
    let z = MicrographScreening.robustZ([1, 2, 3, 4, 100])
    #expect(abs(Double(z[0]) - (-2 / 1.4826)) < 1e-5 && abs(Double(z[4]) - (97 / 1.4826)) < 1e-3)
    let med = MicrographScreening.localMedian([1, 9, 2, 8, 3, 7, 4, 6, 5], width: 3, height: 3, radius: 1)
    #expect(med[4] == 5)          // all nine
    #expect(med[0] == 8)          // 1, 9, 8, 3 → upper median 8
    #expect(MicrographScreening.binning(width: 4096, height: 4096, pixelSizeA: 1.0) == 10)
    #expect(MicrographScreening.binning(width: 8000, height: 4000, pixelSizeA: 5.0) == 8)
}
