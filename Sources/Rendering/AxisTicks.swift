// Axis ranges, tick positions and tick labels for plots: linear axes with "nice" steps (1, 2, 2.5, 5 × 10^k,
// as matplotlib's MaxNLocator), log axes with decade ticks (labels 10ⁿ) and minor ticks at 2…9 × 10ⁿ, and
// spatial-frequency axes (x in 1/Å) whose ticks sit at round resolutions and are labelled in Å (d = 1/f).
//
// Conventions: positions are data values (not transformed); a log axis maps v to log10(v).
import Foundation

/// One tick: data value, label (empty for a minor tick).
struct Tick: Equatable {
    var value: Double
    var label: String
    var major: Bool { !label.isEmpty }
}

enum AxisTicks {
    /// A nice step of about span / target: 1, 2, 2.5 or 5 × 10^k.
    /// `wholeNumbers`: steps of 1, 2, 5, 10, … only (an axis of counts has no tick at 35.5 or 2.5).
    static func niceStep(span: Double, target: Int, wholeNumbers: Bool = false) -> Double {
        guard span > 0, span.isFinite else { return 1 }
        let raw = span / Double(max(1, target))
        if wholeNumbers && raw <= 1 { return 1 }
        let mag = pow(10, floor(log10(raw)))
        for m in wholeNumbers && mag < 10 ? [1.0, 2.0, 5.0, 10.0] : [1.0, 2.0, 2.5, 5.0, 10.0] where m * mag >= raw * 0.999 { return m * mag }
        return 10 * mag
    }

    /// Major ticks of a linear axis covering [lo, hi] (ticks inside the range only).
    static func linear(lo: Double, hi: Double, target: Int = 6, wholeNumbers: Bool = false) -> [Tick] {
        guard lo.isFinite, hi.isFinite, hi > lo else { return [] }
        let step = niceStep(span: hi - lo, target: target, wholeNumbers: wholeNumbers)
        let first = (lo / step).rounded(.up), last = (hi / step).rounded(.down)
        guard last >= first, last - first < 1000 else { return [] }
        let values = stride(from: first, through: last, by: 1).map { k -> Double in
            let v = k * step
            return abs(v) < step * 1e-9 ? 0 : v   // avoid "-0" and 1e-17 labels
        }
        return values.map { Tick(value: $0, label: formatLinear($0, step: step, magnitude: max(abs(lo), abs(hi)))) }
    }

    /// Label for a linear tick: enough decimals for the step; ×10ⁿ notation for very large or small values.
    static func formatLinear(_ v: Double, step: Double, magnitude: Double) -> String {
        if v == 0 { return "0" }
        let useExp = magnitude >= 1e5 || magnitude < 1e-3
        if useExp {
            let e = Int(floor(log10(abs(v)) + 1e-9))
            let mant = v / pow(10, Double(e))
            let stepMant = step / pow(10, Double(e))
            let dec = max(0, min(4, decimals(for: stepMant)))
            var ms = String(format: "%.\(dec)f", mant)
            if ms == "1" { ms = "" } else if ms == "-1" { ms = "−" } else { ms = ms.replacingOccurrences(of: "-", with: "−") + "×" }
            return ms + "10" + superscript(e)
        }
        let dec = max(0, min(8, decimals(for: step)))
        return String(format: "%.\(dec)f", v).replacingOccurrences(of: "-", with: "−")
    }

    /// Decimals needed to print multiples of `step` exactly (2.5 × 10^k needs one more).
    static func decimals(for step: Double) -> Int {
        guard step > 0, step.isFinite else { return 0 }
        var d = Int(max(0, -floor(log10(step) + 1e-9)))
        let scaled = step * pow(10, Double(d))
        if abs(scaled - scaled.rounded()) > 1e-6 { d += 1 }
        return d
    }

    static func superscript(_ n: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        let s = String(abs(n)).map { digits[Int(String($0))!] }
        return (n < 0 ? "⁻" : "") + String(s)
    }

    /// Ticks of a log axis over [lo, hi] (both > 0): labelled decades (every k-th when there are many),
    /// unlabelled minor ticks at 2…9 × 10ⁿ; within less than a decade, 2 and 5 × 10ⁿ are labelled too.
    static func log(lo: Double, hi: Double) -> [Tick] {
        guard lo > 0, hi > lo, lo.isFinite, hi.isFinite else { return [] }
        let d0 = Int(floor(log10(lo) + 1e-9)), d1 = Int(ceil(log10(hi) - 1e-9))
        let decades = d1 - d0
        let every = max(1, Int((Double(decades) / 7).rounded(.up)))
        var ticks: [Tick] = []
        let fewDecades = decades <= 1 || log10(hi / lo) < 1.2
        for d in d0...d1 {
            let base = pow(10, Double(d))
            if base >= lo * (1 - 1e-9) && base <= hi * (1 + 1e-9) {
                ticks.append(Tick(value: base, label: d % every == 0 ? decadeLabel(d) : ""))
            }
            if decades <= 12 {
                for m in 2...9 {
                    let v = Double(m) * base
                    guard v >= lo && v <= hi else { continue }
                    let label = fewDecades && (m == 2 || m == 5) ? formatMantissa(Double(m), d) : ""
                    ticks.append(Tick(value: v, label: label))
                }
            }
        }
        return ticks.sorted { $0.value < $1.value }
    }

    static func decadeLabel(_ d: Int) -> String {
        switch d {
        case 0: return "1"
        case 1: return "10"
        default: return "10" + superscript(d)
        }
    }

    static func formatMantissa(_ m: Double, _ d: Int) -> String {
        if d >= 0 && d <= 4 { return String(format: "%.0f", m * pow(10, Double(d))) }
        if d < 0 && d >= -3 { return String(format: "%.\(-d)f", m * pow(10, Double(d))) }
        return String(format: "%.0f", m) + "×10" + superscript(d)
    }

    /// Ticks of a spatial-frequency axis (values in 1/Å) over [lo, hi], at round resolutions labelled in Å.
    /// `minSpacing` is the smallest distance between ticks in transformed units (log10 f when `log`).
    static func frequency(lo: Double, hi: Double, log: Bool, minSpacing: Double) -> [Tick] {
        guard hi > lo, hi > 0, lo.isFinite, hi.isFinite else { return [] }
        // Round resolutions in Å, 1 to 8 × 10^k with half steps where they are common in the field.
        var candidates: [Double] = []
        for k in -1...4 {
            let mantissas: [Double] = k >= 1 ? [1, 1.5, 2, 3, 4, 5, 6, 8] : [1, 1.2, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8]
            for m in mantissas { candidates.append(m * pow(10, Double(k))) }
        }
        let tf: (Double) -> Double = { log ? log10($0) : $0 }
        let fLo = lo * (1 - 1e-9), fHi = hi * (1 + 1e-9)
        var freqs: [Double] = []
        for d in candidates {
            let f = 1 / d
            if f >= fLo && f <= fHi && f > 0 { freqs.append(f) }
        }
        freqs.sort(by: >)
        // Greedy from the high-frequency end (finest resolutions, where the labels crowd least).
        var chosen: [Double] = []
        for f in freqs where chosen.isEmpty || tf(chosen.last!) - tf(f) >= minSpacing { chosen.append(f) }
        return chosen.reversed().map { f in Tick(value: f, label: formatResolution(1 / f)) }
    }

    /// A resolution in Å without trailing zeros: 10, 3.5, 2.5, 0.8.
    static func formatResolution(_ d: Double) -> String {
        if abs(d - d.rounded()) < 1e-6 { return String(format: "%.0f", d) }
        if abs(d * 10 - (d * 10).rounded()) < 1e-6 { return String(format: "%.1f", d) }
        return String(format: "%.2f", d)
    }
}
