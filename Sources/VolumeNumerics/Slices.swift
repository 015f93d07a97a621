// Planes cut from a volume: slices, projections (sum), standard-deviation projections.
//
// Convention (docs/methods.md "Conventions"): slice i along X is V[i, :, :]. A plane's u axis runs to the right and
// its v axis upwards: along X (u, v) = (Y, Z); along Y (u, v) = (X, Z); along Z (u, v) = (X, Y).
import MapIO

public enum Axis: Int, CaseIterable, Sendable, Codable {
    case x = 0, y = 1, z = 2
    public var name: String { ["X", "Y", "Z"][rawValue] }
}

/// A 2D array cut from a volume. Value (u, v) is `values[u + width * v]`.
public struct Plane: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var values: [Float]
    /// Pixel size in Å along u and v.
    public var pixelSizeA: SIMD2<Double>

    public init(width: Int, height: Int, values: [Float], pixelSizeA: SIMD2<Double>) {
        self.width = width; self.height = height; self.values = values; self.pixelSizeA = pixelSizeA
    }
}

extension Volume {
    /// Number of voxels along an axis.
    public func size(along axis: Axis) -> Int { [nx, ny, nz][axis.rawValue] }

    /// The in-plane axes (u, v) for planes perpendicular to `axis`.
    public static func planeAxes(_ axis: Axis) -> (u: Axis, v: Axis) {
        switch axis {
        case .x: return (.y, .z)
        case .y: return (.x, .z)
        case .z: return (.x, .y)
        }
    }

    private func planeGeometry(_ axis: Axis) -> (w: Int, h: Int, px: SIMD2<Double>) {
        let (u, v) = Volume.planeAxes(axis)
        return (size(along: u), size(along: v), SIMD2(voxelSize[u.rawValue], voxelSize[v.rawValue]))
    }

    /// Calls `body(u, v, k, value)` for every voxel, where k is the coordinate along `axis`.
    @inline(__always)
    private func forEachVoxel(across axis: Axis, _ body: (Int, Int, Int, Float) -> Void) {
        data.withUnsafeBufferPointer { p in
            var i = 0
            for z in 0..<nz { for y in 0..<ny { for x in 0..<nx {
                let val = p[i]; i += 1
                switch axis {
                case .x: body(y, z, x, val)
                case .y: body(x, z, y, val)
                case .z: body(x, y, z, val)
                }
            } } }
        }
    }

    /// The slice `index` perpendicular to `axis` (slice i along X is V[i, :, :]).
    public func slice(_ axis: Axis, _ index: Int) -> Plane {
        precondition(index >= 0 && index < size(along: axis), "slice \(index) outside 0..<\(size(along: axis))")
        let g = planeGeometry(axis)
        var out = [Float](repeating: 0, count: g.w * g.h)
        for v in 0..<g.h {
            for u in 0..<g.w {
                let (x, y, z): (Int, Int, Int)
                switch axis {
                case .x: (x, y, z) = (index, u, v)
                case .y: (x, y, z) = (u, index, v)
                case .z: (x, y, z) = (u, v, index)
                }
                out[u + g.w * v] = data[x + nx * (y + ny * z)]
            }
        }
        return Plane(width: g.w, height: g.h, values: out, pixelSizeA: g.px)
    }

    /// The central slice index along an axis: N/2 (integer division).
    public func centralIndex(_ axis: Axis) -> Int { size(along: axis) / 2 }

    /// Variance (population) of each slice perpendicular to `axis`.
    public func sliceVariances(_ axis: Axis) -> [Double] {
        let n = size(along: axis)
        var sum = [Double](repeating: 0, count: n), sum2 = sum
        forEachVoxel(across: axis) { _, _, k, val in
            let d = Double(val); sum[k] += d; sum2[k] += d * d
        }
        return SliceVariance.variances(sums: sum, sumsOfSquares: sum2, valuesPerSlice: Double(count / n))
    }

    /// The index of the slice with the largest 2D variance along `axis` (the first one on ties).
    public func maxVarianceIndex(_ axis: Axis) -> Int { SliceVariance.largest(sliceVariances(axis)) }

    /// Projection along `axis`: the sum over that axis.
    public func projection(_ axis: Axis) -> Plane {
        let g = planeGeometry(axis)
        var acc = [Double](repeating: 0, count: g.w * g.h)
        forEachVoxel(across: axis) { u, v, _, val in acc[u + g.w * v] += Double(val) }
        return Plane(width: g.w, height: g.h, values: acc.map { Float($0) }, pixelSizeA: g.px)
    }

    /// Standard-deviation projection along `axis`: the standard deviation (population) of the values on
    /// each line parallel to `axis` (as in EMDB's validation report).
    public func stdProjection(_ axis: Axis) -> Plane {
        let g = planeGeometry(axis)
        var s = [Double](repeating: 0, count: g.w * g.h), s2 = s
        forEachVoxel(across: axis) { u, v, _, val in
            let d = Double(val); s[u + g.w * v] += d; s2[u + g.w * v] += d * d
        }
        let n = Double(size(along: axis))
        let out = (0..<s.count).map { i in Float(max(0, s2[i] / n - (s[i] / n) * (s[i] / n)).squareRoot()) }
        return Plane(width: g.w, height: g.h, values: out, pixelSizeA: g.px)
    }
}

/// Slice variances from per-slice sums, shared by every volume-like type that picks its "slice of largest
/// variance" (volumes, cropped volumes, binary masks, the input section's one-pass sums).
public enum SliceVariance {
    /// Population variance of each slice from its sum and sum of squares over `m` values (≥ 0).
    public static func variances(sums: [Double], sumsOfSquares: [Double], valuesPerSlice m: Double) -> [Double] {
        sums.indices.map { k in max(0, sumsOfSquares[k] / m - (sums[k] / m) * (sums[k] / m)) }
    }

    /// The index of the largest variance (the first one on ties).
    public static func largest(_ variances: [Double]) -> Int {
        var best = 0
        for k in variances.indices.dropFirst() where variances[k] > variances[best] { best = k }
        return best
    }
}
