// Student's t distribution and the one-sample t-test (docs/methods.md "0.c": background mean against 0).
//
// The two-sided p-value of t with ν degrees of freedom is P(|T| ≥ |t|) = I_x(ν/2, 1/2) with x = ν/(ν + t²),
// I the regularized incomplete beta function (Abramowitz & Stegun 26.7.1 with 26.5.27). I_x(a, b) is
// computed from its continued fraction (A&S 26.5.8) by the modified Lentz method, in logarithms, with the
// symmetry I_x(a, b) = 1 − I_{1−x}(b, a) when x > (a + 1)/(a + b + 2) so that the fraction converges
// quickly. Working in logarithms keeps tiny p-values (1e-300 and below) as log10 p instead of 0, and
// ln x, ln(1 − x) are formed from t²/ν directly so that large ν does not round x to 1. For large ν the
// distribution tends to the normal one.
import Foundation

public enum StudentT {
    /// Natural logarithm of the regularized incomplete beta function I_x(a, b), for a, b > 0, 0 ≤ x ≤ 1.
    /// `lnX` and `ln1mX` may be given when ln x and ln(1 − x) are known more accurately than from x.
    public static func logRegularizedIncompleteBeta(_ x: Double, a: Double, b: Double,
                                                    lnX: Double? = nil, ln1mX: Double? = nil) -> Double {
        precondition(a > 0 && b > 0, "logRegularizedIncompleteBeta: a, b must be positive, got \(a), \(b)")
        if x <= 0 { return -.infinity }
        if x >= 1 { return 0 }
        let lx = lnX ?? log(x), l1x = ln1mX ?? log1p(-x)
        if x <= (a + 1) / (a + b + 2) {
            return logFront(a: a, b: b, lnX: lx, ln1mX: l1x) + log(continuedFraction(x, a: a, b: b)) - log(a)
        }
        // Symmetry: I_x(a, b) = 1 − I_{1−x}(b, a); here I_{1−x}(b, a) is at most about 1/2.
        let other = exp(logFront(a: b, b: a, lnX: l1x, ln1mX: lx) + log(continuedFraction(1 - x, a: b, b: a)) - log(b))
        return log1p(-other)
    }

    /// Regularized incomplete beta function I_x(a, b).
    public static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        exp(logRegularizedIncompleteBeta(x, a: a, b: b))
    }

    /// ln( x^a (1 − x)^b / B(a, b) ).
    private static func logFront(a: Double, b: Double, lnX: Double, ln1mX: Double) -> Double {
        a * lnX + b * ln1mX - logBeta(a, b)
    }

    /// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).
    public static func logBeta(_ a: Double, _ b: Double) -> Double {
        lgamma(a) + lgamma(b) - lgamma(a + b)
    }

    /// The continued fraction of I_x(a, b) (A&S 26.5.8), by the modified Lentz method.
    private static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300, eps = 1e-15
        // Convergence needs about √max(a, b) terms for large parameters.
        let maxTerms = 1000 + Int(20 * max(a, b).squareRoot())
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...maxTerms {
            let md = Double(m)
            // Even step: d_{2m} = m(b − m)x / ((a + 2m − 1)(a + 2m)).
            var num = md * (b - md) * x / ((a + 2 * md - 1) * (a + 2 * md))
            d = 1 + num * d; if abs(d) < tiny { d = tiny }
            c = 1 + num / c; if abs(c) < tiny { c = tiny }
            d = 1 / d; h *= d * c
            // Odd step: d_{2m+1} = −(a + m)(a + b + m)x / ((a + 2m)(a + 2m + 1)).
            num = -(a + md) * (a + b + md) * x / ((a + 2 * md) * (a + 2 * md + 1))
            d = 1 + num * d; if abs(d) < tiny { d = tiny }
            c = 1 + num / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < eps { break }
        }
        return h
    }

    /// Natural logarithm of the two-sided p-value P(|T| ≥ |t|) for ν degrees of freedom (ν > 0).
    public static func logTwoSidedPValue(t: Double, df: Double) -> Double {
        precondition(df > 0, "StudentT: degrees of freedom must be positive, got \(df)")
        if t.isNaN { return .nan }
        if t.isInfinite { return -.infinity }
        if t == 0 { return 0 }
        let r = t * t / df   // x = 1/(1 + r), 1 − x = r/(1 + r)
        let lnX = -log1p(r)
        let ln1mX = log(r) - log1p(r)
        return logRegularizedIncompleteBeta(1 / (1 + r), a: df / 2, b: 0.5, lnX: lnX, ln1mX: ln1mX)
    }

    /// Two-sided p-value P(|T| ≥ |t|) for ν degrees of freedom (0 only below the smallest Double).
    public static func twoSidedPValue(t: Double, df: Double) -> Double {
        exp(logTwoSidedPValue(t: t, df: df))
    }

    /// log10 of the two-sided p-value (finite even when the p-value underflows a Double).
    public static func log10TwoSidedPValue(t: Double, df: Double) -> Double {
        logTwoSidedPValue(t: t, df: df) / log(10)
    }

    /// Cumulative distribution P(T ≤ t) for ν degrees of freedom.
    public static func cdf(_ t: Double, df: Double) -> Double {
        let half = 0.5 * twoSidedPValue(t: t, df: df)
        return t < 0 ? half : 1 - half
    }

    /// One-sample t-test of the hypothesis that the population mean is `mu0`.
    public struct OneSampleTest: Sendable, Equatable {
        public var t: Double
        public var degreesOfFreedom: Int
        /// Two-sided p-value.
        public var pValue: Double
        /// log10 of the two-sided p-value (finite when pValue underflows to 0).
        public var log10PValue: Double
    }

    /// One-sample t-test from the sample's mean, standard deviation (n − 1) and size n ≥ 2, with std > 0.
    public static func oneSampleTest(mean: Double, std: Double, count: Int, mu0: Double = 0) -> OneSampleTest {
        precondition(count >= 2 && std > 0, "StudentT.oneSampleTest: need n ≥ 2 and σ > 0, got n = \(count), σ = \(std)")
        let t = (mean - mu0) / (std / Double(count).squareRoot())
        let df = count - 1
        let lnP = logTwoSidedPValue(t: t, df: Double(df))
        return OneSampleTest(t: t, degreesOfFreedom: df, pValue: exp(lnP), log10PValue: lnP / log(10))
    }
}
