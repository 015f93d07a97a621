// Colour maps for the 3D views (values on surfaces and atoms) and the chain palette.
//
// "viridis" and "plasma" are perceptually uniform (van der Walt & Smith 2015, matplotlib's defaults),
// interpolated linearly in sRGB between their published colours at nine evenly spaced stops; "bluered" is a
// diverging blue–white–red map for signed values. Values map linearly from [lo, hi] to [0, 1] and are
// clamped; non-finite values draw grey.

enum SurfaceColormap {
    static let stops: [String: [UInt32]] = [
        "viridis": [0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21918c, 0x28ae80, 0x5ec962, 0xaddc30, 0xfde725],
        "plasma": [0x0d0887, 0x4c02a1, 0x7e03a8, 0xa92395, 0xcc4778, 0xe56b5d, 0xf89540, 0xfdc527, 0xf0f921],
        "bluered": [0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7, 0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b],
    ]

    static func isKnown(_ name: String) -> Bool { stops[name] != nil }

    /// sRGB in [0, 1] at position t ∈ [0, 1] of the map (viridis for an unknown name).
    static func color(_ name: String, at t: Double) -> SIMD3<Float> {
        guard t.isFinite else { return SIMD3(0.6, 0.6, 0.6) }
        let s = stops[name] ?? stops["viridis"]!
        let x = min(max(t, 0), 1) * Double(s.count - 1)
        let i = min(Int(x), s.count - 2), f = Float(x - Double(i))
        return rgb(s[i]) * (1 - f) + rgb(s[i + 1]) * f
    }

    /// sRGB of `value` with [lo, hi] mapped to [0, 1].
    static func color(_ name: String, value: Double, range: ClosedRange<Double>) -> SIMD3<Float> {
        let span = range.upperBound - range.lowerBound
        return color(name, at: span > 0 ? (value - range.lowerBound) / span : 0.5)
    }

    static func rgb(_ hex: UInt32) -> SIMD3<Float> {
        SIMD3(Float((hex >> 16) & 0xff), Float((hex >> 8) & 0xff), Float(hex & 0xff)) / 255
    }

    /// Distinct chain colours (Okabe & Ito 2008 colour-blind-safe palette, then darker variants).
    static let chainPalette: [UInt32] = [0x0072b2, 0xe69f00, 0x009e73, 0xcc79a7, 0x56b4e9, 0xd55e00, 0xf0e442,
                                         0x999999, 0x004c7a, 0x9e6d00, 0x006b4e, 0x8f4f74]
}
