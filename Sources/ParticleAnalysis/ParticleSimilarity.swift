// 4.a Similarity between each particle and the CTF-modulated projection of the map at its assigned angles
// and origin: the correlation within a circular mask (ImageData.GreyLevelFit) and the image Euclidean
// distance IMED (Wang, Zhang & Feng 2005; used for cryo-EM by Sorzano et al. 2015). IMED weighs pixel
// differences by a Gaussian of their distance, (x−y)ᵀG(x−y) with G_ij = exp(−|P_i−P_j|²/2)/2π; that is
// the squared norm of the difference after convolution with G^½, a Gaussian of variance ½ pixel². Both images
// are first standardised within the mask (their scales are arbitrary), and the mean over the mask is reported.
import Foundation
import ImageData
import MapIO

public struct SimilarityScores: Sendable, Equatable, Codable {
    public var cc: Double
    public var imed: Double
}

public enum ParticleSimilarity {
    /// The projection at `angles` moved by −origin (RELION's origin, Å), multiplied by the CTF (nil: none).
    public static func modelImage(_ projector: FourierProjector, angles: EulerAngles, originA: SIMD2<Double>,
                                  ctf: CTF?) -> Image2D {
        let px = projector.pixelSizeA, n = projector.size
        var s = projector.sliceSpectrum(angles, shiftX: -originA.x / px, shiftY: -originA.y / px)
        if let ctf {
            let c = ctf.halfSpectrum(size: n, pixelSizeA: px)
            for i in 0..<s.data.count { s.data[i] *= c[i] }
        }
        return FFT2D.inverse(s)
    }

    public static func scores(image: Image2D, model: Image2D, mask: CircularMask) -> SimilarityScores {
        let cc = GreyLevelFit(reference: model, image: image, mask: mask).cc
        let a = standardised(image, mask), b = standardised(model, mask)
        let n = image.nx
        var diff = Image2D(nx: n, ny: n, data: zip(a, b).map { $0 - $1 }, pixelSizeA: image.pixelSizeA)
        var f = FFT2D.forward(diff)
        // Convolution with G^½: a Gaussian of variance ½ pixel², exp(−2π²·½·|k/n|²) in Fourier space.
        for j in 0..<n {
            let ky = Double(f.ky(j)) / Double(n)
            for i in 0..<f.hx {
                let kx = Double(i) / Double(n)
                let k2: Double = kx * kx + ky * ky
                let g = Float(exp(-Double.pi * Double.pi * k2))
                f.data[i + f.hx * j] *= g
            }
        }
        diff = FFT2D.inverse(f)
        var imed = 0.0
        for i in mask.indices { imed += Double(diff.data[i] * diff.data[i]) }
        return SimilarityScores(cc: cc, imed: imed / Double(mask.indices.count))
    }

    static func standardised(_ img: Image2D, _ mask: CircularMask) -> [Float] {
        var s = 0.0, ss = 0.0
        for i in mask.indices { let v = Double(img.data[i]); s += v; ss += v * v }
        let m = s / Double(mask.indices.count)
        let sd = max((ss / Double(mask.indices.count) - m * m).squareRoot(), 1e-30)
        return img.data.map { Float((Double($0) - m) / sd) }
    }

    /// Number of modes of a sample: local maxima of its Gaussian kernel density (Silverman's bandwidth, 256
    /// points) at least 10 % of the highest, counted as separate when the density between two of them dips
    /// below 80 % of the lower one.
    public static func modeCount(_ x: [Double]) -> Int {
        guard x.count >= 10 else { return 1 }
        let n = Double(x.count), mean = x.reduce(0, +) / n
        let sd = (x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot()
        let sorted = x.sorted()
        let iqr = sorted[Int(0.75 * (n - 1))] - sorted[Int(0.25 * (n - 1))]
        let h = 0.9 * max(min(sd, iqr / 1.34), 1e-12) * pow(n, -0.2)
        let lo = sorted.first! - 3 * h, hi = sorted.last! + 3 * h
        let grid = (0..<256).map { lo + (hi - lo) * Double($0) / 255 }
        let d = grid.map { g in x.reduce(0) { $0 + exp(-0.5 * (($1 - g) / h) * (($1 - g) / h)) } }
        let top = d.max()!
        var peaks: [Int] = []
        for i in 1..<255 where d[i] >= d[i - 1] && d[i] > d[i + 1] && d[i] >= 0.1 * top { peaks.append(i) }
        var modes = 1
        var last = peaks.first
        for p in peaks.dropFirst() {
            let dip = d[last!...p].min()!
            if dip < 0.8 * min(d[last!], d[p]) { modes += 1; last = p } else if d[p] > d[last!] { last = p }
        }
        return modes
    }
}
