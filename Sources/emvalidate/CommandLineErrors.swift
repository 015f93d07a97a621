// How emvalidate ends on an error: one line `emvalidate: error: …` on stderr and the documented exit code
// (64 for invalid arguments), instead of swift-argument-parser's several lines of error, help and usage.
// Help and version requests keep the parser's own output.
import ArgumentParser
import Foundation
import Report

extension EMValidate {
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            // ExitCode thrown by a command after printing its own line, and clean exits (help, version).
            if error is ExitCode || code == .success { exit(withError: error) }
            Stderr.print("emvalidate: error: \(oneLineMessage(for: error))")
            exit(withError: ExitCode(code == .validationFailure ? 64 : code.rawValue))
        }
    }

    /// The parser's message without its "Help:" and "Usage:" lines, joined on one line.
    static func oneLineMessage(for error: Error) -> String {
        let lines = message(for: error).split(separator: "\n", omittingEmptySubsequences: true)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.hasPrefix("Help:") && !$0.hasPrefix("Usage:") && !$0.hasPrefix("See '") && !$0.isEmpty }
        let text = lines.isEmpty ? "\(error)" : lines.joined(separator: "; ")
        return text.hasPrefix("Error: ") ? String(text.dropFirst(7)) : text
    }
}

/// Parsing of numeric option values: finite numbers only, with a message that says why not.
enum NumberArgument {
    /// A finite Double; "1e400" is out of range (not "inf"), "nan" and "inf" are not numbers we accept.
    static func finite(_ text: String) throws -> Double {
        guard let value = Double(text) else { throw ValidationError("not a number") }
        guard value.isFinite else {
            let spelled = text.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "+-"))
            if ["inf", "infinity"].contains(spelled) || spelled.hasPrefix("nan") {
                throw ValidationError("not a finite number")
            }
            // Double("1e400") is +inf: say what is wrong with what was typed, not "got inf".
            throw ValidationError("out of range (finite numbers go up to about 1.8e308)")
        }
        return value
    }
}
