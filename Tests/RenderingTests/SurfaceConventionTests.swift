// The rotation convention of the 3D views, tested end to end on an L-shaped phantom: a core with one arm
// along +X, one along +Y and one along +Z, the three arm tips coloured yellow (value 1, viridis) and the rest
// purple (value 0). The expected layout of each view is written here by hand from the convention
// (ChimeraX `turn x a; turn y b; turn z c`, object rotated about fixed screen axes):
//   (0, −90, −90): +Y right, +Z up, +X towards the viewer (its yellow tip hides the core);
//   (−90, 0, −90): +Z right, +X down, +Y away from the viewer (the purple core faces the viewer);
//   (0, 0, 0):     +X right, +Y up, +Z towards the viewer.
import Foundation
import Testing
import MapIO
import Analysis
@testable import Rendering

/// Core cube [9, 19]³ Å around (14, 14, 14), arms of 6 × 6 Å section reaching 40 Å along +X, +Y, +Z.
func lPhantom() -> (map: Volume, tips: Volume) {
    let n = 48
    var map = Volume(nx: n, ny: n, nz: n), tips = Volume(nx: n, ny: n, nz: n)
    for z in 0..<n { for y in 0..<n { for x in 0..<n {
        let p = SIMD3(x, y, z), c = 14
        let core = (9...19).contains(x) && (9...19).contains(y) && (9...19).contains(z)
        var arm = false, tip = false
        for a in 0..<3 {
            let others = (0..<3).filter { $0 != a }
            if others.allSatisfy({ abs(p[$0] - c) <= 3 }) && p[a] >= c && p[a] <= 40 {
                arm = true; if p[a] >= 31 { tip = true }
            }
        }
        map[x, y, z] = core || arm ? 1 : 0
        tips[x, y, z] = tip ? 1 : 0
    } } }
    return (map, tips)
}

private struct Probe { var a: Double; var b: Double; var occupied: Bool }

@Test func viewsPutTheArmsWhereTheConventionSays() throws {
    let (map, tips) = lPhantom()
    let views = SurfaceViews.isosurface(volume: map, threshold: 0.5, coloredBy: tips, range: 0...1,
                                        colorbarLabel: "tip")
    #expect(views.rotationsDeg == [[0, -90, -90], [-90, 0, -90], [0, 0, 0]])
    var options = SurfaceRenderer.Options()
    options.viewWidth = 300; options.viewHeight = 300; options.supersample = 2; options.aoDirections = 8
    let rendered = try SurfaceRenderer.renderViews(views, options: options)
    // Fractions (a from the left, b from the bottom) of the object's bounding box in the image. The core
    // centre lies at 0.17 of the box from the end opposite an arm (core 8.5…19.5 of 8.5…40.5 Å).
    let nearCore = 0.17, far = 0.85
    let expected: [(probes: [Probe], core: (Double, Double), coreIsTip: Bool, name: String)] = [
        ([Probe(a: far, b: nearCore, occupied: true), Probe(a: nearCore, b: far, occupied: true),
          Probe(a: far, b: far, occupied: false)], (nearCore, nearCore), true, "(0, −90, −90): +Y right, +Z up, +X to viewer"),
        ([Probe(a: far, b: 1 - nearCore, occupied: true), Probe(a: nearCore, b: 1 - far, occupied: true),
          Probe(a: far, b: 1 - far, occupied: false)], (nearCore, 1 - nearCore), false, "(−90, 0, −90): +Z right, +X down, +Y away"),
        ([Probe(a: far, b: nearCore, occupied: true), Probe(a: nearCore, b: far, occupied: true),
          Probe(a: far, b: far, occupied: false)], (nearCore, nearCore), true, "(0, 0, 0): +X right, +Y up, +Z to viewer"),
    ]
    for (view, exp) in zip(rendered, expected) {
        let img = view.image
        func rgb(_ u: Int, _ v: Int) -> (Int, Int, Int) {
            let p = img.pixels[u + img.width * v]
            return (Int((p >> 16) & 0xff), Int((p >> 8) & 0xff), Int(p & 0xff))
        }
        func isObject(_ u: Int, _ v: Int) -> Bool { let c = rgb(u, v); return min(c.0, c.1, c.2) < 235 }
        var u0 = img.width, u1 = 0, v0 = img.height, v1 = 0
        for v in 0..<img.height { for u in 0..<img.width where isObject(u, v) {
            u0 = min(u0, u); u1 = max(u1, u); v0 = min(v0, v); v1 = max(v1, v)
        } }
        #expect(u1 > u0 && v1 > v0, "\(exp.name): no object drawn")
        func pixel(_ a: Double, _ b: Double) -> (Int, Int) {
            (u0 + Int(a * Double(u1 - u0)), v1 - Int(b * Double(v1 - v0)))
        }
        for p in exp.probes {
            let (u, v) = pixel(p.a, p.b)
            #expect(isObject(u, v) == p.occupied,
                    "\(exp.name): at box fraction (\(p.a), \(p.b)) expected \(p.occupied ? "an arm" : "background"), pixel \(rgb(u, v))")
        }
        let (u, v) = pixel(exp.core.0, exp.core.1)
        let c = rgb(u, v)
        // Viridis: the tip (1) is yellow (green > blue), the core (0) purple (blue > green).
        #expect((c.1 > c.2) == exp.coreIsTip,
                "\(exp.name): at the core expected \(exp.coreIsTip ? "the yellow tip in front" : "the purple core"), pixel \(c)")
    }
}

@Test func rotationMatrixFollowsChimeraXTurnOrder() {
    // turn x 90 then turn y 90: +Y goes to +Z (towards the viewer) by the X turn, then stays... and +Z
    // goes to −Y by the X turn, then is unchanged by the Y turn (−Y is on the Y axis). Hand-derived.
    let r = Rotation3.about(x: 90, y: 90, z: 0)
    let z = r.apply(SIMD3(0, 0, 1)), y = r.apply(SIMD3(0, 1, 0)), x = r.apply(SIMD3(1, 0, 0))
    func near(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Bool { ((a - b) * (a - b)).sum() < 1e-12 }
    #expect(near(z, SIMD3(0, -1, 0)), "R·Z: expected (0, −1, 0), observed \(z)")
    // +Y → +Z (X turn) → +X (Y turn by +90°: z → x).
    #expect(near(y, SIMD3(1, 0, 0)), "R·Y: expected (1, 0, 0), observed \(y)")
    // +X unchanged by the X turn → −Z by the Y turn.
    #expect(near(x, SIMD3(0, 0, -1)), "R·X: expected (0, 0, −1), observed \(x)")
}
