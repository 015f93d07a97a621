// Partials that include themselves, directly or through others (`<<> front>>` inside front.tex), would make
// the template engine recurse until the stack overflows (a crash after the whole analysis). The inclusion
// graph is checked when the templates are loaded, before any analysis (issue 17, point 17): a cycle, or a
// chain deeper than `maxDepth`, is a template error naming the file and line of the offending include.
// Mustache allows recursive partials for recursive data; the report's data is not recursive, so we refuse
// every cycle.
import Foundation

enum TemplatePartials {
    /// The deepest chain of includes accepted (the default templates use three levels).
    static let maxDepth = 16

    static func checkInclusion(sources: [String: String], origins: [String: String]) throws {
        func file(_ partial: String) -> String { partial.hasSuffix(".tex") ? partial : partial + ".tex" }
        let includes = sources.mapValues { text in
            TemplateVariables.tags(text).filter { $0.kind == ">" }.map { (file: file($0.name), line: $0.line, name: $0.name) }
        }
        var done = Set<String>()
        func visit(_ name: String, _ chain: [String]) throws {
            for inc in includes[name] ?? [] {
                let origin = origins[name] ?? name
                if inc.file == name || chain.contains(inc.file) {
                    let cycle = (chain.drop(while: { $0 != inc.file }) + [name, inc.file]).joined(separator: " → ")
                    throw TemplateError(file: origin, line: inc.line,
                                        message: "includes “\(inc.name)”, which leads back to itself (\(cycle)); partials must not recurse")
                }
                if chain.count + 1 >= maxDepth {
                    throw TemplateError(file: origin, line: inc.line,
                                        message: "includes “\(inc.name)” \(maxDepth) partials deep; at most \(maxDepth) levels are allowed")
                }
                guard !done.contains(inc.file) else { continue }
                try visit(inc.file, chain + [name])
            }
            done.insert(name)
        }
        for name in sources.keys.sorted() where !done.contains(name) { try visit(name, []) }
    }
}
