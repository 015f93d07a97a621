// O.a Cross-linking mass spectrometry: are the cross-links consistent with the model? For each link whose two
// residues are in the model: the Cα–Cα distance and the solvent-accessible surface distance (SASD, Jwalk-style,
// SolventPath.swift). A link is satisfied when its SASD is at most the cross-linker's maximum (default 33 Å for
// BS3/DSS, the SASD cut-off of Bullock et al. 2016 and Jwalk, Matthews et al. 2017). Links with a residue
// missing from the model are listed apart and not counted, and so are links from a residue to itself, which
// only two copies of the protein can make (or a misassignment): one chain cannot show them. Warning (VRS): fewer
// than 50 % satisfied.
import Foundation
import ModelIO
import TechniqueIO
import VolumeNumerics

public struct CrossLinkSection: Section {
    public let id = "O.a"
    public let title = "Cross-linking mass spectrometry"
    public let reference = "Jwalk SASD (Matthews et al. 2017)"

    public let list: CrossLinkList
    public let path: String
    public let sha256: String
    public let chains: ChainMapping
    /// Largest SASD of a satisfied link, Å.
    public let maxDistanceA: Double

    /// BS3/DSS: 33 Å SASD (Bullock et al. 2016, Mol. Cell. Proteomics 15:2491; used by Jwalk).
    public static let defaultMaxDistanceA = 33.0
    /// VRS's criterion: warn when fewer than this fraction of the links in the model are satisfied.
    public static let minimumFractionSatisfied = 0.5

    public init(list: CrossLinkList, path: String, sha256: String, chains: ChainMapping = ChainMapping(),
                maxDistanceA: Double = CrossLinkSection.defaultMaxDistanceA) {
        self.list = list; self.path = path; self.sha256 = sha256; self.chains = chains; self.maxDistanceA = maxDistanceA
    }

    /// One evaluated link.
    public struct Measured: Sendable, Equatable {
        public var link: CrossLink
        public var chain1: String, chain2: String
        public var caDistanceA: Double
        /// nil: no solvent path within the search limit (buried residue or a very long detour).
        public var sasdA: Double?
        public var satisfied: Bool
    }

    /// The links measured on `model`, those left out with the reason (a residue not in the model), and those
    /// joining a residue to itself.
    public func measure(_ model: AtomicModel) -> (measured: [Measured], missing: [(CrossLink, String)], sameResidue: [CrossLink]) {
        var residues: [String: [Atom]] = [:]
        for a in model.atoms where a.insertionCode.isEmpty { residues["\(a.chain)|\(a.residueNumber)", default: []].append(a) }
        var todo: [(CrossLink, String, String, [Atom], [Atom])] = []
        var missing: [(CrossLink, String)] = []
        var sameResidue: [CrossLink] = []
        for l in list.links {
            let c1 = chains.chain(for: l.protein1), c2 = chains.chain(for: l.protein2)
            // Its SASD would be 0 and "satisfied": a homotypic link says two copies are close, not this chain.
            if c1 == c2, l.residue1 == l.residue2 { sameResidue.append(l); continue }
            let r1 = residues["\(c1)|\(l.residue1)"], r2 = residues["\(c2)|\(l.residue2)"]
            var why: [String] = []
            if r1?.contains(where: { $0.name == "CA" }) != true { why.append("\(l.protein1) \(l.residue1) (chain \(c1))") }
            if r2?.contains(where: { $0.name == "CA" }) != true { why.append("\(l.protein2) \(l.residue2) (chain \(c2))") }
            if why.isEmpty { todo.append((l, c1, c2, r1!, r2!)) }
            else { missing.append((l, "not in the model: " + why.joined(separator: ", "))) }
        }
        guard !todo.isEmpty else { return ([], missing, sameResidue) }
        let grid = SolventGrid(atoms: model.atoms)
        // Beyond twice the maximum the exact detour does not matter: the link is violated.
        let limit = 2 * maxDistanceA
        var out = [Measured?](repeating: nil, count: todo.count)
        let lock = NSLock()
        Parallel.perform(iterations: todo.count) { k in
            let (l, c1, c2, a1, a2) = todo[k]
            let ca1 = a1.first { $0.name == "CA" }!.position, ca2 = a2.first { $0.name == "CA" }!.position
            let d = ca1 - ca2
            let ca = (d * d).sum().squareRoot()
            let sasd = ca > limit ? nil : grid.distance(from: ca1, to: ca2, removing: a1 + a2, limit: limit)
            let m = Measured(link: l, chain1: c1, chain2: c2, caDistanceA: ca, sasdA: sasd,
                             satisfied: sasd.map { $0 <= maxDistanceA } ?? false)
            lock.lock(); out[k] = m; lock.unlock()
        }
        return (out.map { $0! }, missing, sameResidue)
    }

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        guard let model = context.model else { throw SectionError.notApplicable("needs an atomic model (--model)") }
        let (measured, missing, sameResidue) = measure(model)
        let file = (path as NSString).lastPathComponent
        var metrics: [String: JSONValue] = [
            "file": .string(file), "sha256": .string(sha256), "layout": .string(list.layout),
            "links": .int(list.links.count), "links_in_model": .int(measured.count),
            "links_not_in_model": .int(missing.count), "max_distance_A": .number(maxDistanceA),
            "chain_mapping": .string(chains.chainOf.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")),
            "not_in_model": .array(missing.map { l, why in
                .object(["residue1": .string(Self.name(l.protein1, l.residue1)), "residue2": .string(Self.name(l.protein2, l.residue2)),
                         "line": .int(l.line), "reason": .string(why)])
            }),
        ]
        // Only when there are any, so that the template can leave the phrase out.
        if !sameResidue.isEmpty {
            metrics["links_same_residue"] = .int(sameResidue.count)
            metrics["same_residue"] = .array(sameResidue.map { l in
                .object(["residue1": .string(Self.name(l.protein1, l.residue1)), "line": .int(l.line)])
            })
        }
        guard !measured.isEmpty else {
            throw SectionError.notApplicable("none of the \(list.links.count) cross-links of \(file) has both residues in the model; check the chain mapping (--crosslink-chains)")
        }
        let satisfied = measured.filter { $0.satisfied }.count
        let fraction = Double(satisfied) / Double(measured.count)
        metrics["links_satisfied"] = .int(satisfied)
        metrics["fraction_satisfied"] = .number(fraction)
        metrics["percent_satisfied"] = .number(100 * fraction)
        metrics["search_limit_A"] = .number(2 * maxDistanceA)
        metrics["per_link"] = .array(measured.map { m in
            .object([
                "residue1": .string(Self.name(m.link.protein1, m.link.residue1)), "chain1": .string(m.chain1),
                "residue2": .string(Self.name(m.link.protein2, m.link.residue2)), "chain2": .string(m.chain2),
                "ca_distance_A": .number(m.caDistanceA), "sasd_A": m.sasdA.map { .number($0) } ?? .null,
                "satisfied": .bool(m.satisfied), "satisfied_text": .string(m.satisfied ? "yes" : "no"),
                "line": .int(m.link.line),
            ])
        })
        var warnings: [String] = []
        if fraction < Self.minimumFractionSatisfied {
            warnings.append("Only \(NumberText.fixed(100 * fraction, 1)) % of the \(measured.count) cross-links in the model are satisfied (SASD at most \(NumberText.format(maxDistanceA)) Å); fewer than 50 % satisfied suggests the model (or the cross-link list) is wrong.")
        }
        let withPath = measured.filter { $0.sasdA != nil }
        let plot = LinePlot(series: [
            Series(label: "satisfied", x: withPath.filter { $0.satisfied }.map { $0.caDistanceA },
                   y: withPath.filter { $0.satisfied }.map { $0.sasdA! }, style: .points),
            Series(label: "violated", x: withPath.filter { !$0.satisfied }.map { $0.caDistanceA },
                   y: withPath.filter { !$0.satisfied }.map { $0.sasdA! }, style: .points),
            Series(label: "SASD = Cα distance", x: [0, 2 * maxDistanceA], y: [0, 2 * maxDistanceA], style: .dashed),
        ], xLabel: "Cα–Cα distance (Å)", yLabel: "SASD (Å)",
        xMarkers: [], yMarkers: [Marker(value: maxDistanceA, label: "max \(NumberText.format(maxDistanceA)) Å", keepInRange: true)])
        let caption = "Solvent-accessible surface distance against Cα–Cα distance for the \(withPath.count) cross-links in the model with a solvent path shorter than \(NumberText.format(2 * maxDistanceA)) Å; the horizontal line is the maximum of a satisfied link. A SASD can only be longer than the straight line."
        return .evaluated(self, warnings: warnings, metrics: metrics,
                          figures: [Figure(id: "oa_sasd_vs_ca", caption: caption, content: .plot(plot))])
    }

    static func name(_ protein: String, _ residue: Int) -> String { "\(protein) \(residue)" }
}
