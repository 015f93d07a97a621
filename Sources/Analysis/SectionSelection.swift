// `--sections` and `--skip`: which sections a report runs. Tokens are section ids as the report prints them
// ("0.a", "1.c", "A.d", "input") or level ids ("0", "1", "A"), which stand for every section of that level.
// Sections that are not run do not appear in the report or the score; the front page lists them.
import Foundation

public struct SectionSelection: Sendable, Equatable {
    /// Tokens of `--sections` (nil: every section the inputs allow).
    public var only: [String]?
    /// Tokens of `--skip`.
    public var skip: [String]

    public init(only: [String]? = nil, skip: [String] = []) {
        self.only = only; self.skip = skip
    }

    /// Whether no section is excluded.
    public var isEverything: Bool { only == nil && skip.isEmpty }

    /// The level a section id belongs to: the part before the first dot ("0.a" → "0", "A.model" → "A"), or
    /// the id itself when it has none ("input").
    public static func level(of id: String) -> String {
        id.split(separator: ".", maxSplits: 1).first.map(String.init) ?? id
    }

    static func matches(_ token: String, _ id: String) -> Bool {
        token.caseInsensitiveCompare(id) == .orderedSame
            || (!token.contains(".") && token.caseInsensitiveCompare(level(of: id)) == .orderedSame)
    }

    /// Whether the section with this id runs.
    public func includes(_ id: String) -> Bool {
        if let only, !only.contains(where: { Self.matches($0, id) }) { return false }
        return !skip.contains(where: { Self.matches($0, id) })
    }

    /// Parses the comma-separated lists of `--sections` and `--skip`, checking that every token names one of
    /// `knownIDs` or one of their levels. The error message is one line naming the option and the token.
    public static func parse(sections: String?, skip: String?, knownIDs: [String]) throws -> SectionSelection {
        func tokens(_ text: String?, _ option: String) throws -> [String]? {
            guard let text else { return nil }
            let list = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard !list.isEmpty, list.allSatisfy({ !$0.isEmpty }) else {
                throw SelectionError("\(option) expects a comma-separated list of section or level ids, got '\(text)'")
            }
            for t in list where !knownIDs.contains(where: { matches(t, $0) }) {
                let levels = knownIDs.map(level(of:)).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                throw SelectionError("\(option): '\(t)' is neither a section id (\(knownIDs.joined(separator: ", "))) "
                    + "nor a level (\(levels.joined(separator: ", ")))")
            }
            return list
        }
        return SectionSelection(only: try tokens(sections, "--sections"), skip: try tokens(skip, "--skip") ?? [])
    }

    /// Throws when none of `availableIDs` (the sections the inputs allow) would run.
    public func check(leavesSomethingOf availableIDs: [String]) throws {
        guard availableIDs.contains(where: includes) else {
            throw SelectionError("--sections and --skip leave no section to run with these inputs (available: "
                + availableIDs.joined(separator: ", ") + ")")
        }
    }

    public struct SelectionError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
