// Changing an image's sampling (Fourier cropping or zero-padding: band-limited, no interpolation blur) and
// its box (centred crop or pad), for bringing 2D classes to a map's pixel size and box.
import Foundation

extension Image2D {
    /// The same field of view on an m×m grid (square images): the transform is cropped or zero-padded, so the
    /// pixel size becomes pixelSizeA·n/m. Values keep their scale (a constant image stays constant).
    public func fourierResampled(to m: Int) -> Image2D {
        precondition(nx == ny, "fourierResampled needs a square image")
        let n = nx
        if m == n { return self }
        let f = FFT2D.forward(self)
        let hn = n / 2 + 1, hm = m / 2 + 1
        var g = [SIMD2<Float>](repeating: .zero, count: hm * m)
        // Frequencies |k| < min(n, m)/2 along each axis are copied; the smaller grid's Nyquist is dropped.
        let keep = min(n, m) / 2
        for j in 0..<m {
            let ky = j < (m + 1) / 2 ? j : j - m
            guard abs(ky) < keep else { continue }
            let src = ky >= 0 ? ky : ky + n
            for i in 0..<min(hm, hn, keep) { g[i + hm * j] = f.data[i + hn * src] }
        }
        // Scale so that the inverse (÷ m²) restores the values (the forward summed n² pixels).
        let s = Float(m * m) / Float(n * n)
        for i in 0..<g.count { g[i] *= s }
        return FFT2D.inverse(Spectrum2D(nx: m, ny: m, pixelSizeA: pixelSizeA * Double(n) / Double(m), data: g))
    }

    /// A centred m×m window (crop, or pad with `fill`); the centre pixel n/2 goes to m/2.
    public func windowed(to m: Int, fill: Float = 0) -> Image2D {
        var out = Image2D(nx: m, ny: m, pixelSizeA: pixelSizeA, value: fill)
        let ox = nx / 2 - m / 2, oy = ny / 2 - m / 2
        for y in 0..<m {
            let sy = y + oy
            guard sy >= 0 && sy < ny else { continue }
            for x in 0..<m {
                let sx = x + ox
                if sx >= 0 && sx < nx { out[x, y] = self[sx, sy] }
            }
        }
        return out
    }

    /// The mean of the pixels outside radius 0.45·n (the background of a centred particle or class).
    public var edgeMean: Float {
        let r2 = pow(0.45 * Double(min(nx, ny)), 2)
        var s = 0.0, c = 0
        for y in 0..<ny { for x in 0..<nx {
            let dx = Double(x - nx / 2), dy = Double(y - ny / 2)
            if dx * dx + dy * dy > r2 { s += Double(self[x, y]); c += 1 }
        } }
        return c > 0 ? Float(s / Double(c)) : 0
    }

    /// This image at `pixelSizeA` Å/pixel in an m×m box: Fourier resampling to the nearest whole number of
    /// pixels covering the same field, then a centred crop or pad (with the edge mean). The pixel size reached
    /// differs from the one asked by less than half a pixel over the field (returned in the image).
    public func resampled(pixelSizeA target: Double, box m: Int) -> Image2D {
        let field = Double(nx) * pixelSizeA
        let n2 = max(2, Int((field / target).rounded()))
        let r = fourierResampled(to: n2)
        return r.windowed(to: m, fill: r.edgeMean)
    }
}
