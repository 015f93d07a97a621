// 3D views as figure data: a triangle mesh (Å), optional atom glyphs, how to colour them and the three
// viewing rotations. The Rendering module (Rendering/Surface) draws them; the report sections build them
// with `SurfaceViews.isosurface(…)` and `SurfaceViews.model(…)`.
//
// Rotation convention (the same as ChimeraX's `turn x a; turn y b; turn z c; view all`, which VRS uses):
// the viewer starts on +Z looking towards −Z with X to the right and Y up; the object is then rotated
// actively, right-handed, about the fixed screen axes, first X by a, then Y by b, then Z by c:
// R = Rz(c)·Ry(b)·Rx(a), and object point p is drawn at screen (right, up, towards viewer) = R·p.
// The three standard views are therefore
//   (0, −90, −90): Y right, Z up, viewer on +X;   (−90, 0, −90): Z right, −X up, viewer on −Y;
//   (0, 0, 0):     X right, Y up, viewer on +Z.
import Foundation
import MapIO
import ModelIO
import VolumeNumerics

public struct TriangleMesh: Codable, Sendable, Equatable {
    /// Vertex positions in Å, xyz interleaved.
    public var vertices: [Float]
    /// Unit normals per vertex, xyz interleaved.
    public var normals: [Float]
    /// Vertex indices, three per triangle.
    public var triangles: [UInt32]
    public init(vertices: [Float] = [], normals: [Float] = [], triangles: [UInt32] = []) {
        self.vertices = vertices; self.normals = normals; self.triangles = triangles
    }
    public init(_ mesh: IsosurfaceMesh) {
        self.init(vertices: mesh.vertices, normals: mesh.normals, triangles: mesh.triangles)
    }
    public var vertexCount: Int { vertices.count / 3 }
    public var triangleCount: Int { triangles.count / 3 }
}

/// Atoms drawn as spheres, or a Cα trace drawn as tubes, coloured by chain or by a per-atom value.
public struct AtomGlyphs: Codable, Sendable, Equatable {
    public enum Style: String, Codable, Sendable { case spheres, trace }
    public var style: Style
    /// Atom centres in Å, xyz interleaved.
    public var positions: [Float]
    /// Sphere radius (spheres) in Å per atom; for a trace, the tube radius of each Cα.
    public var radii: [Float]
    /// Chain id per atom (colour by chain when `values` is nil; a trace connects atoms of one chain).
    public var chains: [String]
    /// Residue number per atom (a trace connects consecutive residues only).
    public var residues: [Int]
    /// Value per atom to colour by (B-factor, Q-score, …); nil colours by chain.
    public var values: [Float]?

    public init(style: Style, positions: [Float], radii: [Float], chains: [String], residues: [Int],
                values: [Float]? = nil) {
        precondition(positions.count == 3 * radii.count && radii.count == chains.count && chains.count == residues.count,
                     "AtomGlyphs: \(positions.count / 3) positions, \(radii.count) radii, \(chains.count) chains, \(residues.count) residues")
        precondition(values == nil || values!.count == radii.count, "AtomGlyphs: \(values!.count) values for \(radii.count) atoms")
        self.style = style; self.positions = positions; self.radii = radii; self.chains = chains
        self.residues = residues; self.values = values
    }
    public var count: Int { radii.count }
}

public struct SurfaceViews: Codable, Sendable, Equatable {
    public var mesh: TriangleMesh
    /// Optional value per vertex (local resolution, B, …) to colour by; nil draws `meshColor`.
    public var vertexValues: [Float]?
    /// Plain surface colour, sRGB in [0, 1] (VRS's ChimeraX colour #4e9a06 by default).
    public var meshColor: [Double]
    /// 1 = opaque; below 1 the surface is drawn as a transparent shell over the atoms.
    public var meshOpacity: Double
    public var atoms: AtomGlyphs?
    /// Colour map for values (vertex or atom values): a name of Rendering's `Colormap` ("viridis", "magma",
    /// "inferno", "cividis", "coolwarm").
    public var colormap: String
    /// Value range [lo, hi] mapped onto the colour map (values outside are clamped); nil: data min to max.
    public var range: [Double]?
    /// Colour-bar label, e.g. "Local resolution (Å)"; a colour bar is drawn when values are present.
    public var colorbarLabel: String?
    /// Rotations about X, Y, Z in degrees, one triple per view (convention at the top of this file).
    public var rotationsDeg: [[Double]]

    public static let standardRotationsDeg: [[Double]] = [[0, -90, -90], [-90, 0, -90], [0, 0, 0]]
    public static let vrsMapColor: [Double] = [0x4e / 255.0, 0x9a / 255.0, 0x06 / 255.0]

    public init(mesh: TriangleMesh, vertexValues: [Float]? = nil, meshColor: [Double] = SurfaceViews.vrsMapColor,
                meshOpacity: Double = 1, atoms: AtomGlyphs? = nil, colormap: String = "viridis",
                range: [Double]? = nil, colorbarLabel: String? = nil,
                rotationsDeg: [[Double]] = SurfaceViews.standardRotationsDeg) {
        self.mesh = mesh; self.vertexValues = vertexValues; self.meshColor = meshColor; self.meshOpacity = meshOpacity
        self.atoms = atoms; self.colormap = colormap; self.range = range
        self.colorbarLabel = colorbarLabel; self.rotationsDeg = rotationsDeg
    }
}

extension SurfaceViews {
    /// The isosurface of `volume` at `threshold` (Å coordinates from the map's voxel size and origin),
    /// of `volume · mask` when a mask is given, in the three standard views.
    public static func isosurface(volume: Volume, threshold: Double, mask: Volume? = nil) -> SurfaceViews {
        SurfaceViews(mesh: TriangleMesh(volume.isosurface(threshold: threshold, mask: mask)))
    }

    /// The isosurface coloured by `colorVolume` (same frame, e.g. a local-resolution map) sampled
    /// trilinearly at the vertices. `range` nil uses the 2.5 and 97.5 percentiles of the sampled values.
    public static func isosurface(volume: Volume, threshold: Double, mask: Volume? = nil, coloredBy colorVolume: Volume,
                                  range: ClosedRange<Double>? = nil, colormap: String = "viridis",
                                  colorbarLabel: String) -> SurfaceViews {
        let mesh = volume.isosurface(threshold: threshold, mask: mask)
        let values = mesh.sample(colorVolume)
        let r = range ?? percentileRange(values, 2.5, 97.5)
        return SurfaceViews(mesh: TriangleMesh(mesh), vertexValues: values, colormap: colormap,
                            range: [r.lowerBound, r.upperBound], colorbarLabel: colorbarLabel)
    }

    /// Atoms (hydrogens skipped) as spheres of their van der Waals radius, or their Cα atoms as a tube trace,
    /// coloured by chain or by `values` (one per atom of `atoms`, e.g. B-factors); optionally over a
    /// transparent map surface.
    public static func model(atoms: [Atom], values: [Double]? = nil, style: AtomGlyphs.Style = .spheres,
                             mapSurface: TriangleMesh? = nil, surfaceOpacity: Double = 0.35,
                             range: ClosedRange<Double>? = nil, colormap: String = "viridis",
                             colorbarLabel: String? = nil) -> SurfaceViews {
        precondition(values == nil || values!.count == atoms.count, "model views: \(values!.count) values for \(atoms.count) atoms")
        var pos: [Float] = [], radii: [Float] = [], chains: [String] = [], residues: [Int] = [], vals: [Float] = []
        for (i, a) in atoms.enumerated() where !a.isHydrogen && (style == .spheres || a.name == "CA") {
            pos += [Float(a.position.x), Float(a.position.y), Float(a.position.z)]
            radii.append(style == .spheres ? vdwRadiusA(a.element) : 0.6)
            chains.append(a.chain); residues.append(a.residueNumber)
            if let values { vals.append(Float(values[i])) }
        }
        let glyphs = AtomGlyphs(style: style, positions: pos, radii: radii, chains: chains, residues: residues,
                                values: values == nil ? nil : vals)
        let r = values == nil ? nil : (range ?? percentileRange(vals, 2.5, 97.5))
        return SurfaceViews(mesh: mapSurface ?? TriangleMesh(), meshColor: [0.62, 0.62, 0.66],
                            meshOpacity: mapSurface == nil ? 1 : surfaceOpacity, atoms: glyphs, colormap: colormap,
                            range: r.map { [$0.lowerBound, $0.upperBound] }, colorbarLabel: colorbarLabel)
    }

    /// Van der Waals radius in Å (Bondi 1964; 1.8 Å for elements not listed).
    static func vdwRadiusA(_ element: String) -> Float {
        switch element.uppercased() {
        case "H", "D": return 1.1
        case "C": return 1.7
        case "N": return 1.55
        case "O": return 1.52
        case "S": return 1.8
        case "P": return 1.8
        case "SE": return 1.9
        case "MG": return 1.73
        case "ZN": return 1.39
        default: return 1.8
        }
    }

    /// `percentileRange(values, 2.5, 97.5)`, for tests.
    public static func percentileRangeForTests(_ values: [Float]) -> ClosedRange<Double> { percentileRange(values, 2.5, 97.5) }

    /// The p_lo and p_hi percentiles (linear interpolation between order statistics) of finite values.
    static func percentileRange(_ values: [Float], _ pLo: Double, _ pHi: Double) -> ClosedRange<Double> {
        let v = values.filter { $0.isFinite }.sorted()
        if v.isEmpty { return 0...1 }
        func q(_ p: Double) -> Double {
            let x = p / 100 * Double(v.count - 1)
            let i = Int(x), f = x - Double(i)
            return i + 1 < v.count ? Double(v[i]) * (1 - f) + Double(v[i + 1]) * f : Double(v[i])
        }
        let lo = q(pLo), hi = q(pHi)
        return lo < hi ? lo...hi : lo...(lo + 1e-6)
    }
}

extension SurfaceViews {
    /// How the standard views are oriented, for captions (the convention at the top of this file).
    public static let standardViewsCaption = "Views after rotations about X, Y, Z of (0°, −90°, −90°), (−90°, 0°, −90°) "
        + "and (0°, 0°, 0°) (ChimeraX turn order, as in VRS): seen from +X with Y to the right and Z up, from −Y with "
        + "Z to the right and −X up, and from +Z with X to the right and Y up; each view is fitted to the object, "
        + "with its own scale bar."
}

extension Figure {
    /// The Input-data figure "Isosurface views of the input map" at threshold T, of the map multiplied by
    /// the hard mask when one is given (as VRS shows it).
    public static func isosurfaceViews(id: String, volume: Volume, threshold: Double, mask: Volume? = nil) -> Figure {
        let t = NumberText.format(threshold)
        return Figure(id: id,
                      caption: "Isosurface views of the input map at the threshold T = \(t)"
                        + (mask == nil ? ". " : " (the map multiplied by the hard mask). ") + SurfaceViews.standardViewsCaption,
                      content: .surface(.isosurface(volume: volume, threshold: threshold, mask: mask)))
    }
}
