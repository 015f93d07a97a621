// Map–model FSC (SPEC A.a): placeholder until the shared Fourier machinery (VolumeNumerics/Fourier) is on main.
import MapIO

enum MapModelFSC {
    struct Result {
        var metrics: [String: JSONValue]
        var figure: Figure
        /// Resolution (Å) where the masked FSC crosses 0.5.
        var masked05: Double?
    }

    /// Returns nil while the FFT is not available.
    static func compute(map: Volume, modelMap: Volume, modelMaskIndices: [Int]) throws -> Result? { nil }
}
