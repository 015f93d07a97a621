// The volume type shared by every module: a 3D grid of float32 values indexed V[x, y, z].
//
// Conventions (docs/methods.md "Conventions"):
// - Storage is x fastest: linear index = x + nx * (y + ny * z), whatever the file's axis order was.
// - `voxelSize` is Å per voxel along X, Y, Z (cell / mx,my,mz); it may differ per axis.
// - `startIndex` is the header's nxstart/nystart/nzstart permuted to X, Y, Z (voxels).
// - `headerOrigin` is the header's ORIGIN (words 50–52, Å), in X, Y, Z.

public struct Volume: Sendable, Equatable {
    public var nx: Int
    public var ny: Int
    public var nz: Int
    /// Voxel values, x fastest.
    public var data: [Float]
    /// Voxel size in Å along X, Y, Z.
    public var voxelSize: SIMD3<Double>
    /// Start indices (voxels) along X, Y, Z, from the header.
    public var startIndex: SIMD3<Int>
    /// Header ORIGIN (Å) along X, Y, Z.
    public var headerOrigin: SIMD3<Double>

    public init(nx: Int, ny: Int, nz: Int, data: [Float],
                voxelSize: SIMD3<Double> = SIMD3(1, 1, 1),
                startIndex: SIMD3<Int> = .zero,
                headerOrigin: SIMD3<Double> = .zero) {
        precondition(nx > 0 && ny > 0 && nz > 0 && data.count == nx * ny * nz,
                     "Volume: data.count \(data.count) does not match \(nx)×\(ny)×\(nz)")
        self.nx = nx; self.ny = ny; self.nz = nz
        self.data = data
        self.voxelSize = voxelSize
        self.startIndex = startIndex
        self.headerOrigin = headerOrigin
    }

    /// A volume of the given box filled with `value`.
    public init(nx: Int, ny: Int, nz: Int, voxelSize: SIMD3<Double> = SIMD3(1, 1, 1), value: Float = 0) {
        self.init(nx: nx, ny: ny, nz: nz, data: [Float](repeating: value, count: nx * ny * nz),
                  voxelSize: voxelSize)
    }

    /// A volume with the same geometry (box, voxel size, origin) and new data.
    public func withData(_ newData: [Float]) -> Volume {
        Volume(nx: nx, ny: ny, nz: nz, data: newData, voxelSize: voxelSize,
               startIndex: startIndex, headerOrigin: headerOrigin)
    }

    public var count: Int { nx * ny * nz }
    public var dims: SIMD3<Int> { SIMD3(nx, ny, nz) }

    /// Volume of one voxel in Å³ (product of the three voxel sizes).
    public var voxelVolumeA3: Double { voxelSize.x * voxelSize.y * voxelSize.z }

    /// Whether the voxel sizes differ between axes (by more than 0.01 %).
    public var isAnisotropic: Bool {
        let v = voxelSize
        return abs(v.x - v.y) > 1e-4 * v.x || abs(v.x - v.z) > 1e-4 * v.x
    }

    /// Position in Å of voxel (0,0,0): the header ORIGIN if it is non-zero, else start index × voxel size
    /// (the two conventions in use: Chimera writes ORIGIN, CCP4 programs write start indices).
    public var originA: SIMD3<Double> {
        if headerOrigin != .zero { return headerOrigin }
        return SIMD3<Double>(Double(startIndex.x), Double(startIndex.y), Double(startIndex.z)) * voxelSize
    }

    @inline(__always) public func index(_ x: Int, _ y: Int, _ z: Int) -> Int { x + nx * (y + ny * z) }

    @inline(__always) public subscript(x: Int, y: Int, z: Int) -> Float {
        get { data[x + nx * (y + ny * z)] }
        set { data[x + nx * (y + ny * z)] = newValue }
    }
}
