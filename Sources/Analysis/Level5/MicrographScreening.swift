// 5.a Micrograph screening without network weights. VRS flags coordinates with MicrographCleaner (a neural
// network trained on aggregates, contamination, thick ice and carbon). We detect the same kinds of bad area from
// the micrograph itself, as regions whose local density is an outlier of the micrograph's own distribution:
//  1. bin the micrograph (block averages) so that a binned pixel is at least 10 Å (Nyquist 20 Å, the low-pass the
//     issue asks for) and the image at most 1024 pixels wide — at this scale single particles are faint and ice,
//     carbon and contamination remain;
//  2. local median in a square window half a particle box wide: a median keeps the step at the border of ice or
//     carbon where it is (a local mean would spread every region by the window's radius and flag the particles
//     around it), and a particle covering less than half the window hardly moves it;
//  3. robust z-score of each local median against the micrograph: (m − median) / (1.4826 · MAD);
//  4. bad regions: 8-connected areas with |z| ≥ 3 covering at least one box area (thick ice and carbon are darker,
//     holes and broken ice brighter; a region smaller than a particle is noise or a particle, not an area);
//  5. per coordinate a score in [0, 1]: 1 when the particle's box leaves the micrograph (closer than half a box to
//     the edge); inside a bad region 0.5 + (|z| − 3)/6 (capped at 1); elsewhere at most 0.49, rising with |z|
//     from 2. A coordinate is flagged when its score is ≥ 0.5.
// The robust statistics assume that most of the micrograph is good: a micrograph more than half covered by
// carbon makes carbon the reference. Warning (VRS): more than 20 % of the coordinates flagged.
import Foundation
import VolumeNumerics

public struct MicrographScreen: Sendable {
    /// Binning factor and the binned image (width × height, x fastest), pixel size in Å.
    public var bin: Int
    public var width: Int, height: Int
    public var pixelSizeA: Double
    public var binned: [Float]
    /// Robust z-score of the local median, per binned pixel.
    public var z: [Float]
    /// Binned pixels in a bad region.
    public var bad: [Bool]
    /// Number of bad regions and their area (fraction of the micrograph).
    public var regions: Int
    public var badFraction: Double
}

public struct CoordinateScore: Sendable, Equatable {
    /// Score in [0, 1]; flagged when ≥ 0.5.
    public var score: Double
    public var nearEdge: Bool
    public var inBadRegion: Bool
    public var z: Double
    public var flagged: Bool { score >= 0.5 }
}

public enum MicrographScreening {
    public static let zRegion = 3.0
    public static let zSoft = 2.0
    public static let flagThreshold = 0.5
    /// VRS's rule.
    public static let maximumFlaggedFraction = 0.2

    /// The binning that makes a pixel ≥ 10 Å (a 20 Å Nyquist) and the image ≤ 1024 pixels wide.
    public static func binning(width: Int, height: Int, pixelSizeA: Double) -> Int {
        max(1, Int((10 / pixelSizeA).rounded(.up)), Int((Double(max(width, height)) / 1024).rounded(.up)))
    }

    /// Block averages of `bin` × `bin` pixels (the last partial blocks dropped).
    public static func binned(_ pixels: [Float], width: Int, height: Int, by bin: Int) -> (pixels: [Float], width: Int, height: Int) {
        let w = max(1, width / bin), h = max(1, height / bin)
        var out = [Float](repeating: 0, count: w * h)
        let b = min(bin, width, height)
        for y in 0..<h { for x in 0..<w {
            var s = 0.0
            for yy in (y * b)..<(y * b + b) { for xx in (x * b)..<(x * b + b) { s += Double(pixels[xx + width * yy]) } }
            out[x + w * y] = Float(s / Double(b * b))
        } }
        return (out, w, h)
    }

    /// Median in a (2r+1)² window clipped at the borders (upper median for an even count).
    public static func localMedian(_ p: [Float], width w: Int, height h: Int, radius r: Int) -> [Float] {
        let out = UnsafeMutableBufferPointer<Float>.allocate(capacity: w * h)
        defer { out.deallocate() }
        Parallel.perform(iterations: h) { y in
            var window: [Float] = []
            window.reserveCapacity((2 * r + 1) * (2 * r + 1))
            for x in 0..<w {
                window.removeAll(keepingCapacity: true)
                for yy in max(0, y - r)..<min(h, y + r + 1) { for xx in max(0, x - r)..<min(w, x + r + 1) { window.append(p[xx + w * yy]) } }
                window.sort()
                out[x + w * y] = window[window.count / 2]   // each thread writes its own row
            }
        }
        return Array(out)
    }

    /// (v − median) / (1.4826 · MAD); a zero MAD (a flat image) gives z = 0 everywhere.
    public static func robustZ(_ v: [Float]) -> [Float] {
        let sorted = v.sorted()
        let med = Double(sorted[sorted.count / 2])
        let dev = v.map { abs(Double($0) - med) }.sorted()
        let mad = 1.4826 * dev[dev.count / 2]
        guard mad > 0 else { return [Float](repeating: 0, count: v.count) }
        return v.map { Float((Double($0) - med) / mad) }
    }

    /// Screens a micrograph for bad regions; `boxPixels` is the particle box in micrograph pixels.
    public static func screen(_ pixels: [Float], width: Int, height: Int, pixelSizeA: Double, boxPixels: Int) -> MicrographScreen {
        let bin = binning(width: width, height: height, pixelSizeA: pixelSizeA)
        let (b, w, h) = binned(pixels, width: width, height: height, by: bin)
        let boxBinned = max(1.0, Double(boxPixels) / Double(bin))
        let local = localMedian(b, width: w, height: h, radius: max(1, Int((boxBinned / 4).rounded())))
        let z = robustZ(local)
        let outlier = BinaryMask(nx: w, ny: h, nz: 1, voxels: z.map { abs(Double($0)) >= zRegion })
        let labels = ConnectedComponents.label(outlier, connectivity: .edge)
        let minimumArea = Int((boxBinned * boxBinned).rounded())
        let big = Set(labels.sizes.indices.filter { labels.sizes[$0] >= minimumArea }.map { $0 + 1 })
        let volume = labels.labelVolume()
        let bad = volume.map { big.contains(Int($0)) }
        let badCount = bad.filter { $0 }.count
        return MicrographScreen(bin: bin, width: w, height: h, pixelSizeA: pixelSizeA * Double(bin), binned: b, z: z,
                                bad: bad, regions: big.count, badFraction: Double(badCount) / Double(max(1, w * h)))
    }

    /// The score of a particle at (x, y) micrograph pixels with a box of `boxPixels`, on a micrograph of
    /// `width` × `height` pixels.
    public static func score(_ s: MicrographScreen, x: Double, y: Double, boxPixels: Int, width: Int, height: Int) -> CoordinateScore {
        let half = Double(boxPixels) / 2
        let nearEdge = x < half || y < half || Double(width) - x < half || Double(height) - y < half
        let bx = min(s.width - 1, max(0, Int(x / Double(s.bin)))), by = min(s.height - 1, max(0, Int(y / Double(s.bin))))
        let z = Double(s.z[bx + s.width * by])
        let inBad = s.bad[bx + s.width * by]
        var score: Double
        if inBad { score = min(1, 0.5 + (abs(z) - zRegion) / 6) }
        else { score = min(0.49, max(0, (abs(z) - zSoft) / (zRegion - zSoft) * 0.49)) }
        if nearEdge { score = 1 }
        return CoordinateScore(score: score, nearEdge: nearEdge, inBadRegion: inBad, z: z)
    }
}
