// Writes particles in 2D classes for the Level 3 tests: a RELION 3.1 STAR file and its stack, and a class stack.
// Each class is a view of a GaussianPhantom (rot, tilt); its particles are analytic projections at that view
// with a few degrees of jitter, any in-plane angle, an origin within ±2 Å and a CTF (TestCTF), plus Gaussian
// noise. An optional junk class holds pure-noise images and "ice" blobs (broad Gaussian bumps of random place,
// width and sign). The class images are the noiseless projections at the views (CTF-corrected averages, as
// RELION's are), and the junk class's image is the plain mean of its particles.
import Foundation
import ImageData
import MapIO
import TestSupport
import VolumeNumerics

struct SimulatedClasses {
    var box = 32, pixelSizeA = 2.0, seed: UInt64 = 51
    var views: [(rot: Double, tilt: Double)] = [(0, 0), (90, 90), (0, 90)]
    var perView = [40, 40, 40]
    /// Noise standard deviation per view (absolute, in the projections' units; the last value for further views).
    var noiseSD = [1.0, 1.0, 1.0]
    var jitterDeg = 3.0
    /// Junk particles: pure noise and ice blobs, in an extra class after the views.
    var junkNoise = 0, junkBlobs = 0
    var withClassNumbers = true

    struct Written { var star: String; var classes: String; var folder: URL }

    /// The noiseless projection of view v (no CTF), in-plane angle 0.
    func classImage(_ phantom: GaussianPhantom, view v: Int) -> [Float] {
        phantom.projection(box: box, pixelSizeA: pixelSizeA, orientation: EulerAngles(rot: views[v].rot, tilt: views[v].tilt, psi: 0).matrix)
    }

    /// Writes the particles and the classes; `replaceClass` swaps class images (1-based index → pixels).
    func write(_ phantom: GaussianPhantom, replaceClass: [Int: [Float]] = [:], name: String = #function) throws -> Written {
        let dir = try TestScratch.directory("emv-classes", for: name)
        var rng = SplitMix64(seed: seed)
        var rows: [String] = [], images: [Float] = []
        var count = 0
        func add(_ img: [Float], defocus: Double, classNumber: Int) {
            count += 1
            images += img
            rows.append("\(count)@particles.mrcs mic\(count % 5).mrc 1 \(defocus) \(defocus) 0.0" + (withClassNumbers ? " \(classNumber)" : ""))
        }
        for (v, n) in perView.enumerated() {
            for _ in 0..<n {
                let rot = views[v].rot + (rng.uniform() - 0.5) * 2 * jitterDeg
                let tilt = views[v].tilt + (rng.uniform() - 0.5) * 2 * jitterDeg
                let psi = rng.uniform() * 360
                let origin = SIMD2((rng.uniform() - 0.5) * 4, (rng.uniform() - 0.5) * 4)
                let defocus = 10000 + Double(count % 11) * 1200
                let clean = TestCTF(defocusA: defocus).apply(
                    to: phantom.projection(box: box, pixelSizeA: pixelSizeA, orientation: EulerAngles(rot: rot, tilt: tilt, psi: psi).matrix, originA: origin),
                    box: box, pixelSizeA: pixelSizeA)
                add(clean.map { $0 + Float(rng.gaussian() * noiseSD[min(v, noiseSD.count - 1)]) }, defocus: defocus, classNumber: v + 1)
            }
        }
        var junk: [[Float]] = []
        for j in 0..<(junkNoise + junkBlobs) {
            var img = (0..<box * box).map { _ in Float(rng.gaussian() * noiseSD[0]) }
            if j >= junkNoise {
                let cx = (rng.uniform() - 0.5) * Double(box) / 2, cy = (rng.uniform() - 0.5) * Double(box) / 2
                let sigma = Double(box) * (0.08 + 0.12 * rng.uniform())
                let amplitude = (rng.uniform() < 0.5 ? -1.0 : 1.0) * (3 + 4 * rng.uniform())
                for y in 0..<box { for x in 0..<box {
                    let dx = Double(x - box / 2) - cx, dy = Double(y - box / 2) - cy
                    img[x + box * y] += Float(amplitude * exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)))
                } }
            }
            junk.append(img)
            add(img, defocus: 15000, classNumber: views.count + 1)
        }
        let stack = Volume(nx: box, ny: box, nz: count, data: images, voxelSize: SIMD3(repeating: pixelSizeA))
        try MRCWriter.write(stack, to: dir.appendingPathComponent("particles.mrcs").path, labels: ["simulated particles"])
        var classImages = views.indices.map { classImage(phantom, view: $0) }
        if !junk.isEmpty {
            classImages.append((0..<box * box).map { i in junk.reduce(Float(0)) { $0 + $1[i] } / Float(junk.count) })
        }
        for (k, img) in replaceClass { classImages[k - 1] = img }
        let classes = Volume(nx: box, ny: box, nz: classImages.count, data: classImages.flatMap { $0 }, voxelSize: SIMD3(repeating: pixelSizeA))
        let classPath = dir.appendingPathComponent("classes.mrcs").path
        try MRCWriter.write(classes, to: classPath, labels: ["simulated 2D classes"])
        let star = relion31Star(pixelSizeA: pixelSizeA, box: box, extraColumns: withClassNumbers ? ["rlnClassNumber"] : [], rows: rows)
        let path = dir.appendingPathComponent("particles.star").path
        try star.write(toFile: path, atomically: true, encoding: .utf8)
        return Written(star: path, classes: classPath, folder: dir)
    }

    /// A thin ring of radius 0.3 box (another object than the phantom).
    func ring() -> [Float] {
        (0..<box * box).map { i in
            let dx = Double(i % box - box / 2), dy = Double(i / box - box / 2)
            let r = (dx * dx + dy * dy).squareRoot()
            return Float(4 * exp(-pow(r - 0.3 * Double(box), 2) / 2))
        }
    }
}
