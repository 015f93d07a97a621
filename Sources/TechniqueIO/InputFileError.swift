// An input file of another technique that cannot be used: one line naming the file, the line and the field,
// what was found and what was expected.
import Foundation

public struct InputFileError: Error, CustomStringConvertible, Equatable {
    public var file: String
    /// 1-based line number, when the problem is on one line.
    public var line: Int?
    public var message: String

    public init(file: String, line: Int? = nil, message: String) {
        self.file = file; self.line = line; self.message = message
    }

    public var description: String {
        line.map { "\(file): line \($0): \(message)" } ?? "\(file): \(message)"
    }

    /// The file's text, or an error naming it.
    static func readText(_ path: String) throws -> String {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) }
        catch { throw InputFileError(file: path, message: "cannot read the file (\((error as NSError).localizedDescription))") }
        guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) else {
            throw InputFileError(file: path, message: "not a text file")
        }
        return text
    }
}
