// 5.a Micrograph screening: every coordinate scored by MicrographScreening (bad regions of the micrograph's own
// density, closeness to the edge); flagged when its score ≥ 0.5. Warning (VRS): more than 20 % flagged.
import Foundation
import MicrographIO

public struct MicrographScreeningSection: Section {
    public let id = "5.a"
    public let title = "Micrograph screening"
    public let reference = "local-median outliers (this work; VRS: MicrographCleaner)"
    public let inputs: MicrographInputs
    public init(inputs: MicrographInputs) { self.inputs = inputs }

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        guard let coords = inputs.coordinates else { throw SectionError.notApplicable("needs particle coordinates (--coordinates)") }
        guard let box = inputs.boxPixels else {
            throw SectionError.notApplicable("needs the particle box size (--particle-box, or rlnImageSize in the coordinates file)")
        }
        var perMicrograph: [JSONValue] = []
        var perCoordinate: [JSONValue] = []
        var total = 0, flagged = 0, nearEdge = 0, inRegions = 0
        var scores: [Double] = []
        // The micrograph shown: the one with the most flagged coordinates (the first listed when none is flagged),
        // where the screening has something to show.
        var overlay: (figure: Figure, flagged: Int)?
        var unreadable: [String] = []
        for k in inputs.list.paths.indices {
            let points = coords.points(for: inputs.list.paths[k])
            if points.isEmpty { continue }
            let m: Micrograph
            do { m = try inputs.read(k) } catch { unreadable.append("\(error)"); continue }
            let s = MicrographScreening.screen(m.pixels, width: m.width, height: m.height, pixelSizeA: m.pixelSizeA, boxPixels: box)
            let cs = points.map { MicrographScreening.score(s, x: $0.x, y: $0.y, boxPixels: box, width: m.width, height: m.height) }
            let name = (m.path as NSString).lastPathComponent
            let f = cs.filter { $0.flagged }.count
            total += cs.count; flagged += f
            nearEdge += cs.filter { $0.nearEdge }.count; inRegions += cs.filter { $0.inBadRegion }.count
            scores += cs.map { $0.score }
            perMicrograph.append(.object(["micrograph": .string(name), "coordinates": .int(cs.count), "flagged": .int(f),
                                          "bad_area_pct": .number(100 * s.badFraction), "regions": .int(s.regions)]))
            for (p, c) in zip(points, cs) {
                perCoordinate.append(.object(["micrograph": .string(name), "x_px": .number(p.x), "y_px": .number(p.y),
                                              "score": .number(c.score), "flagged": .bool(c.flagged)]))
            }
            if overlay == nil || f > overlay!.flagged {
                var left = inputs.panel(m, target: 800, label: name, flags: cs.map { $0.flagged })
                left.label = name
                // The z map at the screening's own binning, with the same circles rescaled.
                var right = Image2D(width: s.width, height: s.height, pixels: s.z.map { max(-8, min(8, $0)) },
                                    label: "robust z (±8)", pixelSizeA: [s.pixelSizeA, s.pixelSizeA])
                let scale = Double(left.width) / Double(s.width)
                right.circles = left.circles?.map { ImageCircle(u: ($0.u + 0.5) / scale - 0.5, v: ($0.v + 0.5) / scale - 0.5, radius: $0.radius / scale, flagged: $0.flagged) }
                let which = f > 0 ? ", the micrograph with the most flagged coordinates (\(f) of \(cs.count))" : ""
                overlay = (Figure(id: "5a_screening_overlay", caption: "Screening of \(name)\(which): the micrograph with each particle box (red: flagged, green: kept) and the robust z-score of the local median density (clipped to ±8) from which bad regions (|z| ≥ 3, at least one box in area) are taken.", content: .images(ImagePanels(panels: [left, right]))), f)
            }
        }
        guard total > 0 else {
            throw SectionError.notApplicable("no coordinate belongs to a listed micrograph (coordinates are matched on the micrograph's file name)" + (unreadable.first.map { "; \($0)" } ?? ""))
        }
        let fraction = Double(flagged) / Double(total)
        var metrics: [String: JSONValue] = [
            "coordinates": .int(total), "flagged": .int(flagged), "fraction_flagged": .number(fraction),
            "percent_flagged": .number(100 * fraction), "near_edge": .int(nearEdge), "in_bad_regions": .int(inRegions),
            "micrographs_screened": .int(perMicrograph.count), "box_px": .int(box),
            "per_micrograph": .array(perMicrograph), "per_coordinate": .array(perCoordinate),
            "unreadable": .array(unreadable.map { .string($0) }),
        ]
        metrics["mean_score"] = .number(scores.reduce(0, +) / Double(scores.count))
        var warnings: [String] = []
        if fraction > MicrographScreening.maximumFlaggedFraction {
            warnings.append("\(NumberText.fixed(100 * fraction, 1)) % of the \(total) coordinates are flagged (near the edge or in regions of outlying density such as thick ice, carbon or contamination); VRS warns above 20 %.")
        }
        let edges = (0...20).map { Double($0) / 20 }
        var h = [Double](repeating: 0, count: 20)
        for s in scores { h[min(19, Int(s * 20))] += 1 }
        var figures: [Figure] = []
        if let overlay { figures.append(overlay.figure) }
        figures.append(Figure(id: "5a_scores", caption: "Screening scores of the coordinates; a coordinate is flagged at 0.5 or above.",
                              content: .histogram(Histogram(binEdges: edges, counts: h, xLabel: "Score", yLabel: "Coordinates",
                                                            markers: [Marker(value: 0.5, label: "flag", keepInRange: true)]))))
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: figures)
    }
}
