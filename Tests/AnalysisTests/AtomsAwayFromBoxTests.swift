// A model much larger than the map (issue 17, point 21: 200,000 atoms on a 47×52×35 map took 279 s): atoms
// farther from the box than their density reaches are counted and left out of every Level A computation, so
// the work scales with the atoms near the map. Truth: the model plus 20 far copies of itself gives the same
// Level A numbers as the model alone, and A.model counts the far atoms.
import Foundation
import Testing
import MapIO
import ModelIO
@testable import Analysis

@Suite struct AtomsAwayFromBoxTests {
    @Test func farAtomsAreCountedAndLeftOut() throws {
        let model = try phantomModel()
        let map = phantomMap(model, resolution: 3.0)
        var big = model
        for k in 1...20 {
            for a in model.atoms {
                var b = a
                b.position += SIMD3(1000 * Double(k), 0, 0)
                b.chain = "Z\(k)"
                big.atoms.append(b)
            }
        }
        let t = 0.1 * Double(map.data.max()!)
        let alone = AnalysisContext(map: map, mapPath: "phantom", threshold: t, resolution: 3.0, model: model)
        let crowd = AnalysisContext(map: map, mapPath: "phantom", threshold: t, resolution: 3.0, model: big)
        let data = try LevelAData.of(crowd)
        #expect(data.model.atoms.count == model.atoms.count && data.atomsAwayFromBox == 20 * model.atoms.count)
        for section in [MapModelAgreementSection() as any Section, AtomInclusionSection(), QScoreSection()] {
            let a = section.runIsolated(alone), b = section.runIsolated(crowd)
            #expect(a.status == b.status && a.metrics == b.metrics, "\(section.id): metrics differ with far atoms")
        }
        let described = AtomicModelSection().runIsolated(crowd)
        #expect(described.metrics["atoms"]?.intValue == 21 * model.atoms.count)
        #expect(described.metrics["atoms_away_from_box"]?.intValue == 20 * model.atoms.count)
        #expect(described.warnings.contains { $0.contains("left out of the Level A computations") }, "\(described.warnings)")
    }

    /// The cut-off distance is the radius where the atom's widest Gaussian falls to 10⁻⁴ (exp(−4π²r²/B) =
    /// 10⁻⁴ ⇒ r = √(ln 10⁴ · B) / 2π), here for carbon with B = 20 Å² on a grid of 1.2 Å voxels (base B
    /// 8π²·1.2² Å², with which the model map draws its atoms).
    @Test func densityRadiusIsTheTenThousandthCutOff() throws {
        let bMax = try #require(ElectronScatteringFactor(element: "C")).b.max()!
        let grid = Volume(nx: 8, ny: 8, nz: 8, voxelSize: SIMD3(1.2, 1.2, 1.2))
        let bt = bMax + 20 + 8 * Double.pi * Double.pi * 1.2 * 1.2
        let r = ModelMap.densityRadiusA(element: "C", bFactor: 20, grid: grid)
        #expect(abs(exp(-4 * Double.pi * Double.pi * r * r / bt) - 1e-4) < 1e-10)
    }
}
