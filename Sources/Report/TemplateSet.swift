// The LaTeX templates: the defaults embedded in the binary, overridden file by file from a user folder.
//
// Templates are Mustache with `<<` `>>` as delimiters (LaTeX is full of braces) and LaTeX escaping:
// `<<name>>` prints a value escaped for LaTeX, `<<&name>>` prints it raw (only for values we generate, such
// as figure paths), `<<#list>>…<</list>>` repeats, `<<^name>>…<</name>>` prints when a value is absent,
// `<<> partial>>` includes another template.
import DefaultTemplates
import Foundation
import Mustache

/// Escapes every printed value for LaTeX.
struct LaTeXContentType: MustacheContentType {
    func escapeText(_ text: String) -> String { LaTeX.escape(text) }
}

public struct TemplateError: Error, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let message: String
    public var description: String {
        if let line { return "template \(file), line \(line): \(message)" }
        return "template \(file): \(message)"
    }
}

public struct TemplateSet: Sendable {
    /// Template text by file name ("document.tex", "section-0a.tex", …).
    public let sources: [String: String]
    /// Where each template came from (a user file path, or "default").
    public let origins: [String: String]
    private let library: MustacheLibrary

    /// The prefix that sets LaTeX escaping and the `<< >>` delimiters; it adds no line, so the line numbers
    /// of parse errors are the template file's own.
    static let prologue = "{{% CONTENT_TYPE: LATEX}}{{=<< >>=}}"

    /// Default templates, overridden by same-named `.tex` files in `overrideDirectory`.
    public init(overrideDirectory: String? = nil) throws {
        MustacheContentTypes.register(LaTeXContentType(), named: "LATEX")
        var sources = DefaultTemplates.files
        var origins = Dictionary(uniqueKeysWithValues: sources.keys.map { ($0, "default") })
        if let dir = overrideDirectory {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
                throw TemplateError(file: dir, line: nil, message: "templates folder not found")
            }
            for name in try FileManager.default.contentsOfDirectory(atPath: dir).sorted() where name.hasSuffix(".tex") {
                let path = (dir as NSString).appendingPathComponent(name)
                guard let data = FileManager.default.contents(atPath: path),
                      let text = String(data: data, encoding: .utf8) else {
                    throw TemplateError(file: path, line: nil, message: "cannot be read as UTF-8 text")
                }
                sources[name] = text
                origins[name] = path
            }
        }
        var library = MustacheLibrary()
        for (name, text) in sources.sorted(by: { $0.key < $1.key }) {
            do {
                library.register(try MustacheTemplate(string: TemplateSet.prologue + text), named: TemplateSet.partialName(name))
            } catch let error as MustacheTemplate.ParserError {
                throw TemplateError(file: origins[name] ?? name, line: error.context.lineNumber,
                                    message: "\(error.error) near “\(error.context.line.trimmingCharacters(in: .whitespaces))”")
            }
        }
        // Unknown variables and missing partials, reported with file and line like syntax errors. The user's files
        // are checked; the embedded defaults pass these checks by construction (a test in TemplateVariableTests
        // runs them on the defaults), so a report without --templates does not pay for them on every run.
        if overrideDirectory != nil { try TemplateSet.check(sources: sources, origins: origins) }
        self.sources = sources
        self.origins = origins
        self.library = library
    }

    /// Every template's variables and partials against the other templates, and the inclusion graph (no cycle,
    /// no missing partial); throws the first `TemplateError`.
    static func check(sources: [String: String], origins: [String: String]) throws {
        let available = Set(sources.keys)
        for (name, text) in sources.sorted(by: { $0.key < $1.key }) {
            try TemplateVariables.check(file: name, origin: origins[name] ?? name, text: text, available: available)
        }
        try TemplatePartials.checkInclusion(sources: sources, origins: origins)
    }

    /// Partials are referred to without the extension: `<<> figure>>` includes figure.tex.
    static func partialName(_ file: String) -> String {
        file.hasSuffix(".tex") ? String(file.dropLast(4)) : file
    }

    public func has(_ file: String) -> Bool { sources[file] != nil }

    /// Renders the template `file` with `context`.
    public func render(_ file: String, _ context: [String: Any]) throws -> String {
        guard let out = library.render(context, withTemplate: TemplateSet.partialName(file)) else {
            throw TemplateError(file: file, line: nil, message: "no such template")
        }
        return out
    }
}
