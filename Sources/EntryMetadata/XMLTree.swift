// A small element tree built with Foundation's XMLParser (FoundationXML on Linux, libxml2 underneath), so that
// the header reader can ask for paths like map/contour_list/contour instead of scanning text.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

final class XMLElementNode {
    let name: String
    let attributes: [String: String]
    var children: [XMLElementNode] = []
    var text = ""

    init(name: String, attributes: [String: String]) { self.name = name; self.attributes = attributes }

    /// Text content with surrounding white space removed; nil when empty.
    var value: String? {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty ? nil : t
    }

    /// Children with this name.
    func all(_ name: String) -> [XMLElementNode] { children.filter { $0.name == name } }

    /// The first element along a slash-separated path of child names ("map/pixel_spacing/x").
    func first(_ path: String) -> XMLElementNode? { find(path).first }

    /// Every element along a slash-separated path (each step may match several children).
    func find(_ path: String) -> [XMLElementNode] {
        var level = [self]
        for step in path.split(separator: "/") { level = level.flatMap { $0.all(String(step)) } }
        return level
    }

    /// Parses a whole document; throws with the parser's line and message when it is not well-formed XML.
    static func parse(_ data: Data, document: String) throws -> XMLElementNode {
        let parser = XMLParser(data: data)
        let builder = TreeBuilder()
        parser.delegate = builder
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        // FoundationXML may report an error through the delegate and still return true: check both.
        let ok = parser.parse()
        guard ok, builder.error == nil, builder.stack.isEmpty, let root = builder.root else {
            let line = builder.errorLine ?? parser.lineNumber
            let reason = (builder.error ?? parser.parserError).map { ($0 as? EntryMetadataError)?.message ?? $0.localizedDescription }
                ?? (builder.root == nil ? "no root element" : "unclosed element <\(builder.stack.last!.name)>")
            throw EntryMetadataError("\(document), line \(line): not well-formed XML (\(reason))")
        }
        return root
    }

    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var root: XMLElementNode?
        var stack: [XMLElementNode] = []
        var error: Error?
        var errorLine: Int?

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            if error == nil { error = parseError; errorLine = parser.lineNumber }
        }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            let node = XMLElementNode(name: elementName, attributes: attributeDict)
            if let parent = stack.last { parent.children.append(node) } else { root = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?) {
            if let open = stack.last, open.name != elementName, error == nil {
                error = EntryMetadataError("</\(elementName)> closes <\(open.name)>"); errorLine = parser.lineNumber
            }
            _ = stack.popLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.text += string }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            stack.last?.text += String(decoding: CDATABlock, as: UTF8.self)
        }
    }
}
