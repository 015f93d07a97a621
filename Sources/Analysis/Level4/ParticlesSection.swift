// Particles (not scored): what the STAR file holds — file, number of particles, pixel size and its source,
// box, optics groups, micrographs — the first 32 images in a grid, and histograms of the defocus and of the
// number of particles per micrograph. Warnings: the STAR pixel size differs from the map's by more than 1 %.
// A particle box different from the map's is stated (the sections here reconstruct at the particles' own box).
// The CTF optics (voltage, Cs, amplitude contrast) are listed with their source (STAR column or flag); a flag
// that disagrees with the STAR's value warns (the STAR's value is used; ImageData/ParticleTable.swift).
import Foundation
import ImageData
import ParticleAnalysis

public struct ParticlesSection: Section {
    public let id = "4.particles"
    public let title = "Particles"
    public let scored = false
    public static let gridImages = 32, gridColumns = 8, tilePixels = 64

    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        guard let p = context.particles, let table = p.table else {
            throw SectionError.notApplicable("no particles given (--particles PARTICLES.star)")
        }
        let map = context.map
        let mapPixel = map.voxelSize.x
        var warnings: [String] = []
        let pixelDiff = abs(p.pixelSizeA - mapPixel) / mapPixel
        if pixelDiff > 0.01 {
            warnings.append("the particles' pixel size (\(NumberText.format(p.pixelSizeA)) Å, from the \(p.pixelSizeSource.rawValue)) differs from the map's (\(NumberText.format(mapPixel)) Å) by \(NumberText.format(pixelDiff * 100)) %, more than 1 %")
        }
        for source in table.ctfSources where !source.conflicts.isEmpty {
            let star = source.conflicts.sorted().map(NumberText.format).joined(separator: ", ")
            warnings.append("\(source.field.flag) \(NumberText.format(p.ctfFlagValue(source.field))) differs from the STAR file's \(source.field.column) (\(star)): the STAR's value is used")
        }
        let defocus = table.particles.compactMap { $0.ctf.map { ($0.defocusUA + $0.defocusVA) / 2 } }
        var perMicrograph: [String: Int] = [:]
        for q in table.particles { if let m = q.micrographName { perMicrograph[m, default: 0] += 1 } }
        let optics = Set(table.particles.compactMap { $0.opticsGroup })
        var metrics: [String: JSONValue] = [
            "file": .string(URL(fileURLWithPath: p.starPath).lastPathComponent),
            "star_layout": .string("RELION \(table.layout)\(table.layout == "3.1" ? "+" : "")"),
            "particles": .int(p.totalCount),
            "pixel_size_A": .number(p.pixelSizeA), "pixel_size_source": .string(p.pixelSizeSource.rawValue),
            "box": .int(p.box), "map_box": .int(map.nx), "map_pixel_size_A": .number(mapPixel),
            "optics_groups": .int(max(optics.count, 1)), "micrographs": .int(perMicrograph.count),
            "stacks": .int(p.stacks.count),
            "has_angles": .bool(p.anglesDeg != nil), "has_ctf": .bool(defocus.count == p.totalCount),
            "pixel_size_difference_pct": .number(pixelDiff * 100),
        ]
        if p.box != map.nx || pixelDiff > 1e-6 {
            metrics["box_note"] = .string("the particle images are \(p.box)² pixels of \(NumberText.format(p.pixelSizeA)) Å (\(NumberText.format(Double(p.box) * p.pixelSizeA)) Å across), the map \(map.nx)³ voxels of \(NumberText.format(mapPixel)) Å (\(NumberText.format(Double(map.nx) * mapPixel)) Å); the reconstructions of Level 4 use the particles' own box and pixel size")
        }
        if !table.ctfSources.isEmpty {
            let rows = table.ctfSources.map { Self.opticsRow($0) }
            metrics["ctf_optics"] = .array(rows)
            // One sentence: "CTF voltage from the STAR file's rlnVoltage; … ."
            metrics["ctf_optics_note"] = .string("CTF " + rows.map { "\($0["parameter"]!.stringValue!) from the \($0["source"]!.stringValue!)" }.joined(separator: "; "))
        }
        if !defocus.isEmpty {
            metrics["defocus_min_A"] = .number(defocus.min()!); metrics["defocus_max_A"] = .number(defocus.max()!)
            metrics["defocus_mean_A"] = .number(defocus.reduce(0, +) / Double(defocus.count))
        }

        var figures = [try grid(p)]
        if defocus.count > 1 {
            figures.append(Figure(id: "4particles_defocus", caption: "Histogram of the defocus, (U + V)/2, of the \(defocus.count) particles.",
                                  content: .histogram(Self.histogram(defocus, xLabel: "Defocus (Å)", yLabel: "Particles"))))
        }
        if perMicrograph.count > 1 {
            figures.append(Figure(id: "4particles_per_micrograph", caption: "Histogram of the number of particles per micrograph (\(perMicrograph.count) micrographs).",
                                  content: .histogram(Histogram(counts: Array(perMicrograph.values), xLabel: "Particles per micrograph", yLabel: "Micrographs"))))
        }
        return SectionResult(id: id, title: title, status: warnings.isEmpty ? .ok : .warnings, warnings: warnings,
                             metrics: metrics, figures: figures, scored: scored)
    }

    /// The first 32 particles as one mosaic, 8 per row, each tile block-averaged to at most 64² pixels and
    /// scaled from its own minimum to maximum (SPEC's grey scale, per image).
    func grid(_ p: ParticleInput) throws -> Figure {
        let count = min(Self.gridImages, p.totalCount)
        let factor = max(1, (p.box + Self.tilePixels - 1) / Self.tilePixels)
        let tile = p.box / factor
        let cols = min(Self.gridColumns, count), rows = (count + Self.gridColumns - 1) / Self.gridColumns
        let gap = 2, w = cols * tile + (cols - 1) * gap, h = rows * tile + (rows - 1) * gap
        var mosaic = [Float](repeating: 1, count: w * h)
        for k in 0..<count {
            let img = try p.image(k)
            var small = [Float](repeating: 0, count: tile * tile)
            for y in 0..<tile * factor { for x in 0..<tile * factor { small[x / factor + tile * (y / factor)] += img[x + p.box * y] } }
            let lo = small.min()!, hi = small.max()!, span = hi > lo ? hi - lo : 1
            let c = k % Self.gridColumns, r = k / Self.gridColumns
            for y in 0..<tile { for x in 0..<tile {
                // Row r counted from the top; the mosaic's v axis points up.
                let u = c * (tile + gap) + x, v = h - 1 - (r * (tile + gap) + (tile - 1 - y))
                mosaic[u + w * v] = (small[x + tile * y] - lo) / span
            } }
        }
        let image = Image2D(width: w, height: h, pixels: mosaic, label: "",
                            pixelSizeA: [p.pixelSizeA * Double(factor), p.pixelSizeA * Double(factor)])
        return Figure(id: "4particles_grid",
                      caption: "The first \(count) particle images of the STAR file, in file order, 8 per row" + (factor > 1 ? ", averaged over \(factor)×\(factor) pixel blocks" : "") + "; each image on its own grey scale.",
                      content: .images(ImagePanels(panels: [image], range: [0, 1])))
    }

    /// One row of the CTF optics table: the field, its value(s) with unit, and where it came from.
    static func opticsRow(_ s: CTFParameterSource) -> JSONValue {
        let unit = s.field.unit == "FRACTION" ? "" : " " + s.field.unit
        let values = s.values.sorted().map { NumberText.format($0) + unit }.joined(separator: ", ")
        var from: [String] = []
        if s.fromStar > 0 { from.append("STAR file's \(s.field.column)" + (s.fromFlag > 0 ? " (\(s.fromStar) particles)" : "")) }
        if s.fromFlag > 0 { from.append("flag \(s.field.flag) (the STAR file has no \(s.field.column)" + (s.fromStar > 0 ? "; \(s.fromFlag) particles)" : ")")) }
        return .object(["parameter": .string(s.field.name), "value": .string(values), "source": .string(from.joined(separator: "; "))])
    }

    static func histogram(_ values: [Double], xLabel: String, yLabel: String, bins: Int = 30) -> Histogram {
        // The data's own range; one unit wide only when every value is the same (a correlation range of
        // 0.97–0.99 must not be drawn on 0.97–1.97).
        let lo = values.min()!, hi = values.max()! > lo ? values.max()! : lo + 1
        var counts = [Double](repeating: 0, count: bins)
        for v in values { counts[min(bins - 1, Int((v - lo) / (hi - lo) * Double(bins)))] += 1 }
        return Histogram(binEdges: (0...bins).map { lo + (hi - lo) * Double($0) / Double(bins) }, counts: counts,
                         xLabel: xLabel, yLabel: yLabel)
    }
}
