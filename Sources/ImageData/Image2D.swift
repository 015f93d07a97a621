// A 2D image of float32 values indexed I[x, y], x fastest (as MRC stores it), with its pixel size in Å.
// The centre of an n-pixel axis is pixel n/2 (integer division), as in RELION and as the FFT's origin lands
// after a shift by n/2.

public struct Image2D: Sendable, Equatable {
    public var nx: Int
    public var ny: Int
    /// Pixel values, x fastest: index x + nx·y.
    public var data: [Float]
    /// Pixel size in Å (square pixels).
    public var pixelSizeA: Double

    public init(nx: Int, ny: Int, data: [Float], pixelSizeA: Double) {
        precondition(nx > 0 && ny > 0 && data.count == nx * ny, "Image2D: \(data.count) values for \(nx)×\(ny)")
        self.nx = nx; self.ny = ny; self.data = data; self.pixelSizeA = pixelSizeA
    }

    /// An image filled with `value`.
    public init(nx: Int, ny: Int, pixelSizeA: Double, value: Float = 0) {
        self.init(nx: nx, ny: ny, data: [Float](repeating: value, count: nx * ny), pixelSizeA: pixelSizeA)
    }

    @inline(__always) public subscript(x: Int, y: Int) -> Float {
        get { data[x + nx * y] }
        set { data[x + nx * y] = newValue }
    }

    /// Pixel index of the centre along x and y (n/2).
    public var centre: (x: Int, y: Int) { (nx / 2, ny / 2) }

    /// Mean and standard deviation (population) of all pixels.
    public var meanAndStd: (mean: Double, std: Double) {
        var s = 0.0, s2 = 0.0
        for v in data { s += Double(v); s2 += Double(v) * Double(v) }
        let n = Double(data.count)
        let m = s / n
        return (m, max(0, s2 / n - m * m).squareRoot())
    }
}
