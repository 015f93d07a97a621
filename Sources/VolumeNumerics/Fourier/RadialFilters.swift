// Radial (isotropic) filters applied to a half spectrum: raised-cosine low-pass, high-pass and band-pass,
// and the exponential B-factor filter. All frequencies are in 1/Å (|s| from FrequencyGrid).
//
// Raised cosine: the transition of width w is centred on the cut-off c, gain 1 below c − w/2, 0 above
// c + w/2, ½(1 + cos(π(s − c + w/2)/w)) between (0.5 at c). The band of half width h around c has gain
// ½(1 + cos(π(s − c)/h)) for |s − c| < h (as in MonoRes, Vilas et al. 2018, Structure 26:337).
// B factor (SPEC 0.d convention, B = 4·slope of ln|F| against s² = 1/d²): the filter of B multiplies F by
// exp(B·s²/4), so it adds B to a map's Guinier B; correcting a map of fitted B applies the filter of −B.
import Foundation
import MapIO

/// A gain that depends only on |s| (1/Å).
public protocol RadialGain: Sendable {
    func gain(_ s: Float) -> Float
    /// `gain` at each of `count` frequencies in non-decreasing order (a half-spectrum row, kx ≥ 0), into `h`.
    /// A gain that is constant away from a transition overrides it to evaluate only the transition.
    func gains(ascending s: UnsafePointer<Float>, into h: UnsafeMutablePointer<Float>, count: Int)
}

extension RadialGain {
    public func gains(ascending s: UnsafePointer<Float>, into h: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { h[i] = gain(s[i]) }
    }
}

public struct RaisedCosineLowPass: RadialGain {
    public var cutoffInvA: Float, widthInvA: Float
    public init(cutoffInvA: Double, widthInvA: Double) {
        self.cutoffInvA = Float(cutoffInvA); self.widthInvA = Float(max(widthInvA, 1e-9))
    }
    @inline(__always) public func gain(_ s: Float) -> Float {
        let lo = cutoffInvA - widthInvA / 2
        if s <= lo { return 1 }
        if s >= cutoffInvA + widthInvA / 2 { return 0 }
        return 0.5 * (1 + cos(Float.pi * (s - lo) / widthInvA))
    }
    /// 1 up to the transition, 0 after it, the cosine only inside it (the same values as `gain`).
    public func gains(ascending s: UnsafePointer<Float>, into h: UnsafeMutablePointer<Float>, count: Int) {
        let lo = cutoffInvA - widthInvA / 2, hi = cutoffInvA + widthInvA / 2
        var i = 0
        while i < count && s[i] <= lo { h[i] = 1; i += 1 }
        while i < count && s[i] < hi { h[i] = gain(s[i]); i += 1 }
        while i < count { h[i] = 0; i += 1 }
    }
}

public struct RaisedCosineHighPass: RadialGain {
    public var lowPass: RaisedCosineLowPass
    public init(cutoffInvA: Double, widthInvA: Double) { lowPass = RaisedCosineLowPass(cutoffInvA: cutoffInvA, widthInvA: widthInvA) }
    @inline(__always) public func gain(_ s: Float) -> Float { 1 - lowPass.gain(s) }
    /// 1 − the low-pass's row: the same operation as `gain`, so the same values.
    public func gains(ascending s: UnsafePointer<Float>, into h: UnsafeMutablePointer<Float>, count: Int) {
        lowPass.gains(ascending: s, into: h, count: count)
        for i in 0..<count { h[i] = 1 - h[i] }
    }
}

public struct RaisedCosineBand: RadialGain {
    public var centerInvA: Float, halfWidthInvA: Float
    public init(centerInvA: Double, halfWidthInvA: Double) {
        self.centerInvA = Float(centerInvA); self.halfWidthInvA = Float(halfWidthInvA)
    }
    /// Highest frequency with a non-zero gain (1/Å).
    public var maxFrequencyInvA: Double { Double(centerInvA + halfWidthInvA) }
    @inline(__always) public func gain(_ s: Float) -> Float {
        let d = abs(s - centerInvA)
        return d >= halfWidthInvA ? 0 : 0.5 * (1 + cos(Float.pi * d / halfWidthInvA))
    }
}

/// Multiplies F by exp(B·s²/4) (B in Å², SPEC 0.d sign convention).
public struct BFactorFilter: RadialGain {
    public var bFactorA2: Float
    public init(bFactorA2: Double) { self.bFactorA2 = Float(bFactorA2) }
    @inline(__always) public func gain(_ s: Float) -> Float { exp(bFactorA2 * s * s / 4) }
}

/// Two gains multiplied.
public struct ProductGain<A: RadialGain, B: RadialGain>: RadialGain {
    public var a: A, b: B
    public init(_ a: A, _ b: B) { self.a = a; self.b = b }
    @inline(__always) public func gain(_ s: Float) -> Float { a.gain(s) * b.gain(s) }
}

extension FourierVolume {
    /// This spectrum multiplied by a radial gain.
    public func filtered<G: RadialGain>(_ g: G) -> FourierVolume {
        var out = self
        out.filter(g)
        return out
    }

    /// Multiplies this spectrum by a radial gain, in place (no second spectrum-sized buffer).
    public mutating func filter<G: RadialGain>(_ g: G) {
        let grid = self.grid
        data.withUnsafeMutableBufferPointer { FourierVolume.applyGain(g, grid: grid, to: $0) }
    }

    /// Multiplies coefficients in the half-spectrum layout of `grid` by a radial gain.
    static func applyGain<G: RadialGain>(_ g: G, grid: FrequencyGrid, to o: UnsafeMutableBufferPointer<SIMD2<Float>>) {
        let (fx, fy, fz) = (grid.sx.map(Float.init), grid.sy.map(Float.init), grid.sz.map(Float.init))
        let (hx, ny, nz) = (grid.hx, grid.ny, grid.nz)
        parallelFor(nz) { k in
            for j in 0..<ny {
                let yz = fy[j] * fy[j] + fz[k] * fz[k]
                let base = hx * (j + ny * k)
                for i in 0..<hx { o[base + i] *= g.gain((fx[i] * fx[i] + yz).squareRoot()) }
            }
        }
    }
}

extension Volume {
    /// This volume filtered by a radial gain (forward FFT, gain, inverse FFT); geometry kept. The transforms
    /// run in place in one buffer of the spectrum's size, which becomes the result: 540 MB at 512³ instead
    /// of a spectrum and a volume (1.05 GB).
    public func filtered<G: RadialGain>(_ g: G) -> Volume {
        let grid = FrequencyGrid(nx: nx, ny: ny, nz: nz, voxelSize: voxelSize)
        return withData(FFT.inPlace(self) { FourierVolume.applyGain(g, grid: grid, to: $0) })
    }
}
