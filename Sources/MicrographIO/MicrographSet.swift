// Micrographs and particle coordinates (Level 5). `--micrographs` is a glob pattern ('Micrographs/*.mrc') or a
// STAR file listing them (column rlnMicrographName; RELION's micrographs.star). Micrographs are single-image MRC
// files read with MapIO; STAR files with ImageData's reader. Coordinates come from a STAR file with
// rlnMicrographName, rlnCoordinateX, rlnCoordinateY (a particles STAR or a merged coordinates STAR), in pixels of
// the micrograph, x to the right and y down the rows as RELION stores them (row y of the MRC image).
import Foundation
import ImageData
import MapIO
#if canImport(Glibc)
import Glibc
#endif

/// A bad micrograph or coordinate input: one line naming the file (or pattern), the line and the field.
public struct MicrographInputError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ d: String) { description = d }
}

public struct MicrographList: Sendable, Equatable {
    /// Micrograph files in order (sorted for a glob, file order for a STAR file).
    public var paths: [String]
    /// Pixel size given by the STAR file (rlnMicrographPixelSize, rlnImagePixelSize), Å.
    public var starPixelSizeA: Double?
    /// The pattern or STAR file as given.
    public var source: String

    public static func resolve(_ spec: String) throws -> MicrographList {
        if spec.lowercased().hasSuffix(".star") {
            let star: StarFile
            do { star = try StarFile(path: spec) } catch { throw MicrographInputError("\(error)") }
            guard let table = star.table(withColumn: "rlnMicrographName") else {
                throw MicrographInputError("\(spec): no table with the column rlnMicrographName; expected a STAR file listing micrographs")
            }
            let folder = (spec as NSString).deletingLastPathComponent
            var paths: [String] = []
            for r in 0..<table.rowCount {
                let name = table.string(r, "rlnMicrographName") ?? ""
                paths.append(try locate(name, relativeTo: folder, star: spec, line: table.lines[r]))
            }
            guard !paths.isEmpty else { throw MicrographInputError("\(spec): the micrograph table is empty; expected one row per micrograph") }
            var pixel: Double?
            for column in ["rlnMicrographPixelSize", "rlnImagePixelSize", "rlnMicrographOriginalPixelSize"] {
                if let t = star.table(withColumn: column), t.rowCount > 0 {
                    do { pixel = try t.double(0, column) } catch { throw MicrographInputError("\(error)") }
                    break
                }
            }
            if let p = pixel, !(p > 0) { throw MicrographInputError("\(spec): pixel size \(p) Å; expected a positive value") }
            return MicrographList(paths: paths, starPixelSizeA: pixel, source: spec)
        }
        let matches = glob(spec)
        guard !matches.isEmpty else {
            throw MicrographInputError("--micrographs '\(spec)': no file matches; expected a glob pattern of MRC micrographs or a STAR file")
        }
        return MicrographList(paths: matches, starPixelSizeA: nil, source: spec)
    }

    /// A path from a STAR file: as written (relative to the working folder, RELION's project folder), else
    /// relative to the STAR file's folder.
    static func locate(_ name: String, relativeTo folder: String, star: String, line: Int) throws -> String {
        let fm = FileManager.default
        if fm.fileExists(atPath: name) { return name }
        let beside = (folder as NSString).appendingPathComponent(name)
        if !name.hasPrefix("/"), fm.fileExists(atPath: beside) { return beside }
        throw MicrographInputError("\(star): line \(line): rlnMicrographName \(name) does not exist (looked in the working folder and beside the STAR file)")
    }

    static func glob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(pattern, 0, nil, &g) == 0 else { return [] }
        var out: [String] = []
        for i in 0..<Int(g.gl_pathc) { if let p = g.gl_pathv[i] { out.append(String(cString: p)) } }
        return out.sorted()
    }
}

/// One micrograph's pixels, row y = 0 first (as stored), x fastest.
public struct Micrograph: Sendable {
    public var path: String
    public var width: Int, height: Int
    public var pixelSizeA: Double
    public var pixels: [Float]

    /// Reads a single-image MRC file; the pixel size is the flag's, else the STAR file's, else the header's.
    public static func read(path: String, pixelSizeFlagA: Double?, starPixelSizeA: Double?) throws -> Micrograph {
        let file: MRCFile
        do { file = try MRCReader.read(path: path) } catch { throw MicrographInputError("\(error)") }
        let v = file.volume
        guard v.nz == 1 else {
            throw MicrographInputError("\(path): header word 3 (nz) is \(v.nz); expected 1 (a single micrograph)")
        }
        let pixel = pixelSizeFlagA ?? starPixelSizeA ?? v.voxelSize.x
        guard pixel > 0, pixel.isFinite else {
            throw MicrographInputError("\(path): the header gives no pixel size (\(v.voxelSize.x) Å); expected --micrographs-pixel-size")
        }
        return Micrograph(path: path, width: v.nx, height: v.ny, pixelSizeA: pixel, pixels: v.data)
    }
}

/// Particle coordinates by micrograph (matched on the micrograph's file name without folders).
public struct CoordinateTable: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public var x: Double, y: Double
        public var line: Int
    }
    public var byMicrograph: [String: [Point]]
    public var count: Int
    /// Box size in pixels from the STAR file (rlnImageSize), when it has one.
    public var boxPixels: Int?
    public var source: String

    public static func read(path: String) throws -> CoordinateTable {
        let star: StarFile
        do { star = try StarFile(path: path) } catch { throw MicrographInputError("\(error)") }
        guard let t = star.table(withColumn: "rlnCoordinateX") else {
            throw MicrographInputError("\(path): no table with the column rlnCoordinateX; expected particle coordinates (rlnMicrographName, rlnCoordinateX, rlnCoordinateY)")
        }
        for c in ["rlnMicrographName", "rlnCoordinateY"] where !t.has(c) {
            throw MicrographInputError("\(path): the table of block \(t.block) has no column \(c); expected rlnMicrographName, rlnCoordinateX, rlnCoordinateY")
        }
        var by: [String: [Point]] = [:]
        for r in 0..<t.rowCount {
            let x: Double, y: Double
            do { x = try t.requiredDouble(r, "rlnCoordinateX"); y = try t.requiredDouble(r, "rlnCoordinateY") }
            catch { throw MicrographInputError("\(error)") }
            let name = ((t.string(r, "rlnMicrographName") ?? "") as NSString).lastPathComponent
            by[name, default: []].append(Point(x: x, y: y, line: t.lines[r]))
        }
        guard t.rowCount > 0 else { throw MicrographInputError("\(path): the coordinate table is empty; expected one row per particle") }
        var box: Int?
        if let bt = star.table(withColumn: "rlnImageSize"), bt.rowCount > 0 {
            do { box = try bt.int(0, "rlnImageSize") } catch { throw MicrographInputError("\(error)") }
        }
        return CoordinateTable(byMicrograph: by, count: t.rowCount, boxPixels: box, source: path)
    }

    public func points(for micrographPath: String) -> [Point] {
        byMicrograph[(micrographPath as NSString).lastPathComponent] ?? []
    }
}
