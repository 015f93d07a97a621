// An atomic model as the analysis sees it: a flat list of atoms of the first model.
// Coordinates in Å, in the same frame as the map's originA.

public struct Atom: Sendable, Equatable, Codable {
    public var position: SIMD3<Double>
    /// Element symbol, upper case ("C", "N", "O", "S", "FE").
    public var element: String
    public var name: String
    public var residueName: String
    public var residueNumber: Int
    public var insertionCode: String
    public var chain: String
    /// Isotropic B-factor, Å².
    public var bFactor: Double
    public var occupancy: Double

    public init(position: SIMD3<Double>, element: String, name: String, residueName: String, residueNumber: Int,
                insertionCode: String = "", chain: String, bFactor: Double, occupancy: Double) {
        self.position = position; self.element = element; self.name = name; self.residueName = residueName
        self.residueNumber = residueNumber; self.insertionCode = insertionCode; self.chain = chain
        self.bFactor = bFactor; self.occupancy = occupancy
    }

    public var isHydrogen: Bool { element == "H" || element == "D" }
}

public struct AtomicModel: Sendable, Equatable {
    public var atoms: [Atom]
    /// File the model was read from.
    public var path: String
    public init(atoms: [Atom], path: String) { self.atoms = atoms; self.path = path }
}
