// Fit check and model map: the real DAQ fixture fits in place; a 5 Å shift and a wrong origin are caught;
// the simulated density integrates to Σ occupancy·f(0) (the scattering factor at s = 0) and matches an
// independent numpy computation (Tests/Oracles/levelA_model_map.py).
import Foundation
import Testing
@testable import Analysis
import MapIO
import ModelIO

@Test func daqModelFitsInPlace() throws {
    let (map, model) = try daqFixture()
    let ctx = AnalysisContext(map: map, mapPath: daqMapPath, threshold: 0.2, resolution: 3.2, model: model)
    let r = try FitCheckSection().run(ctx)
    let cc = try #require(r.metrics["cc_mask_in_place"]?.doubleValue)
    print("DAQ CC_mask in place: \(cc)")
    #expect(cc > 0.6, "DAQ CC_mask in place: expected > 0.6, got \(cc)")
    #expect(r.status == .ok, "warnings: \(r.warnings)")
    let m = try AtomicModelSection().run(ctx)
    #expect(m.metrics["atoms_inside_box"]?.intValue == 1428, "inside: \(String(describing: m.metrics["atoms_inside_box"]))")
}

@Test func shiftedModelIsCaught() throws {
    let (map, model) = try daqFixture()
    let shifted = model.shifted(by: SIMD3(5, 0, 0))
    let ctx = AnalysisContext(map: map, mapPath: daqMapPath, threshold: 0.2, resolution: 3.2, model: shifted)
    let r = try FitCheckSection().run(ctx)
    let cc = try #require(r.metrics["cc_mask_in_place"]?.doubleValue)
    print("DAQ CC_mask shifted 5 Å: \(cc)")
    #expect(cc < 0.5, "CC_mask after a 5 Å shift: expected < 0.5, got \(cc)")
    #expect(r.status == .warnings && r.metrics["best_candidate"] == .null, "\(r.warnings)")
}

@Test func wrongOriginIsExplained() throws {
    // A model built against the map with its ORIGIN ignored (voxel 0 taken at 0 Å): the fit check must
    // report that voxel 0 at "zero" explains the fit, without moving the model.
    let (map, model) = try daqFixture()
    let ctx = AnalysisContext(map: map, mapPath: daqMapPath, threshold: 0.2, resolution: 3.2,
                              model: model.shifted(by: -map.headerOrigin))
    let r = try FitCheckSection().run(ctx)
    #expect(r.status == .warnings)
    #expect(r.metrics["best_candidate"]?.stringValue?.contains("zero") == true, "best candidate: \(String(describing: r.metrics["best_candidate"]))")
    let cc = try #require(r.metrics["best_candidate_cc_mask"]?.doubleValue)
    let inPlace = try #require(FitCheckSection().run(AnalysisContext(map: map, mapPath: daqMapPath, threshold: 0.2, resolution: 3.2,
                                                                     model: model)).metrics["cc_mask_in_place"]?.doubleValue)
    #expect(abs(cc - inPlace) < 0.01, "CC_mask under the right candidate: expected the in-place \(inPlace), got \(cc)")
}

@Test func modelOutsideTheBoxIsReportedNotCrashed() throws {
    let (map, model) = try daqFixture()
    let ctx = AnalysisContext(map: map, mapPath: daqMapPath, threshold: 0.2, resolution: 3.2,
                              model: model.shifted(by: SIMD3(500, 0, 0)))
    let m = try AtomicModelSection().run(ctx)
    #expect(m.status == .warnings && m.metrics["atoms_inside_box"]?.intValue == 0, "\(m.warnings)")
    #expect(m.warnings.first?.contains("do not overlap") == true)
    let results = LevelASections.all.map { $0.runIsolated(ctx) }
    for r in results { #expect(r.status != .ok || r.id == "A.c", "\(r.id) is ok for a model outside the box") }
    #expect(results.first { $0.id == "A.a" }?.status == .failed)
    // Without a model every Level A section does not apply.
    let none = AnalysisContext(map: map, mapPath: daqMapPath, threshold: 0.2, resolution: 3.2)
    for s in LevelASections.all {
        let r = s.runIsolated(none)
        #expect(r.status == .notApplicable && r.reason == "no atomic model given", "\(r.id): \(r.status)")
    }
}
