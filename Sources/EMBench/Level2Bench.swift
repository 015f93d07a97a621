// `EMBench level2 N COUNT [STEP]`: the Level 2 orientation search (issue 12's budget: 100 classes of 128²
// against a 128³ map at 5° in C1 under 60 s on 2 cores), on the protein-like phantom and its own noisy
// projections. Prints the preparation (3D FFT, screening features) and the search separately, and peak memory.
import Foundation
import ImageData
import MapIO
import VolumeNumerics

func level2(n: Int, count: Int, stepDeg: Double) throws {
    let map = Phantom.proteinLike(n: n)
    let projector = FourierProjector(volume: map)
    var rng = SplitMix64(seed: 12)
    let classes = (0..<count).map { _ -> ImageData.Image2D in
        var img = projector.project(rot: 360 * rng.uniform(), tilt: acos(2 * rng.uniform() - 1) * 180 / .pi,
                                    psi: 360 * rng.uniform(), shiftX: 4 * rng.uniform() - 2, shiftY: 4 * rng.uniform() - 2)
        let sd = img.meanAndStd.std
        for i in 0..<img.data.count { img.data[i] += Float(0.3 * sd * rng.gaussian()) }
        return img
    }
    var search: ReprojectionSearch!
    let tPrep = seconds { search = ReprojectionSearch(map: map, symmetry: try! SymmetryGroup("C1"), stepDeg: stepDeg) }
    row("level 2: prepare (\(search.directionCount) directions)", tPrep)
    var matches: [ReprojectionMatch] = []
    let tSearch = seconds { matches = search.match(classes) }
    row("level 2: search \(count) classes of \(n)²", tSearch)
    row("level 2: total", tPrep + tSearch, cpu: nil)
    let cc = matches.map { $0.cc }
    print(String(format: "CC min %.3f, mean %.3f; peak memory: %.0f MiB", cc.min()!, cc.reduce(0, +) / Double(cc.count), peakRSSMiB()))
}
