// A SAXS curve (section O.b): columns q, I(q), σ(q), one point per line, separated by spaces, tabs or commas.
// Header, footer and blank lines are lines that do not start with a number and are skipped. q is stored in
// Å⁻¹: a file in nm⁻¹ is detected (a header naming nm, or q beyond 1.5, which in Å⁻¹ would be a 4 Å
// resolution SAXS/WAXS curve) or declared with --saxs-q-unit, and divided by 10.

public enum QUnit: String, Sendable, CaseIterable {
    case perAngstrom = "A", perNanometre = "nm"
}

public struct SAXSCurve: Sendable, Equatable {
    /// Scattering vector q = 4π sin θ / λ, Å⁻¹, increasing.
    public var q: [Double]
    public var intensity: [Double]
    public var sigma: [Double]
    /// The unit of q in the file and how it was decided ("declared", "header", "range").
    public var fileUnit: QUnit
    public var unitReason: String

    /// Above this largest q, a curve without a declared unit is taken to be in nm⁻¹.
    public static let nmDetectionLimit = 1.5

    public static func read(path: String, unit declared: QUnit? = nil) throws -> SAXSCurve {
        try parse(try InputFileError.readText(path), file: path, unit: declared)
    }

    public static func parse(_ text: String, file: String, unit declared: QUnit? = nil) throws -> SAXSCurve {
        var q: [Double] = [], intensity: [Double] = [], sigma: [Double] = []
        var headerSaysNm = false
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (k, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces.union(["\r"]))
            // Control characters count as spaces: old DOS files end with Ctrl-Z (0x1A), as the lysozyme fixture does.
            let tokens = line.split(whereSeparator: { $0 == "," || $0.isWhitespace || ($0.asciiValue ?? 32) < 32 }).map(String.init)
            guard let first = tokens.first, Double(first) != nil else {
                let lower = line.lowercased()
                if lower.contains("1/nm") || lower.contains("nm^-1") || lower.contains("nm-1") || lower.contains("nm⁻¹") { headerSaysNm = true }
                continue
            }
            let names = ["q", "I", "σ"]
            var v: [Double] = []
            for (j, t) in tokens.prefix(3).enumerated() {
                guard let x = Double(t), x.isFinite else {
                    throw InputFileError(file: file, line: k + 1, message: "column \(j + 1) (\(names[j])): found \"\(t)\"; expected a number")
                }
                v.append(x)
            }
            guard v.count == 3 else {
                throw InputFileError(file: file, line: k + 1, message: "found \(v.count) column(s); expected 3 columns: q, I, σ")
            }
            guard v[2] > 0 else {
                throw InputFileError(file: file, line: k + 1, message: "column 3 (σ): found \(tokens[2]); expected a positive error")
            }
            guard v[0] > 0 else {
                throw InputFileError(file: file, line: k + 1, message: "column 1 (q): found \(tokens[0]); expected a positive scattering vector")
            }
            if let last = q.last, v[0] <= last {
                throw InputFileError(file: file, line: k + 1, message: "column 1 (q): found \(tokens[0]) after \(last); expected increasing q")
            }
            q.append(v[0]); intensity.append(v[1]); sigma.append(v[2])
        }
        guard q.count >= 10 else {
            throw InputFileError(file: file, message: "\(q.count) data line(s); expected at least 10 lines of q, I, σ")
        }
        let unit: QUnit, reason: String
        if let declared { unit = declared; reason = "declared with --saxs-q-unit" }
        else if headerSaysNm { unit = .perNanometre; reason = "the header names nm⁻¹" }
        else if q.last! > nmDetectionLimit { unit = .perNanometre; reason = "q reaches \(q.last!), beyond \(nmDetectionLimit) Å⁻¹" }
        else { unit = .perAngstrom; reason = "q ends at \(q.last!), below \(nmDetectionLimit)" }
        if unit == .perNanometre { q = q.map { $0 / 10 } }
        return SAXSCurve(q: q, intensity: intensity, sigma: sigma, fileUnit: unit, unitReason: reason)
    }
}
