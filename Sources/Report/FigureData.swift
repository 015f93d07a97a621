// OUTDIR/data/: what every figure is drawn from, so that `emvalidate figures` can redraw them (other colour
// map, format, size) without reading the map again.
//
// Layout (also written as data/README.md in every report):
// - `<figure-id>.json`: the figure (Sources/Analysis/Figure.swift, `Figure` as JSON) with its large arrays
//   left empty, and `arrays`: for each array, where it belongs (`slot`), its file and its shape.
//   Curves and histograms stay in the JSON (x, y, bin edges, counts).
// - `<figure-id>.<k>.mrc`: one large array as an MRC2014 float32 (mode 2) map, little-endian, no extended
//   header: images as nx = width, ny = height, nz = 1 (pixel (u, v) = column u, row v, v = 0 the bottom
//   row; cell = pixel size in Å); mesh vertices and normals (Å) as nx = 3, ny = vertex count, nz = 1;
//   triangles as nx = 3, ny = triangle count with the vertex indices as exact floats (below 2^24);
//   per-vertex and per-atom values, atom radii as nx = count, ny = nz = 1; atom positions as nx = 3.
//   Values may be NaN (e.g. pixels outside a mask). mrcfile, IMOD or RELION read these files.
import Analysis
import Foundation
import MapIO

public struct FigureDataError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

public enum FigureData {
    public static let folderName = "data"

    /// One array stored beside the figure's JSON.
    struct ArrayRecord: Codable {
        /// Where it belongs: "panels.<k>.pixels", "mesh.vertices", "mesh.normals", "mesh.triangles",
        /// "vertex_values", "atoms.positions", "atoms.radii", "atoms.values".
        var slot: String
        var file: String
        /// nx, ny, nz of the MRC file.
        var shape: [Int]
    }

    struct Stored: Codable {
        var format: String = "emvalidate-figure-data/1"
        var figure: Figure
        var arrays: [ArrayRecord]
    }

    // MARK: Writing

    /// Writes `<dir>/<id>.json` and its arrays; returns the files written (names relative to `dir`).
    @discardableResult
    public static func save(_ figure: Figure, to dir: URL) throws -> [String] {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var fig = figure
        var arrays: [ArrayRecord] = []
        var files: [String] = []
        func put(_ slot: String, _ values: [Float], _ shape: [Int]) throws {
            let name = "\(figure.id).\(arrays.count).mrc"
            try writeMRC(values, shape: shape, to: dir.appendingPathComponent(name))
            arrays.append(ArrayRecord(slot: slot, file: name, shape: shape))
            files.append(name)
        }
        switch figure.content {
        case .images(var p):
            for k in p.panels.indices {
                let im = p.panels[k]
                try put("panels.\(k).pixels", im.pixels, [im.width, im.height, 1])
                p.panels[k].pixels = []
            }
            fig.content = .images(p)
        case .surface(var s):
            let nv = s.mesh.vertexCount
            if !s.mesh.vertices.isEmpty { try put("mesh.vertices", s.mesh.vertices, [3, nv, 1]) }
            if !s.mesh.normals.isEmpty { try put("mesh.normals", s.mesh.normals, [3, s.mesh.normals.count / 3, 1]) }
            if !s.mesh.triangles.isEmpty {
                guard nv < 1 << 24 else {
                    throw FigureDataError(message: "figure \(figure.id): \(nv) vertices; indices above 2^24 cannot be stored exactly")
                }
                try put("mesh.triangles", s.mesh.triangles.map { Float($0) }, [3, s.mesh.triangleCount, 1])
            }
            if let v = s.vertexValues, !v.isEmpty { try put("vertex_values", v, [v.count, 1, 1]); s.vertexValues = [] }
            if var a = s.atoms {
                if !a.positions.isEmpty { try put("atoms.positions", a.positions, [3, a.count, 1]) }
                if !a.radii.isEmpty { try put("atoms.radii", a.radii, [a.radii.count, 1, 1]) }
                if let v = a.values, !v.isEmpty { try put("atoms.values", v, [v.count, 1, 1]); a.values = [] }
                a.positions = []; a.radii = []
                s.atoms = a
            }
            s.mesh = TriangleMesh()
            fig.content = .surface(s)
        case .histogram, .plot, .graph:
            break
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var json = try encoder.encode(Stored(figure: fig, arrays: arrays))
        json.append(0x0A)
        try json.write(to: dir.appendingPathComponent("\(figure.id).json"), options: .atomic)
        files.append("\(figure.id).json")
        return files
    }

    // MARK: Reading

    /// The figure ids stored in `dir` (one per `<id>.json`), sorted.
    public static func ids(in dir: URL) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// Reads the figure `id` back from `dir`, arrays included.
    public static func load(id: String, from dir: URL) throws -> Figure {
        let url = dir.appendingPathComponent("\(id).json")
        let stored: Stored
        do { stored = try JSONDecoder().decode(Stored.self, from: Data(contentsOf: url)) }
        catch { throw FigureDataError(message: "\(url.path): cannot read figure data: \(error)") }
        var arrays: [String: [Float]] = [:]
        for a in stored.arrays {
            let path = dir.appendingPathComponent(a.file)
            let values = try readMRC(path)
            guard values.shape == a.shape else {
                throw FigureDataError(message: "\(path.path): shape \(values.shape), expected \(a.shape) from \(id).json")
            }
            arrays[a.slot] = values.data
        }
        var fig = stored.figure
        switch fig.content {
        case .images(var p):
            for k in p.panels.indices { if let v = arrays["panels.\(k).pixels"] { p.panels[k].pixels = v } }
            guard p.panels.allSatisfy({ $0.pixels.count == $0.width * $0.height }) else {
                throw FigureDataError(message: "\(url.path): an image has the wrong number of pixels")
            }
            fig.content = .images(p)
        case .surface(var s):
            s.mesh = TriangleMesh(vertices: arrays["mesh.vertices"] ?? [], normals: arrays["mesh.normals"] ?? [],
                                  triangles: (arrays["mesh.triangles"] ?? []).map { UInt32($0) })
            if let v = arrays["vertex_values"] { s.vertexValues = v }
            if var a = s.atoms {
                a.positions = arrays["atoms.positions"] ?? []
                a.radii = arrays["atoms.radii"] ?? []
                if let v = arrays["atoms.values"] { a.values = v }
                s.atoms = a
            }
            fig.content = .surface(s)
        case .histogram, .plot, .graph:
            break
        }
        return fig
    }

    // MARK: MRC arrays

    /// Writes a float32 MRC2014 file (mode 2, 1024-byte header, no extended header); NaN allowed.
    static func writeMRC(_ values: [Float], shape: [Int], to url: URL) throws {
        precondition(shape.count == 3 && shape[0] * shape[1] * shape[2] == values.count,
                     "writeMRC: \(values.count) values for shape \(shape)")
        var h = MRCHeader(nx: Int32(shape[0]), ny: Int32(shape[1]), nz: Int32(shape[2]), mode: .float32)
        h.cella = SIMD3(Float(shape[0]), Float(shape[1]), Float(shape[2]))
        let finite = values.filter { $0.isFinite }
        h.dmin = finite.min() ?? 0
        h.dmax = finite.max() ?? 0
        h.dmean = finite.isEmpty ? 0 : Float(finite.reduce(0.0) { $0 + Double($1) } / Double(finite.count))
        var data = Data(h.encodedLittleEndian())
        values.withUnsafeBufferPointer { buf in
            if ByteOrder.host == .littleEndian {
                data.append(UnsafeBufferPointer(start: UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: UInt8.self),
                                                count: buf.count * 4))
            } else {
                for v in buf { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            }
        }
        try data.write(to: url, options: .atomic)
    }

    /// Reads a float32 MRC file written by `writeMRC` (or any mode-2 little-endian MRC).
    static func readMRC(_ url: URL) throws -> (shape: [Int], data: [Float]) {
        let bytes: Data
        do { bytes = try Data(contentsOf: url) }
        catch { throw FigureDataError(message: "\(url.path): cannot be read (\(error.localizedDescription))") }
        guard bytes.count >= 1024 else { throw FigureDataError(message: "\(url.path): \(bytes.count) bytes, shorter than an MRC header (1024)") }
        func word(_ i: Int) -> Int32 {
            bytes.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)) }
        }
        let shape = [Int(word(0)), Int(word(1)), Int(word(2))]
        let mode = word(3), nsymbt = Int(word(23))
        guard mode == 2 else { throw FigureDataError(message: "\(url.path): MRC mode \(mode), expected 2 (float32)") }
        guard shape.allSatisfy({ $0 >= 0 }), nsymbt >= 0 else {
            throw FigureDataError(message: "\(url.path): invalid header (shape \(shape), extended header \(nsymbt) bytes)")
        }
        let n = shape[0] * shape[1] * shape[2]
        let offset = 1024 + nsymbt
        guard bytes.count == offset + 4 * n else {
            throw FigureDataError(message: "\(url.path): \(bytes.count) bytes, expected \(offset + 4 * n) for \(shape)")
        }
        var out = [Float](repeating: 0, count: n)
        bytes.withUnsafeBytes { raw in
            for i in 0..<n {
                out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4 * i, as: UInt32.self)))
            }
        }
        return (shape, out)
    }

    /// The README written into every data/ folder.
    public static let readme = """
    # Figure data

    What every figure of this report is drawn from; `emvalidate figures OUTDIR` redraws the figures from
    these files (e.g. with `--colormap magma --format svg`) without reading the map again.

    - `<figure-id>.json`: the figure as JSON (`figure`: id, caption, content) with its large arrays left
      empty, and `arrays`: for each array, where it belongs (`slot`), its file and its shape [nx, ny, nz].
      Curves and histograms are in the JSON itself (x and y, bin edges and counts).
    - `<figure-id>.<k>.mrc`: one array as an MRC2014 float32 (mode 2) little-endian file with no extended
      header. Images: nx = width, ny = height, nz = 1 (row 0 is the bottom row; `pixelSizeA` in the JSON gives
      the pixel size in Å). Meshes: vertices and normals (Å) as nx = 3 by ny = vertex count; triangles as
      nx = 3 by ny = triangle count, vertex indices stored as exact floats. Per-vertex or per-atom values and
      atom radii: nx = count. Atom positions (Å): nx = 3 by ny = atom count. NaN marks missing values.

    Python: `mrcfile.open(path).data` gives the array indexed [z, y, x].

    """
}
