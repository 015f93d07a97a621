// The inner loops of the monogenic amplitude (MonogenicSignal.swift's AmplitudeWork), one spectrum row or one
// real row at a time, written with explicit SIMD vectors: the compiler kept them scalar (interleaved complex
// values, and index arithmetic that traps on overflow), and they run 4 × 36 times over the whole box in 0.e.
// Each lane does the scalar loop's operations in the same order, so results are the same bit for bit
// (tested against the plain definition in LocalAmplitudeKernelTests).
//
// Complex values are pairs of Floats (re, im); a SIMD4 holds two of them.

enum SpectrumRowKernels {
    /// to[i] = h[i]·from[i], and exactly 0 where h[i] = 0 (a cropped or filtered-out coefficient, the DC term),
    /// for `count` complex values.
    @inline(__always)
    static func scaled(_ from: UnsafePointer<Float>, gains h: UnsafePointer<Float>, into to: UnsafeMutablePointer<Float>,
                       count: Int) {
        var i = 0
        while i &+ 2 <= count {
            let g = SIMD4(h[i], h[i], h[i &+ 1], h[i &+ 1])
            let v = UnsafeRawPointer(from + 2 &* i).loadUnaligned(as: SIMD4<Float>.self) * g
            UnsafeMutableRawPointer(to + 2 &* i).storeBytes(of: v.replacing(with: 0, where: g .== 0), as: SIMD4<Float>.self)
            i &+= 2
        }
        if i < count {
            let g = h[i]
            let re = from[2 &* i] * g, im = from[2 &* i &+ 1] * g
            to[2 &* i] = g == 0 ? 0 : re
            to[2 &* i &+ 1] = g == 0 ? 0 : im
        }
    }

    /// The Riesz component along one axis: to[i] = −i·w·h[i]·from[i] = (w·b, −w·a) for h·from = a + ib, with
    /// w = axis/|s| (`axis[i]`, or the row's constant `axisConstant` when `axis` is nil, over `s[i]`), exactly 0
    /// where h[i] = 0.
    @inline(__always)
    static func riesz(_ from: UnsafePointer<Float>, gains h: UnsafePointer<Float>, frequencies s: UnsafePointer<Float>,
                      axis: UnsafePointer<Float>?, axisConstant: Float, into to: UnsafeMutablePointer<Float>, count: Int) {
        let flip = SIMD4<Float>(1, -1, 1, -1)
        var i = 0
        while i &+ 2 <= count {
            let g = SIMD4(h[i], h[i], h[i &+ 1], h[i &+ 1])
            let a0 = axis?[i] ?? axisConstant, a1 = axis?[i &+ 1] ?? axisConstant
            let w = SIMD4(a0, a0, a1, a1) / SIMD4(s[i], s[i], s[i &+ 1], s[i &+ 1])
            let v = UnsafeRawPointer(from + 2 &* i).loadUnaligned(as: SIMD4<Float>.self) * g
            // (im, −re) of each value: swapped lanes, the second negated (exact), then times w.
            let r = SIMD4(v[1], v[0], v[3], v[2]) * flip * w
            UnsafeMutableRawPointer(to + 2 &* i).storeBytes(of: r.replacing(with: 0, where: g .== 0), as: SIMD4<Float>.self)
            i &+= 2
        }
        if i < count {
            let g = h[i], w = (axis?[i] ?? axisConstant) / s[i]
            let re = from[2 &* i] * g, im = from[2 &* i &+ 1] * g
            to[2 &* i] = g == 0 ? 0 : im * w
            to[2 &* i &+ 1] = g == 0 ? 0 : -re * w
        }
    }

    /// How a component's squares go into the amplitude.
    enum Accumulation { case first, add, addThenSquareRoot }

    /// For `count` values v = values[x]·scale: amp[x] = v² (first component), amp[x] + v² (the next ones),
    /// sqrt(amp[x] + v²) (the last).
    @inline(__always)
    static func accumulateSquares(_ values: UnsafePointer<Float>, scale: Float, into amp: UnsafeMutablePointer<Float>,
                                  count: Int, _ mode: Accumulation) {
        var x = 0
        while x &+ 4 <= count {
            let v = UnsafeRawPointer(values + x).loadUnaligned(as: SIMD4<Float>.self) * scale
            let a = UnsafeMutableRawPointer(amp + x)
            switch mode {
            case .first: a.storeBytes(of: v * v, as: SIMD4<Float>.self)
            case .add: a.storeBytes(of: a.loadUnaligned(as: SIMD4<Float>.self) + v * v, as: SIMD4<Float>.self)
            case .addThenSquareRoot:
                a.storeBytes(of: (a.loadUnaligned(as: SIMD4<Float>.self) + v * v).squareRoot(), as: SIMD4<Float>.self)
            }
            x &+= 4
        }
        while x < count {
            let v = values[x] * scale
            switch mode {
            case .first: amp[x] = v * v
            case .add: amp[x] += v * v
            case .addThenSquareRoot: amp[x] = (amp[x] + v * v).squareRoot()
            }
            x &+= 1
        }
    }
}
