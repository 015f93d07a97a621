// Student-t distribution against closed forms (ν = 1, 2), the normal limit, and scipy/mpmath (oracle).
import Foundation
import TestSupport
import Testing
@testable import VolumeNumerics

@Suite struct StudentTTests {
    @Test func cauchyClosedForm() {
        // ν = 1 is the Cauchy distribution: P(|T| ≥ t) = 1 − 2·atan(t)/π.
        for t in [0.1, 1.0, 3.0, 12.7, 1000.0] {
            let expected = 1 - 2 * atan(t) / .pi
            let observed = StudentT.twoSidedPValue(t: t, df: 1)
            let err = abs(observed - expected) / expected
            #expect(err < 1e-12, "ν=1 t=\(t): expected \(expected), observed \(observed), rel. error \(err)")
        }
    }

    @Test func twoDegreesClosedForm() {
        // ν = 2: P(|T| ≥ t) = 1 − t/√(2 + t²).
        for t in [0.3, 2.0, 9.9, 250.0] {
            let expected = 1 - t / (2 + t * t).squareRoot()
            let observed = StudentT.twoSidedPValue(t: -t, df: 2)
            let err = abs(observed - expected) / expected
            #expect(err < 1e-9, "ν=2 t=\(t): expected \(expected), observed \(observed), rel. error \(err)")
        }
    }

    @Test func largeDegreesTendToNormal() {
        for t in [0.5, 2.0, 4.0] {
            let normal = 2 * Statistics.normalCDF(-t)
            let observed = StudentT.twoSidedPValue(t: t, df: 1e9)
            let err = abs(observed - normal) / normal
            #expect(err < 1e-6, "ν=1e9 t=\(t): normal \(normal), observed \(observed), rel. error \(err)")
        }
    }

    @Test func cdfIsSymmetricAndMonotone() {
        #expect(StudentT.cdf(0, df: 7) == 0.5)
        let a = StudentT.cdf(-1.5, df: 7), b = StudentT.cdf(1.5, df: 7)
        #expect(abs(a + b - 1) < 1e-14, "F(-t) + F(t) = \(a + b), expected 1")
        #expect(StudentT.cdf(1.0, df: 7) < StudentT.cdf(1.1, df: 7))
    }

    @Test func matchesScipyAndMpmath() throws {
        let cases: [(Double, Double)] = [
            (2.0, 5), (-2.571, 5), (0.2, 3), (1.0, 30), (3.5, 12), (6.0, 4), (12.0, 40), (-33.31, 2_188_035),
            (2.0, 1e6), (5.0, 1e7), (-8.0, 16_000_000), (0.01, 1e7), (30.0, 200), (38.0, 1e6), (40.0, 1e7),
            (60.0, 16_777_215),
        ]
        let data = try Level0Oracle.run("level0_student_t.py", cases.map { "\($0.0),\($0.1)" })
        let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let rows = json["cases"] as! [[String: Any]]
        #expect(rows.count == cases.count)
        for row in rows {
            let t = row["t"] as! Double, df = row["df"] as! Double
            let p = row["p"] as! Double
            if p > 0 {
                let observed = StudentT.twoSidedPValue(t: t, df: df)
                let err = abs(observed - p) / p
                #expect(err < 1e-8, "t=\(t) ν=\(df): scipy p \(p), observed \(observed), rel. error \(err)")
            } else if let log10P = row["log10_p"] as? Double {
                let observed = StudentT.log10TwoSidedPValue(t: t, df: df)
                let err = abs(observed - log10P)
                #expect(err < 1e-6, "t=\(t) ν=\(df): mpmath log10 p \(log10P), observed \(observed), error \(err)")
                #expect(StudentT.twoSidedPValue(t: t, df: df) < 1e-300)
            } else {
                Issue.record("t=\(t) ν=\(df): p underflows and mpmath is missing; install mpmath for this case")
            }
        }
    }

    @Test func oneSampleTestStatistic() {
        // Mean 0.1, σ 2, n 400: t = 0.1 / (2/20) = 1 exactly; ν = 399.
        let r = StudentT.oneSampleTest(mean: 0.1, std: 2, count: 400)
        #expect(abs(r.t - 1) < 1e-12, "t: expected 1, observed \(r.t)")
        #expect(r.degreesOfFreedom == 399)
        // P(|T| ≥ 1) for ν = 399 ≈ 0.31794 (normal: 0.31731); scipy gives 0.3179448...
        #expect(abs(r.pValue - 0.31794) < 1e-4, "p: expected ≈ 0.31794, observed \(r.pValue)")
    }
}
