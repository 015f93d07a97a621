// Point-group symmetry in RELION's conventions (RELION symmetries.cpp, inherited from Xmipp; Heymann et al.
// 2005): Cn about z; Dn = Cn plus a 2-fold about x; T with a 3-fold about z and a 2-fold about
// (0, 0.816496, 0.577350); O with a 4-fold about z and a 3-fold about (1, 1, 1)/√3; I is RELION's default
// icosahedral orientation I2 (2-folds about x, y, z; a 5-fold about (−0.525731, 0, 0.850651)). The group is
// closed from its generators; the test checks the orders 12, 24 and 60.
// A map with symmetry R satisfies V(R·x) = V(x), so the orientations A and A·R give the same projection.
import Foundation

public struct SymmetryGroup: Sendable, Equatable {
    /// The name as given (upper case), e.g. "C1", "D7", "I".
    public let name: String
    /// Every rotation of the group (identity first).
    public let rotations: [Rotation3]

    public var order: Int { rotations.count }

    /// Parses "C1", "c7", "D2", "T", "O", "I" (also "I2"). Errors say what was expected.
    public init(_ text: String) throws {
        let s = text.uppercased().trimmingCharacters(in: .whitespaces)
        let z = SIMD3<Double>(0, 0, 1)
        var generators: [Rotation3]
        if let kind = s.first, kind == "C" || kind == "D", let n = Int(s.dropFirst()), n >= 1, n <= 1000 {
            generators = [Rotation3(axis: z, angleDeg: 360 / Double(n))]
            if kind == "D" { generators.append(Rotation3(axis: SIMD3(1, 0, 0), angleDeg: 180)) }
        } else if s == "T" {
            generators = [Rotation3(axis: z, angleDeg: 120), Rotation3(axis: SIMD3(0, 0.816496, 0.577350), angleDeg: 180)]
        } else if s == "O" {
            generators = [Rotation3(axis: z, angleDeg: 90), Rotation3(axis: SIMD3(1, 1, 1), angleDeg: 120)]
        } else if s == "I" || s == "I2" {
            generators = [Rotation3(axis: z, angleDeg: 180), Rotation3(axis: SIMD3(-0.525731112, 0, 0.850650808), angleDeg: 72)]
        } else {
            throw SymmetryError.unknown(text)
        }
        name = s == "I2" ? "I" : s
        rotations = SymmetryGroup.close(generators)
    }

    /// All products of the generators (breadth-first until nothing new appears).
    static func close(_ generators: [Rotation3]) -> [Rotation3] {
        var group = [Rotation3.identity]
        var frontier = [Rotation3.identity]
        func known(_ r: Rotation3) -> Bool { group.contains { $0.angularDistanceDeg(to: r) < 1e-3 } }
        while !frontier.isEmpty && group.count <= 120 {
            var next: [Rotation3] = []
            for a in frontier {
                for g in generators {
                    let p = g * a
                    if !known(p) { group.append(p); next.append(p) }
                }
            }
            frontier = next
        }
        return group
    }

    /// Smallest angle (degrees) between orientation `a` and any symmetry mate a·R of `b`.
    public func angularDistanceDeg(_ a: Rotation3, _ b: Rotation3) -> Double {
        rotations.map { a.angularDistanceDeg(to: b * $0) }.min()!
    }

    /// Projection directions (unit vectors in map coordinates) about `stepDeg` apart covering the asymmetric
    /// unit: rings of constant tilt every `stepDeg`, each with round(360·sin(tilt)/step) directions, kept when
    /// they lie in the Dirichlet cell of a generic reference direction c (no mate R·d is closer to c) — one
    /// representative per set of equivalent directions.
    public func directionGrid(stepDeg: Double) -> [EulerAngles] {
        let c = normalise(SIMD3(0.0713, 0.1427, 0.9872))
        var out: [EulerAngles] = []
        let rings = max(1, Int((180 / stepDeg).rounded()))
        for t in 0...rings {
            let tilt = 180 * Double(t) / Double(rings)
            let count = max(1, Int((360 * sin(tilt * .pi / 180) / stepDeg).rounded()))
            for k in 0..<count {
                // Stagger alternate rings for a more even cover.
                let rot = 360 * (Double(k) + (t % 2 == 0 ? 0 : 0.5)) / Double(count)
                let e = EulerAngles(rot: rot, tilt: tilt, psi: 0)
                let d = e.projectionDirection
                let dc = (d * c).sum()
                if rotations.dropFirst().allSatisfy({ ($0.apply(d) * c).sum() <= dc + 1e-9 }) { out.append(e) }
            }
        }
        return out
    }

    private func normalise(_ v: SIMD3<Double>) -> SIMD3<Double> { v / (v * v).sum().squareRoot() }
}

public enum SymmetryError: Error, Equatable, CustomStringConvertible {
    case unknown(String)
    public var description: String {
        switch self {
        case .unknown(let s): return "symmetry '\(s)': expected Cn or Dn (n ≥ 1), T, O or I"
        }
    }
}
