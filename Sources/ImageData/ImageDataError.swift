// Every way reading image data (STAR tables, MRC stacks, particle references) can fail, as one-line messages
// naming the file, the line or field, what was found and what was expected (DEVELOPERS.md, bad input).

public enum ImageDataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened or read (POSIX error text).
    case unreadable(file: String, reason: String)
    /// A STAR file line that does not fit the grammar (e.g. a row with the wrong number of values).
    case malformedStar(file: String, line: Int, detail: String)
    /// A STAR value that should be a number is not.
    case notANumber(file: String, line: Int, column: String, value: String)
    /// A column that a use needs is absent from a table.
    case missingColumn(file: String, block: String, column: String)
    /// A block that a use needs is absent.
    case missingBlock(file: String, block: String)
    /// An image reference `N@path` that does not parse or names an image that is not there.
    case badImageReference(file: String, line: Int, value: String, detail: String)
    /// An MRC stack header field that cannot describe a stack of 2D images.
    case badStack(file: String, field: String, found: String, expected: String)
    /// An image index outside the stack.
    case imageOutOfRange(file: String, index: Int, count: Int)
    /// A pixel size that is absent or not positive.
    case noPixelSize(file: String, detail: String)
    /// A CTF optics value (voltage, Cs, amplitude contrast) that neither the STAR file nor a flag gives.
    /// `blocks` names where it was looked for ("block data_particles has", "blocks data_particles and data_optics have").
    case missingCTFParameter(file: String, line: Int, blocks: String, column: String, flag: String, unit: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read the file: \(reason)"
        case let .malformedStar(file, line, detail):
            return "\(file): line \(line): \(detail)"
        case let .notANumber(file, line, column, value):
            return "\(file): line \(line), column \(column): found '\(value)'; expected a number"
        case let .missingColumn(file, block, column):
            return "\(file): block data_\(block) has no column \(column); expected it for this use"
        case let .missingBlock(file, block):
            return "\(file): no block data_\(block); expected one"
        case let .badImageReference(file, line, value, detail):
            return "\(file): line \(line), column rlnImageName: '\(value)': \(detail)"
        case let .badStack(file, field, found, expected):
            return "\(file): \(field) is \(found); expected \(expected)"
        case let .imageOutOfRange(file, index, count):
            return "\(file): image \(index) requested; the stack holds images 1…\(count)"
        case let .noPixelSize(file, detail):
            return "\(file): no pixel size: \(detail)"
        case let .missingCTFParameter(file, line, blocks, column, flag, unit):
            return "\(file): line \(line): \(blocks) no column \(column); expected it for the particle's CTF, or \(flag) \(unit)"
        }
    }
}
