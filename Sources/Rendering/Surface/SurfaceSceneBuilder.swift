// From figure data (`SurfaceViews`) to what the rasteriser draws: per-vertex colours (plain, or a colour
// map of the vertex values over the figure's range), ambient occlusion, atom spheres coloured by chain or
// value, and a Cα trace turned into overlapping spheres along each bond (a tube).
//
// Conventions: a trace joins consecutive residues of one chain whose Cα atoms are at most 4.5 Å apart
// (longer gaps are chain breaks); tube spheres are spaced at half the tube radius.
import Foundation
import Analysis
import VolumeNumerics

struct BuiltScene {
    var scene: SurfaceScene
    /// Points (Å) and radii the camera fits into the view.
    var fitPoints: [SIMD3<Double>]
    var fitRadii: [Double]
}

enum SurfaceSceneBuilder {
    static func build(_ views: SurfaceViews, aoDirections: Int) throws -> BuiltScene {
        let mesh = views.mesh
        let nv = mesh.vertexCount
        guard mesh.vertices.count == 3 * nv, mesh.normals.count == mesh.vertices.count else {
            throw SurfaceRenderError("surface figure: \(mesh.vertices.count) vertex and \(mesh.normals.count) normal coordinates, expected equal multiples of 3")
        }
        if let bad = mesh.triangles.first(where: { Int($0) >= nv }) {
            throw SurfaceRenderError("surface figure: triangle index \(bad) beyond the \(nv) vertices")
        }
        if let values = views.vertexValues, values.count != nv {
            throw SurfaceRenderError("surface figure: \(values.count) vertex values for \(nv) vertices")
        }
        if mesh.triangles.isEmpty && (views.atoms?.count ?? 0) == 0 {
            throw SurfaceRenderError("surface figure: nothing to draw (no triangles and no atoms; is the threshold above the map's maximum?)")
        }
        var scene = SurfaceScene()
        scene.positions = (0..<nv).map { SIMD3(mesh.vertices[3 * $0], mesh.vertices[3 * $0 + 1], mesh.vertices[3 * $0 + 2]) }
        scene.normals = (0..<nv).map { SIMD3(mesh.normals[3 * $0], mesh.normals[3 * $0 + 1], mesh.normals[3 * $0 + 2]) }
        scene.triangles = mesh.triangles
        scene.opacity = Float(min(max(views.meshOpacity, 0), 1))
        let range = valueRange(views)
        if let values = views.vertexValues {
            scene.colors = values.map { SurfaceColormap.color(views.colormap, value: Double($0), range: range) }
        } else {
            let c = views.meshColor.count == 3 ? SIMD3<Float>(Float(views.meshColor[0]), Float(views.meshColor[1]), Float(views.meshColor[2]))
                : SIMD3<Float>(0.31, 0.6, 0.02)
            scene.colors = [SIMD3<Float>](repeating: c, count: nv)
        }
        scene.ambient = SurfaceAmbientOcclusion.perVertex(positions: scene.positions, normals: scene.normals,
                                                          triangles: scene.triangles, directions: aoDirections)
        var fitPoints = scene.positions.map { SIMD3<Double>($0) }
        var fitRadii = [Double](repeating: 0, count: nv)

        if let atoms = views.atoms {
            let chainColor = chainColors(atoms.chains)
            func color(_ i: Int) -> SIMD3<Float> {
                if let v = atoms.values { return SurfaceColormap.color(views.colormap, value: Double(v[i]), range: range) }
                return chainColor[atoms.chains[i]] ?? SIMD3(0.5, 0.5, 0.5)
            }
            func pos(_ i: Int) -> SIMD3<Float> { SIMD3(atoms.positions[3 * i], atoms.positions[3 * i + 1], atoms.positions[3 * i + 2]) }
            for i in 0..<atoms.count {
                scene.sphereCentres.append(pos(i)); scene.sphereRadii.append(atoms.radii[i]); scene.sphereColors.append(color(i))
                fitPoints.append(SIMD3<Double>(pos(i))); fitRadii.append(Double(atoms.radii[i]))
            }
            if atoms.style == .trace && atoms.count > 1 {
                for i in 0..<(atoms.count - 1) where atoms.chains[i] == atoms.chains[i + 1]
                    && atoms.residues[i + 1] - atoms.residues[i] == 1 {
                    let a = pos(i), b = pos(i + 1), d = b - a
                    let len = (d * d).sum().squareRoot()
                    if len > 4.5 || len == 0 { continue }
                    let r = min(atoms.radii[i], atoms.radii[i + 1])
                    let steps = Int.clamped(Double(len) / (0.5 * Double(r)), .up, to: 1...64)
                    for s in 1..<max(steps, 1) {
                        let f = Float(s) / Float(steps)
                        scene.sphereCentres.append(a + d * f); scene.sphereRadii.append(r)
                        // Each half of the bond takes its atom's colour.
                        scene.sphereColors.append(f < 0.5 ? color(i) : color(i + 1))
                    }
                }
            }
        }
        return BuiltScene(scene: scene, fitPoints: fitPoints, fitRadii: fitRadii)
    }

    /// Colour per chain id in order of first appearance.
    static func chainColors(_ chains: [String]) -> [String: SIMD3<Float>] {
        var out: [String: SIMD3<Float>] = [:]
        for c in chains where out[c] == nil {
            out[c] = SurfaceColormap.rgb(SurfaceColormap.chainPalette[out.count % SurfaceColormap.chainPalette.count])
        }
        return out
    }

    /// The figure's value range: `range` if given, else the finite values' min to max.
    static func valueRange(_ views: SurfaceViews) -> ClosedRange<Double> {
        if let r = views.range, r.count == 2, r[0] < r[1] { return r[0]...r[1] }
        let values = (views.vertexValues ?? []) + (views.atoms?.values ?? [])
        let finite = values.filter { $0.isFinite }
        guard let lo = finite.min(), let hi = finite.max(), lo < hi else {
            let v = Double(finite.first ?? 0); return (v - 0.5)...(v + 0.5)
        }
        return Double(lo)...Double(hi)
    }

    /// A tick label with enough decimals to tell the five ticks of `range` apart.
    static func tickLabel(_ v: Double, range: ClosedRange<Double>) -> String {
        let step = (range.upperBound - range.lowerBound) / 4
        let decimals = step >= 10 ? 0 : step >= 1 ? 1 : step >= 0.1 ? 2 : 3
        return String(format: "%.\(decimals)f", v).replacingOccurrences(of: "-", with: "−")
    }
}
