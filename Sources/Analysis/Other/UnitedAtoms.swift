// Hydrogens bonded to each heavy atom of the standard amino acids (neutral pH protonation of the PDB's
// ideal residues; carboxylates unprotonated, lysine NZ with 3, arginine NH1/NH2 with 2 each), for united-atom
// SAXS form factors: a heavy atom and its hydrogens scatter as one. Atoms not listed have none.
public enum UnitedAtoms {
    static let backbone: [String: Int] = ["N": 1, "CA": 1, "C": 0, "O": 0, "OXT": 0]
    static let sideChains: [String: [String: Int]] = [
        "ALA": ["CB": 3],
        "ARG": ["CB": 2, "CG": 2, "CD": 2, "NE": 1, "NH1": 2, "NH2": 2],
        "ASN": ["CB": 2, "ND2": 2],
        "ASP": ["CB": 2],
        "CYS": ["CB": 2, "SG": 1],
        "GLN": ["CB": 2, "CG": 2, "NE2": 2],
        "GLU": ["CB": 2, "CG": 2],
        "GLY": ["CA": 2],
        "HIS": ["CB": 2, "ND1": 1, "CD2": 1, "CE1": 1],
        "ILE": ["CB": 1, "CG1": 2, "CG2": 3, "CD1": 3],
        "LEU": ["CB": 2, "CG": 1, "CD1": 3, "CD2": 3],
        "LYS": ["CB": 2, "CG": 2, "CD": 2, "CE": 2, "NZ": 3],
        "MET": ["CB": 2, "CG": 2, "CE": 3],
        "PHE": ["CB": 2, "CD1": 1, "CD2": 1, "CE1": 1, "CE2": 1, "CZ": 1],
        "PRO": ["N": 0, "CB": 2, "CG": 2, "CD": 2],
        "SER": ["CB": 2, "OG": 1],
        "THR": ["CB": 1, "OG1": 1, "CG2": 3],
        "TRP": ["CB": 2, "CD1": 1, "NE1": 1, "CE3": 1, "CZ2": 1, "CZ3": 1, "CH2": 1],
        "TYR": ["CB": 2, "CD1": 1, "CD2": 1, "CE1": 1, "CE2": 1, "OH": 1],
        "VAL": ["CB": 1, "CG1": 3, "CG2": 3],
    ]

    /// Hydrogens bonded to the atom `name` of residue `residue`.
    public static func hydrogens(residue: String, atom name: String) -> Int {
        if let n = sideChains[residue]?[name] { return n }
        return sideChains[residue] != nil ? backbone[name] ?? 0 : 0
    }
}
