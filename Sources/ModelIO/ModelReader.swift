// Reads an atomic model (PDB, mmCIF or mmJSON, optionally gzipped) through gemmi (CGemmi wrapper).
// First model only; alternative conformations reduced to the first; hydrogens are kept (flagged by
// `Atom.isHydrogen`) and skipped later by the density calculations. Chain = author chain id, residue
// number = author sequence number, so PDB and mmCIF versions of one model give identical atoms.
import CGemmi
import Foundation

public enum ModelReadError: Error, CustomStringConvertible, Equatable {
    case fileNotFound(path: String)
    /// The file has no bytes at all (gemmi would say "fread failed: Success").
    case empty(path: String)
    /// gemmi could not parse the file.
    case unreadable(path: String, message: String)
    /// The file parsed but holds no atoms (e.g. it is not a coordinate file).
    case noAtoms(path: String)
    /// A coordinate, B-factor or occupancy is NaN or infinite (e.g. an overflowing number such as 1e999).
    case nonFiniteValue(path: String, atom: String, field: String)

    public var description: String {
        switch self {
        case .fileNotFound(let p):
            return "model file \(p): not found"
        case .empty(let p):
            return "model file \(p): the model file is empty (0 bytes); expected PDB or mmCIF coordinates"
        case .unreadable(let p, let m):
            return "model file \(p): not a readable PDB/mmCIF file (gemmi: \(m))"
        case .noAtoms(let p):
            return "model file \(p): no atom records found (expected ATOM/HETATM lines or an mmCIF _atom_site loop)"
        case .nonFiniteValue(let p, let atom, let field):
            return "model file \(p): atom \(atom) has a non-finite \(field); expected finite numbers"
        }
    }
}

public enum ModelReader {
    /// Reads the first model of a PDB/mmCIF file. Throws `ModelReadError`.
    public static func read(path: String) throws -> AtomicModel {
        guard FileManager.default.fileExists(atPath: path) else { throw ModelReadError.fileNotFound(path: path) }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber, size.intValue == 0 {
            throw ModelReadError.empty(path: path)
        }
        var message = [CChar](repeating: 0, count: 512)
        return try atoms(of: cgemmi_read(path, &message, message.count), message: message, path: path)
    }

    /// Reads the first model of PDB/mmCIF/mmJSON text held in memory (not gzipped); `name` stands for the
    /// file in messages. Throws `ModelReadError`.
    public static func read(bytes: [UInt8], name: String) throws -> AtomicModel {
        var message = [CChar](repeating: 0, count: 512)
        let handle = bytes.withUnsafeBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { cgemmi_read_memory($0.baseAddress, $0.count, name, &message, message.count) }
        }
        return try atoms(of: handle, message: message, path: name)
    }

    /// A wrapper handle (nil: gemmi failed with `message`) → atoms; frees the handle.
    private static func atoms(of handle: OpaquePointer?, message: [CChar], path: String) throws -> AtomicModel {
        guard let handle else {
            // gemmi quotes the offending line, which may hold any byte: keep the message on one line and
            // free of terminal control characters (form feed, carriage return, escape sequences).
            let text = String(String(cString: message).unicodeScalars.map {
                $0.properties.generalCategory == .control || $0.properties.isWhitespace ? " " : Character($0)
            })
            throw ModelReadError.unreadable(path: path, message: text)
        }
        defer { cgemmi_free(handle) }
        let count = cgemmi_atom_count(handle)
        guard count > 0, let base = cgemmi_atoms(handle) else { throw ModelReadError.noAtoms(path: path) }
        var atoms: [Atom] = []
        atoms.reserveCapacity(count)
        for i in 0..<count {
            var a = base[i]
            let element = text(&a.element), name = text(&a.name), resName = text(&a.residue_name)
            let icode = text(&a.insertion_code), chain = text(&a.chain)
            // Overflowing numbers parse as ±inf; such an atom would poison every map-model number.
            for (field, value) in [("x coordinate", a.x), ("y coordinate", a.y), ("z coordinate", a.z),
                                   ("B-factor", a.b), ("occupancy", a.occupancy)] where !value.isFinite {
                throw ModelReadError.nonFiniteValue(path: path, atom: "\(name) of \(resName) \(a.residue_number)\(icode) "
                                                    + "in chain \(chain)", field: "\(field) (\(value))")
            }
            atoms.append(Atom(position: SIMD3(a.x, a.y, a.z), element: a.is_hydrogen != 0 && element != "D" ? "H" : element,
                              name: name, residueName: resName, residueNumber: Int(a.residue_number),
                              insertionCode: icode, chain: chain, bFactor: a.b, occupancy: a.occupancy))
        }
        return AtomicModel(atoms: atoms, path: path)
    }

    /// Text of a fixed-size C char array field.
    private static func text<T>(_ field: inout T) -> String {
        withUnsafeBytes(of: &field) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

/// Electron scattering factors as 5 Gaussians: f(s) = Σ aᵢ exp(−bᵢ s²), s = sinθ/λ in 1/Å, bᵢ in Å²
/// (International Tables Vol. C, table 4.3.2.2, as shipped by gemmi in c4322.hpp).
public struct ElectronScatteringFactor: Sendable, Equatable {
    public var a: [Double]
    /// Å².
    public var b: [Double]

    /// Coefficients for an element symbol (any case); nil if the table does not have it.
    public init?(element: String) {
        var a = [Double](repeating: 0, count: 5), b = [Double](repeating: 0, count: 5)
        guard !element.isEmpty, cgemmi_electron_coefficients(element, &a, &b) == 1 else { return nil }
        self.a = a; self.b = b
    }

    /// f(s) at s = sinθ/λ (1/Å).
    public func value(s: Double) -> Double {
        var f = 0.0
        for i in 0..<5 { f += a[i] * exp(-b[i] * s * s) }
        return f
    }
}

public enum CGemmiInfo {
    public static var version: String { String(cString: cgemmi_version()) }
}
