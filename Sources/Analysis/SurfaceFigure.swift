// 3D views as figure data: a triangle mesh (Å) and how to colour and orient it.
// PLACEHOLDER fields: owned by the 3D-views work (issue 3), which may reshape this type.

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
}

public struct SurfaceViews: Codable, Sendable, Equatable {
    public var mesh: TriangleMesh
    /// Optional value per vertex (local resolution, B, …) to colour by.
    public var vertexValues: [Float]?
    public var colormap: String
    public var range: [Double]?
    public var colorbarLabel: String?
    /// Rotations about X, Y, Z in degrees, one triple per view (SPEC: (0,−90,−90), (−90,0,−90), (0,0,0)).
    public var rotationsDeg: [[Double]]
    public init(mesh: TriangleMesh, vertexValues: [Float]? = nil, colormap: String = "viridis", range: [Double]? = nil,
                colorbarLabel: String? = nil, rotationsDeg: [[Double]] = [[0, -90, -90], [-90, 0, -90], [0, 0, 0]]) {
        self.mesh = mesh; self.vertexValues = vertexValues; self.colormap = colormap; self.range = range
        self.colorbarLabel = colorbarLabel; self.rotationsDeg = rotationsDeg
    }
}
