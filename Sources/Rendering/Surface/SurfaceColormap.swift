// Colours of the 3D views: values on surfaces and atoms through the module's colour maps (Colormap.swift:
// viridis, magma, inferno, cividis, coolwarm, grey; perceptually uniform except grey and the diverging
// coolwarm), and the chain palette.
//
// Values map linearly from [lo, hi] to [0, 1] and are clamped; non-finite values draw grey; an unknown map
// name falls back to viridis.

enum SurfaceColormap {
    static func map(_ name: String) -> Colormap { Colormap(named: name) ?? Colormap(named: "viridis")! }

    /// Whether `name` is a colour map (else the views fall back to viridis).
    static func isKnown(_ name: String) -> Bool { Colormap(named: name) != nil }

    /// sRGB in [0, 1] at position t ∈ [0, 1] of the map.
    static func color(_ name: String, at t: Double) -> SIMD3<Float> {
        guard t.isFinite else { return SIMD3(0.6, 0.6, 0.6) }
        let c = map(name).color(t)
        return SIMD3(Float(c.r), Float(c.g), Float(c.b))
    }

    /// sRGB of `value` with [lo, hi] mapped to [0, 1].
    static func color(_ name: String, value: Double, range: ClosedRange<Double>) -> SIMD3<Float> {
        guard value.isFinite else { return SIMD3(0.6, 0.6, 0.6) }
        let span = range.upperBound - range.lowerBound
        return color(name, at: span > 0 ? (value - range.lowerBound) / span : 0.5)
    }

    /// The map's table points (evenly spaced over [0, 1]); linear between them, so a Cairo gradient through
    /// them reproduces the map exactly.
    static func stops(_ name: String) -> [SIMD3<Float>] {
        let t = map(name).table
        return stride(from: 0, to: t.count, by: 3).map { SIMD3(t[$0], t[$0 + 1], t[$0 + 2]) }
    }

    static func rgb(_ hex: UInt32) -> SIMD3<Float> {
        SIMD3(Float((hex >> 16) & 0xff), Float((hex >> 8) & 0xff), Float(hex & 0xff)) / 255
    }

    /// Distinct chain colours (Okabe & Ito 2008 colour-blind-safe palette, then darker variants).
    static let chainPalette: [UInt32] = [0x0072b2, 0xe69f00, 0x009e73, 0xcc79a7, 0x56b4e9, 0xd55e00, 0xf0e442,
                                         0x999999, 0x004c7a, 0x9e6d00, 0x006b4e, 0x8f4f74]
}
