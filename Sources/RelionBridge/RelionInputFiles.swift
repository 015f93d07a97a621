// The files relion_refine reads: a RELION 3.1 particle STAR file (data_optics + data_particles) with an MRC
// stack of the images, and the reference map. The particles go without angles or origins, so
// that RELION's assignment is its own (a global search from the reference, as VRS's 4.d1 runs it).
import Foundation
import ImageData
import MapIO

public enum RelionInputFiles {
    /// Names inside the work folder.
    public static let starName = "particles.star", stackName = "particles.mrcs"
    public static let referenceName = "reference.mrc"

    /// Writes the three files into `directory`. `images`: square, one box and pixel size (Å); `ctfs`: one per
    /// image, all nil for images without CTF; `micrographs`: one name per image (RELION's groups).
    public static func write(images: [Image2D], ctfs: [CTFParameters?], micrographs: [String],
                             reference: Volume, to directory: URL) throws {
        precondition(!images.isEmpty && images.count == ctfs.count && images.count == micrographs.count)
        let n = images[0].nx, px = images[0].pixelSizeA
        var data: [Float] = []
        data.reserveCapacity(n * n * images.count)
        for img in images {
            precondition(img.nx == n && img.ny == n, "RelionInputFiles: images of one square box")
            data += img.data
        }
        let stack = Volume(nx: n, ny: n, nz: images.count, data: data, voxelSize: SIMD3(px, px, px))
        try MRCWriter.write(stack, to: directory.appendingPathComponent(stackName).path, labels: ["emvalidate: particles for relion_refine"])
        try MRCWriter.write(reference, to: directory.appendingPathComponent(referenceName).path, labels: ["emvalidate: reference for relion_refine"])
        let text = star(box: n, pixelSizeA: px, ctfs: ctfs, micrographs: micrographs)
        try text.write(to: directory.appendingPathComponent(starName), atomically: true, encoding: .utf8)
    }

    /// The STAR text: one optics group per distinct (voltage, Cs, amplitude contrast); CTF columns only when
    /// every image has a CTF.
    static func star(box: Int, pixelSizeA: Double, ctfs: [CTFParameters?], micrographs: [String]) -> String {
        let withCTF = ctfs.allSatisfy { $0 != nil }
        struct Optics: Hashable { var kV: Double, csMM: Double, q0: Double }
        var groups: [Optics] = []
        var groupOf: [Int] = []
        for c in ctfs {
            let o = c.map { Optics(kV: $0.voltageKV, csMM: $0.sphericalAberrationMM, q0: $0.amplitudeContrast) }
                ?? Optics(kV: 300, csMM: 2.7, q0: 0.1)
            if let g = groups.firstIndex(of: o) { groupOf.append(g + 1) } else { groups.append(o); groupOf.append(groups.count) }
        }
        // The optics values are read by RELION only with --ctf; without CTFs the defaults above are inert.
        var s = "# version 30001\n\ndata_optics\n\nloop_\n_rlnOpticsGroup #1\n_rlnOpticsGroupName #2\n_rlnVoltage #3\n"
            + "_rlnSphericalAberration #4\n_rlnAmplitudeContrast #5\n_rlnImagePixelSize #6\n_rlnImageSize #7\n"
            + "_rlnImageDimensionality #8\n"
        for (k, o) in groups.enumerated() {
            s += "\(k + 1) opticsGroup\(k + 1) \(o.kV) \(o.csMM) \(o.q0) \(pixelSizeA) \(box) 2\n"
        }
        s += "\n# version 30001\n\ndata_particles\n\nloop_\n_rlnImageName #1\n_rlnMicrographName #2\n_rlnOpticsGroup #3\n"
        if withCTF {
            s += "_rlnDefocusU #4\n_rlnDefocusV #5\n_rlnDefocusAngle #6\n_rlnPhaseShift #7\n_rlnCtfBfactor #8\n"
        }
        for k in 0..<ctfs.count {
            // Micrograph names are RELION's groups for its scale and noise estimates; spaces would split a field.
            let mic = micrographs[k].isEmpty ? "micrograph" : micrographs[k].replacingOccurrences(of: " ", with: "_")
            s += "\(k + 1)@\(stackName) \(mic) \(groupOf[k])"
            if withCTF, let c = ctfs[k] {
                s += " \(c.defocusUA) \(c.defocusVA) \(c.defocusAngleDeg) \(c.phaseShiftDeg) \(c.bFactorA2)"
            }
            s += "\n"
        }
        return s
    }

    /// The radius outside which an image's background is measured, as a fraction of the box: relion_preprocess's
    /// default (`--bg_radius`, 75 % of half the box).
    public static let backgroundRadius = 0.375

    /// `image` with its background (the pixels outside `radiusPixels` of the centre) brought to mean 0 and
    /// standard deviation 1, as relion_preprocess normalises particles (RELION refuses images that are not).
    /// With fewer than 100 background pixels the whole image's statistics are used.
    public static func normalised(_ image: Image2D, radiusPixels: Double) -> Image2D {
        let cx = Double(image.nx / 2), cy = Double(image.ny / 2), r2 = radiusPixels * radiusPixels
        var s = 0.0, s2 = 0.0, c = 0
        for y in 0..<image.ny { for x in 0..<image.nx {
            let dx = Double(x) - cx, dy = Double(y) - cy
            if dx * dx + dy * dy > r2 { let v = Double(image[x, y]); s += v; s2 += v * v; c += 1 }
        } }
        if c < 100 {
            s = 0; s2 = 0; c = image.data.count
            for v in image.data { s += Double(v); s2 += Double(v) * Double(v) }
        }
        let mean = s / Double(c), sd = max((s2 / Double(c) - mean * mean).squareRoot(), 1e-20)
        var out = image
        for i in 0..<out.data.count { out.data[i] = Float((Double(out.data[i]) - mean) / sd) }
        return out
    }
}
