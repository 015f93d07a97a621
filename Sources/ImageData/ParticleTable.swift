// Particles from a RELION STAR file, in one shape whatever the RELION version:
// - RELION 3.0: one block (usually data_ or data_images) whose rows carry the optics columns themselves;
//   pixel size = rlnDetectorPixelSize (µm) · 10⁴ / rlnMagnification; origins rlnOriginX/Y in pixels.
// - RELION 3.1, 4, 5: data_optics + data_particles joined on rlnOpticsGroup; pixel size rlnImagePixelSize
//   (Å); origins rlnOriginX/YAngst in Å.
// Origins are kept with RELION's meaning (Å): the particle is the projection moved by −origin, and RELION
// re-centres a particle by shifting it by +origin (re-extraction uses coordinate − origin).
// Image references `N@path` are resolved against `particlesDirectory` (default: the STAR file's folder).
// CTF optics (voltage, Cs, amplitude contrast) come from the STAR file; a flag (`CTFFlags`) supplies one only
// where the STAR lacks the column, and a STAR without the column and without the flag is an error: no value
// is assumed (300 kV / 2.7 mm / 0.1 are common, not universal: 200 kV, Cs-corrected and 0.07 are too).
import Foundation

/// One particle (or 2D class / micrograph row) with what Levels 2–5 use. Optional fields are nil when the
/// STAR file has no such column.
public struct Particle: Sendable, Equatable {
    /// 1-based line number of the row in the STAR file.
    public var line: Int
    /// Image number in its stack (1-based), from `N@path`.
    public var imageIndex: Int
    /// Stack path, resolved against the particles folder.
    public var stackPath: String
    /// The reference as written (`N@path`).
    public var imageName: String
    public var angles: EulerAngles?
    /// RELION origin in Å (rlnOriginX/YAngst, or rlnOriginX/Y × pixel size for RELION 3.0).
    public var originXA: Double, originYA: Double
    /// Pixel size in Å from the STAR file, if it gives one.
    public var pixelSizeA: Double?
    public var ctf: CTFParameters?
    public var classNumber: Int?
    public var randomSubset: Int?
    public var micrographName: String?
    /// Particle centre in the micrograph (pixels).
    public var coordinateX: Double?, coordinateY: Double?
    public var opticsGroup: Int?
}

public struct ParticleTable: Sendable {
    /// The STAR file's path as given.
    public var path: String
    /// "3.0" for one table with optics columns, "3.1" for data_optics + data_particles.
    public var layout: String
    public var particles: [Particle]
    /// The particle table as read (every column, unknown ones included).
    public var table: StarTable
    /// Where each CTF optics value came from (voltage, Cs, amplitude contrast), in `CTFFlags.fields` order;
    /// empty when the STAR file has no defocus.
    public var ctfSources: [CTFParameterSource] = []

    /// Reads a particle STAR file. `particlesDirectory` overrides the folder image paths are relative to.
    public init(path: String, particlesDirectory: String? = nil, ctfFlags: CTFFlags = CTFFlags()) throws {
        try self.init(star: try StarFile(path: path), particlesDirectory: particlesDirectory, ctfFlags: ctfFlags)
    }

    public init(star: StarFile, particlesDirectory: String? = nil, ctfFlags: CTFFlags = CTFFlags()) throws {
        path = star.path
        let base = particlesDirectory ?? (URL(fileURLWithPath: star.path).deletingLastPathComponent().path)
        let optics = star.table(block: "optics")
        guard let table = (optics != nil ? star.table(block: "particles") : nil)
                ?? star.table(withColumn: "rlnImageName") else {
            throw ImageDataError.missingColumn(file: star.path, block: star.blockNames.first ?? "",
                                               column: "rlnImageName")
        }
        self.table = table
        guard table.has("rlnImageName") else {
            throw ImageDataError.missingColumn(file: star.path, block: table.block, column: "rlnImageName")
        }
        layout = optics != nil ? "3.1" : "3.0"
        // Optics rows by group number.
        var opticsRows: [Int: Int] = [:]
        if let optics {
            guard optics.has("rlnOpticsGroup") else {
                throw ImageDataError.missingColumn(file: star.path, block: "optics", column: "rlnOpticsGroup")
            }
            for r in 0..<optics.rowCount { opticsRows[try optics.int(r, "rlnOpticsGroup")!] = r }
        }
        var out: [Particle] = []
        out.reserveCapacity(table.rowCount)
        var sources = CTFFlags.fields.map { CTFParameterSource(field: $0) }
        for r in 0..<table.rowCount {
            // A value from the particle row, else from its optics group.
            var opticsRow: Int?
            if optics != nil {
                guard let g = try table.int(r, "rlnOpticsGroup") else {
                    throw ImageDataError.missingColumn(file: star.path, block: table.block, column: "rlnOpticsGroup")
                }
                guard let o = opticsRows[g] else {
                    throw ImageDataError.malformedStar(file: star.path, line: table.lines[r],
                                                       detail: "column rlnOpticsGroup: found \(g); expected a group listed in data_optics")
                }
                opticsRow = o
            }
            func value(_ column: String) throws -> Double? {
                if let v = try table.double(r, column) { return v }
                if let optics, let o = opticsRow { return try optics.double(o, column) }
                return nil
            }
            let name = table.string(r, "rlnImageName")!
            let (index, stack) = try ParticleTable.parseReference(name, base: base, file: star.path, line: table.lines[r])
            var pixel = try value("rlnImagePixelSize")
            if pixel == nil, let det = try value("rlnDetectorPixelSize"), let mag = try value("rlnMagnification"), mag > 0 {
                pixel = det * 1e4 / mag
            }
            var ox = try value("rlnOriginXAngst"), oy = try value("rlnOriginYAngst")
            if ox == nil, let px = try value("rlnOriginX") { ox = px * (pixel ?? 1) }
            if oy == nil, let py = try value("rlnOriginY") { oy = py * (pixel ?? 1) }
            var angles: EulerAngles?
            if let rot = try value("rlnAngleRot"), let tilt = try value("rlnAngleTilt"), let psi = try value("rlnAnglePsi") {
                angles = EulerAngles(rot: rot, tilt: tilt, psi: psi)
            }
            var ctf: CTFParameters?
            if let du = try value("rlnDefocusU") {
                // Voltage, Cs, amplitude contrast: the STAR's value, else the flag's, else an error.
                var opticsValues: [Double] = []
                for (k, field) in CTFFlags.fields.enumerated() {
                    let flag = ctfFlags[field]
                    if let v = try value(field.column) {
                        sources[k].record(v, fromFlag: false)
                        if let flag, abs(flag - v) > 1e-9 * max(abs(v), 1) { sources[k].conflicts.insert(v) }
                        opticsValues.append(v)
                    } else if let flag {
                        sources[k].record(flag, fromFlag: true)
                        opticsValues.append(flag)
                    } else {
                        let blocks = optics != nil ? "blocks data_\(table.block) and data_optics have" : "block data_\(table.block) has"
                        throw ImageDataError.missingCTFParameter(file: star.path, line: table.lines[r], blocks: blocks,
                                                                 column: field.column, flag: field.flag, unit: field.unit)
                    }
                }
                ctf = CTFParameters(defocusUA: du, defocusVA: try value("rlnDefocusV") ?? du,
                                    defocusAngleDeg: try value("rlnDefocusAngle") ?? 0,
                                    sphericalAberrationMM: opticsValues[1], voltageKV: opticsValues[0], amplitudeContrast: opticsValues[2],
                                    phaseShiftDeg: try value("rlnPhaseShift") ?? 0,
                                    bFactorA2: try value("rlnCtfBfactor") ?? 0)
            }
            let opticsGroup = try table.int(r, "rlnOpticsGroup")
            out.append(Particle(line: table.lines[r], imageIndex: index, stackPath: stack, imageName: name,
                                angles: angles, originXA: ox ?? 0, originYA: oy ?? 0, pixelSizeA: pixel, ctf: ctf,
                                classNumber: try table.int(r, "rlnClassNumber"),
                                randomSubset: try table.int(r, "rlnRandomSubset"),
                                micrographName: table.string(r, "rlnMicrographName"),
                                coordinateX: try value("rlnCoordinateX"), coordinateY: try value("rlnCoordinateY"),
                                opticsGroup: opticsGroup))
        }
        particles = out
        ctfSources = sources.filter { !$0.values.isEmpty }
    }

    /// Splits `N@path` into the 1-based index and the path resolved against `base` (absolute paths kept).
    /// A name without `@` is image 1 of that file.
    public static func parseReference(_ name: String, base: String, file: String, line: Int) throws -> (Int, String) {
        let parts = name.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        let indexText = parts.count == 2 ? String(parts[0]) : "1"
        let pathText = String(parts.count == 2 ? parts[1] : parts[0])
        guard let index = Int(indexText), index >= 1 else {
            throw ImageDataError.badImageReference(file: file, line: line, value: name,
                                                   detail: "expected N@path with N ≥ 1")
        }
        guard !pathText.isEmpty else {
            throw ImageDataError.badImageReference(file: file, line: line, value: name, detail: "expected a path after @")
        }
        let path = pathText.hasPrefix("/") ? pathText : URL(fileURLWithPath: base).appendingPathComponent(pathText).path
        return (index, path)
    }

    /// Checks that every referenced image exists: each stack opens and holds the image numbers used.
    /// Returns the opened stacks by path. Errors name the STAR file, the line and the reference.
    public func openStacks() throws -> [String: ImageStack] {
        var stacks: [String: ImageStack] = [:]
        for p in particles {
            if stacks[p.stackPath] == nil {
                guard FileManager.default.fileExists(atPath: p.stackPath) else {
                    throw ImageDataError.badImageReference(file: path, line: p.line, value: p.imageName,
                                                           detail: "the stack \(p.stackPath) does not exist")
                }
                stacks[p.stackPath] = try ImageStack(path: p.stackPath)
            }
            let n = stacks[p.stackPath]!.count
            guard p.imageIndex <= n else {
                throw ImageDataError.badImageReference(file: path, line: p.line, value: p.imageName,
                                                       detail: "image \(p.imageIndex) requested; the stack holds \(n)")
            }
        }
        return stacks
    }
}

/// `--voltage`, `--cs`, `--amplitude-contrast`: CTF optics for a STAR file that lacks the columns. Used only
/// where the STAR has no such column; where it has one, the STAR's value is used (and a differing flag noted).
public struct CTFFlags: Sendable, Equatable {
    public var voltageKV: Double?
    public var sphericalAberrationMM: Double?
    public var amplitudeContrast: Double?

    public init(voltageKV: Double? = nil, sphericalAberrationMM: Double? = nil, amplitudeContrast: Double? = nil) {
        self.voltageKV = voltageKV; self.sphericalAberrationMM = sphericalAberrationMM; self.amplitudeContrast = amplitudeContrast
    }

    /// One optics field: its STAR column, the flag that supplies it and the flag's unit.
    public struct Field: Sendable, Equatable {
        public var name: String, column: String, flag: String, unit: String
    }

    /// Voltage, Cs, amplitude contrast, in this order.
    public static let fields = [
        Field(name: "voltage", column: "rlnVoltage", flag: "--voltage", unit: "kV"),
        Field(name: "spherical aberration", column: "rlnSphericalAberration", flag: "--cs", unit: "mm"),
        Field(name: "amplitude contrast", column: "rlnAmplitudeContrast", flag: "--amplitude-contrast", unit: "FRACTION"),
    ]

    public subscript(field: Field) -> Double? {
        switch field.column {
        case "rlnVoltage": return voltageKV
        case "rlnSphericalAberration": return sphericalAberrationMM
        default: return amplitudeContrast
        }
    }
}

/// Where the particles' values of one CTF optics field came from.
public struct CTFParameterSource: Sendable, Equatable {
    public var field: CTFFlags.Field
    /// The distinct values used (one per optics group, usually one).
    public var values: Set<Double> = []
    /// Particles whose value came from the STAR file, and from the flag.
    public var fromStar = 0, fromFlag = 0
    /// STAR values that differ from the flag given (the STAR's are used).
    public var conflicts: Set<Double> = []

    init(field: CTFFlags.Field) { self.field = field }

    mutating func record(_ v: Double, fromFlag flag: Bool) {
        values.insert(v)
        if flag { fromFlag += 1 } else { fromStar += 1 }
    }
}
