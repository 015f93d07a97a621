// Map–model FSC (A.a) and map–model Guinier (A.c): a map made from the model and low-passed at a known
// resolution must give FSC 0.5 near that resolution; the crossing interpolation is checked by hand.
import Foundation
import Testing
@testable import Analysis
import MapIO
import ModelIO
import VolumeNumerics

@Test func fscCrossingInterpolatesByHand() {
    // Shells at 0.1 1/Å steps; FSC 1, 1, 0.9, 0.7, 0.3 → 0.5 is crossed halfway between 0.3 and 0.4 1/Å: 1/0.35 Å.
    let f = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
    let fsc: [Double?] = [1, 1, 0.9, 0.7, 0.3, 0.1]
    let d = MapModelFSC.crossing(fsc, frequencies: f, nyquistShell: 5, threshold: 0.5).resolutionA(f)
    #expect(d != nil && abs(d! - 1 / 0.35) < 1e-12, "crossing: expected \(1 / 0.35), got \(String(describing: d))")
    // A dip in the first two shells is ignored; a curve that stays above reaches Nyquist.
    let early: [Double?] = [1, 0.2, 0.9, 0.9, 0.9, 0.9]
    #expect(MapModelFSC.crossing(early, frequencies: f, nyquistShell: 5, threshold: 0.5) == .notBeforeNyquist)
    // Below from shell 2 on: no resolution (never the Nyquist value).
    let misplaced: [Double?] = [1, 0.6, 0.3, 0.1, nil, 0.2]
    #expect(MapModelFSC.crossing(misplaced, frequencies: f, nyquistShell: 5, threshold: 0.5) == .belowFromStart)
}

@Test func mapModelFSCFindsTheLowPassResolution() throws {
    let truth = 4.0
    let model = try phantomModel(b: 10)
    // Sharp model density (R = 2 Å blur), low-passed at 4 Å (raised cosine 5 % wide), plus 5 % noise.
    let sharp = ModelMap.simulate(model: model, on: phantomGrid(), resolutionA: 2.0).map
    var map: Volume = sharp.filtered(RaisedCosineLowPass(cutoffInvA: 1 / truth, widthInvA: 0.05 / truth))
    var sum = 0.0, sum2 = 0.0
    for v in map.data { sum += Double(v); sum2 += Double(v) * Double(v) }
    let mean = sum / Double(map.count)
    let sd = (sum2 / Double(map.count) - mean * mean).squareRoot()
    var rng = NoiseSource(seed: 11)
    for i in map.data.indices { map.data[i] += Float(0.05 * sd * rng.gaussian()) }
    let ctx = AnalysisContext(map: map, mapPath: "lowpass", threshold: mean + 2 * sd, resolution: truth, model: model)
    let a = try MapModelAgreementSection().run(ctx)
    let d05m = try #require(a.metrics["fsc_masked_0_5_A"]?.doubleValue)
    let d05u = try #require(a.metrics["fsc_unmasked_0_5_A"]?.doubleValue)
    let d0143 = try #require(a.metrics["fsc_masked_0_143_A"]?.doubleValue)
    print("map–model FSC 0.5: masked \(d05m) Å, unmasked \(d05u) Å; 0.143 masked \(d0143) Å (truth \(truth) Å)")
    #expect(abs(d05m - truth) < 0.4, "masked FSC 0.5: expected \(truth) Å, got \(d05m), error \(d05m - truth)")
    #expect(abs(d05u - truth) < 0.4, "unmasked FSC 0.5: expected \(truth) Å, got \(d05u), error \(d05u - truth)")
    #expect(d0143 <= d05m + 1e-9 && d0143 > truth - 0.6, "FSC 0.143 \(d0143) Å should be at or beyond 0.5's \(d05m) Å")
    // A.c on the map made from the model before the low-pass (its edge halves the amplitude of the shell at R,
    // which the correlation of two nearly flat ln|F| profiles of a B = 10 Å² model cannot absorb).
    var plain = sharp
    for i in plain.data.indices { plain.data[i] += Float(0.05 * sd * rng.gaussian()) }
    let c = try MapModelGuinierSection().run(AnalysisContext(map: plain, mapPath: "model", threshold: mean + 2 * sd,
                                                             resolution: truth, model: model))
    let g = try #require(c.metrics["guinier_correlation"]?.doubleValue)
    print("map–model Guinier correlation: \(g)")
    #expect(g > 0.9, "Guinier correlation of a map made from the model: expected > 0.9, got \(g)")
}

@Test func guinierCorrelationDropsForAFlatSpectrum() throws {
    // Pure noise has a flat ln|F| profile while the model's falls: the correlation must be low.
    let model = try phantomModel(b: 30)
    var rng = NoiseSource(seed: 5)
    var noise = phantomGrid()
    for i in noise.data.indices { noise.data[i] = Float(rng.gaussian()) }
    let ctx = AnalysisContext(map: noise, mapPath: "noise", threshold: 1, resolution: 3.0, model: model)
    let c = try MapModelGuinierSection().run(ctx)
    let g = try #require(c.metrics["guinier_correlation"]?.doubleValue)
    print("Guinier correlation, noise map: \(g)")
    #expect(g < 0.5 && c.status == .warnings, "noise map: expected correlation < 0.5 with a warning, got \(g)")
}
