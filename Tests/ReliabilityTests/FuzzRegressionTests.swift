// Every input a fuzz target once failed on (Tests/BadInputs/fuzz/, README.md there) replayed through the
// same body the fuzzer runs (FuzzTargets.FuzzBodies), plus the fuzz seeds' own sanity.
import Foundation
import FuzzTargets
import ModelIO
import Testing

private let regressionFolder = repositoryRoot.appendingPathComponent("Tests/BadInputs/fuzz")
private let regressionFiles: [String] = (try? FileManager.default.contentsOfDirectory(atPath: regressionFolder.path))?
    .filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted() ?? []

struct FuzzRegressionTests {
    @Test func thereAreRegressionFiles() {
        #expect(!regressionFiles.isEmpty, "no files in \(regressionFolder.path)")
    }

    @Test(arguments: regressionFiles)
    func regressionFileNoLongerFails(_ name: String) throws {
        let bytes = [UInt8](try Data(contentsOf: regressionFolder.appendingPathComponent(name)))
        if name.hasPrefix("model-") {
            try FuzzBodies.model(bytes)
        } else {
            try FuzzBodies.mrcBytes(bytes)
            let scratch = try temporaryDirectory().appendingPathComponent("scratch.mrc")
            defer { try? FileManager.default.removeItem(at: scratch.deletingLastPathComponent()) }
            try FuzzBodies.mapFile(bytes, scratch: scratch.path)
        }
    }

    /// The first fuzz finding: gemmi quotes the offending line in its message, and that line held a form
    /// feed, so the error was not one line. The message must now be one line without control characters.
    @Test func modelErrorMessagesHaveNoControlCharacters() throws {
        var text = "ATOM      1  N   VAL A   1      11.104   6.134  -6.504  1.00  0.00           N\n"
        text += "ATOM      2  N   ILE \u{0C}\r\u{1B}[2J\n"
        do {
            _ = try ModelReader.read(bytes: Array(text.utf8), name: "x.pdb")
            Issue.record("a short ATOM line was accepted")
        } catch {
            let message = "\(error)"
            #expect(!message.unicodeScalars.contains { $0.properties.generalCategory == .control }, "\(message.debugDescription)")
            #expect(message.contains("x.pdb"))
        }
    }

    /// The second fuzz finding: `219E449` overflows to +inf and gemmi accepts it. The reader must refuse the
    /// atom, naming it and the field.
    @Test func infiniteCoordinateIsRefused() throws {
        let bytes = [UInt8](try Data(contentsOf: regressionFolder.appendingPathComponent("model-infinite-coordinate.pdb")))
        do {
            let m = try ModelReader.read(bytes: bytes, name: "inf.pdb")
            Issue.record("read \(m.atoms.count) atoms from a file with an infinite coordinate")
        } catch let e as ModelReadError {
            guard case .nonFiniteValue(_, let atom, let field) = e else { Issue.record("wrong error: \(e)"); return }
            #expect(atom.hasPrefix("CB of VAL 29"), "atom \(atom)")
            #expect(field.hasPrefix("y coordinate"), "field \(field)")
            #expect("\(e)" == "model file inf.pdb: atom \(atom) has a non-finite \(field); expected finite numbers")
        }
    }

    /// The in-memory model entry point reads what the path reader reads.
    @Test func modelFromMemoryMatchesModelFromFile() throws {
        let path = repositoryRoot.appendingPathComponent("Fixtures/daq/3J6B_9.pdb").path
        let fromFile = try ModelReader.read(path: path)
        let fromMemory = try ModelReader.read(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), name: path)
        #expect(fromFile.atoms.count == 2865, "atoms \(fromFile.atoms.count), expected 2865 (Fixtures/README.md)")
        #expect(fromMemory == fromFile)
    }
}
