// A z-buffered software rasteriser for the 3D views: triangles with per-vertex normals, colours and ambient
// occlusion, and sphere glyphs (atoms), shaded per sample with Blinn–Phong (Blinn 1977) and depth-cued
// towards the white background, outlined where the depth jumps (silhouettes, as ChimeraX draws them), then
// box-filtered from `supersample`² samples per pixel.
//
// Conventions: view coordinates (x right, y up, z towards the viewer) in Å from `ViewCamera`; samples
// (u right, v down); a larger z is nearer. Lights are directions towards the light in view coordinates.
// Rows are split into bands, one per core, so each sample is written by one thread only.
// Memory: one depth Float and one packed colour per sample (twice with a transparent surface), and one triangle
// index per sample.
import Dispatch
import Foundation
import VolumeNumerics

/// What one view draws, in Å (view independent): built once and rendered in every view.
struct SurfaceScene {
    var positions: [SIMD3<Float>] = []
    var normals: [SIMD3<Float>] = []
    /// sRGB per vertex.
    var colors: [SIMD3<Float>] = []
    /// Ambient light reaching each vertex, in [0, 1] (1 = unoccluded).
    var ambient: [Float] = []
    var triangles: [UInt32] = []
    /// 1 = opaque surface; below 1 drawn as a transparent front layer over the spheres.
    var opacity: Float = 1
    var sphereCentres: [SIMD3<Float>] = []
    var sphereRadii: [Float] = []
    var sphereColors: [SIMD3<Float>] = []
}

/// An image as Cairo's ARGB32 (premultiplied, opaque here): pixel (u, v) is `pixels[u + width * v]`.
struct RasterImage {
    var width: Int
    var height: Int
    var pixels: [UInt32]
}

struct Shading {
    var key = SIMD3<Float>(-0.45, 0.55, 0.70)
    var keyIntensity: Float = 0.70
    var fill = SIMD3<Float>(0.55, -0.25, 0.80)
    var fillIntensity: Float = 0.22
    var ambient: Float = 0.42
    var specular: Float = 0.22
    /// Fraction of the depth range (from the front) where depth cueing starts, and its strength at the back.
    var depthCueStart: Float = 0.35
    var depthCueStrength: Float = 0.55
    /// Depth jump (fraction of the object's depth range, at least 1.5 Å) that draws an outline.
    var silhouetteJump: Float = 0.04
}

enum SurfaceRasterizer {
    /// Renders `scene` through `camera` into width × height pixels (camera in sample units of
    /// width·supersample × height·supersample).
    static func render(_ scene: SurfaceScene, camera: ViewCamera, width: Int, height: Int, supersample: Int,
                       shading: Shading = Shading()) -> RasterImage {
        let s = max(1, supersample)
        let W = width * s, H = height * s
        let R = camera.rotation
        let r0 = SIMD3<Float>(R.r0), r1 = SIMD3<Float>(R.r1), r2 = SIMD3<Float>(R.r2)
        let scale = Float(camera.scale), cu = Float(camera.cu), cv = Float(camera.cv)
        func toView(_ p: SIMD3<Float>) -> SIMD3<Float> { SIMD3((r0 * p).sum(), (r1 * p).sum(), (r2 * p).sum()) }
        // Vertices in sample coordinates (u, v, z Å) and normals in view coordinates.
        let screen = scene.positions.map { p -> SIMD3<Float> in
            let q = toView(p); return SIMD3(cu + scale * q.x, cv - scale * q.y, q.z)
        }
        let viewNormals = scene.normals.map(toView)
        let zNear = Float(camera.zNear), zFar = Float(camera.zFar)
        let zSpan = max(zNear - zFar, 1e-3)

        var depth = [Float](repeating: -.infinity, count: W * H)
        var color = [UInt32](repeating: 0xffff_ffff, count: W * H)
        let transparent = scene.opacity < 1 && !scene.triangles.isEmpty
        var tDepth = transparent ? [Float](repeating: -.infinity, count: W * H) : []
        var tColor = transparent ? [UInt32](repeating: 0xffff_ffff, count: W * H) : []
        // Index of the nearest triangle per sample (UInt32.max: none), for the triangles' layer.
        var visible = [UInt32](repeating: .max, count: scene.triangles.isEmpty ? 0 : W * H)

        let bands = max(1, Parallel.workers)
        let L1 = normalize(shading.key), L2 = normalize(shading.fill)
        let Hk = normalize(L1 + SIMD3(0, 0, 1))

        @inline(__always) func shade(_ nIn: SIMD3<Float>, _ c: SIMD3<Float>, _ ao: Float, _ z: Float) -> UInt32 {
            let n = normalize(nIn)
            let d1 = max(0, (n * L1).sum()), d2 = max(0, (n * L2).sum())
            var h = max(0, (n * Hk).sum())
            h *= h; h *= h; h *= h; h *= h; h *= h   // h³², the Blinn highlight
            let sp = h * shading.specular
            var rgb = c * (shading.ambient * ao + shading.keyIntensity * d1 * (0.55 + 0.45 * ao)
                           + shading.fillIntensity * d2) + SIMD3(repeating: sp * ao)
            let f = (zNear - z) / zSpan
            let dc = min(max((f - shading.depthCueStart) / (1 - shading.depthCueStart), 0), 1) * shading.depthCueStrength
            rgb = rgb * (1 - dc) + SIMD3(repeating: dc)
            return pack(rgb)
        }

        depth.withUnsafeMutableBufferPointer { dp in color.withUnsafeMutableBufferPointer { cp in
        tDepth.withUnsafeMutableBufferPointer { tdp in tColor.withUnsafeMutableBufferPointer { tcp in
        visible.withUnsafeMutableBufferPointer { visp in
        screen.withUnsafeBufferPointer { sp in viewNormals.withUnsafeBufferPointer { np in
        scene.colors.withUnsafeBufferPointer { colp in scene.ambient.withUnsafeBufferPointer { aop in
        scene.triangles.withUnsafeBufferPointer { tp in
            let (depthB, colorB, tDepthB, tColorB, vb) = (dp, cp, tdp, tcp, visp)
            Parallel.perform(iterations: bands) { band in
                let vLo = band * H / bands, vHi = (band + 1) * H / bands   // rows [vLo, vHi)
                let (zb, cb) = transparent ? (tDepthB, tColorB) : (depthB, colorB)
                // Triangles: a depth pass that keeps, per sample, the nearest triangle (a visibility buffer,
                // Burns & Hunt 2013), then each covered sample is shaded once from that triangle, so the shading
                // pass costs one visit per sample rather than a second walk over every triangle's box.
                var t = 0
                while t + 2 < tp.count {
                    let i0 = Int(tp[t]), i1 = Int(tp[t + 1]), i2 = Int(tp[t + 2])
                    let triangle = UInt32(t / 3); t += 3
                    let p0 = sp[i0], p1 = sp[i1], p2 = sp[i2]
                    let minV = max(Int((min(p0.y, p1.y, p2.y) - 0.5).rounded(.up)), vLo)
                    let maxV = min(Int((max(p0.y, p1.y, p2.y) - 0.5).rounded(.down)), vHi - 1)
                    if minV > maxV { continue }
                    let minU = max(Int((min(p0.x, p1.x, p2.x) - 0.5).rounded(.up)), 0)
                    let maxU = min(Int((max(p0.x, p1.x, p2.x) - 0.5).rounded(.down)), W - 1)
                    if minU > maxU { continue }
                    let area = (p1.x - p0.x) * (p2.y - p0.y) - (p2.x - p0.x) * (p1.y - p0.y)
                    if abs(area) < 1e-12 { continue }
                    let inv = 1 / area
                    // Barycentric b0, b1 as affine functions of (u, v).
                    let b0u = (p1.y - p2.y) * inv, b1u = (p2.y - p0.y) * inv, b2u = -b0u - b1u
                    for v in minV...maxV {
                        let (c0, c1) = barycentric(p0, p1, p2, inv, Float(minU) + 0.5, Float(v) + 0.5)
                        // The row's covered span from the three edge equations (b ≥ −1e-5 at minU + x), widened
                        // by a sample each side; the test below still decides every sample.
                        var lo: Float = 0, hi = Float(maxU - minU)
                        clipSpan(&lo, &hi, c0, b0u); clipSpan(&lo, &hi, c1, b1u); clipSpan(&lo, &hi, 1 - c0 - c1, b2u)
                        if !(lo <= hi) { continue }
                        let uLo = minU + Int(lo.rounded(.down)), uHi = minU + Int(hi.rounded(.up))
                        var b0 = c0 + b0u * Float(uLo - minU), b1 = c1 + b1u * Float(uLo - minU)
                        let row = v * W
                        for u in uLo...uHi {
                            defer { b0 += b0u; b1 += b1u }
                            let b2 = 1 - b0 - b1
                            if b0 < -1e-5 || b1 < -1e-5 || b2 < -1e-5 { continue }
                            let z = b0 * p0.z + b1 * p1.z + b2 * p2.z
                            let k = row + u
                            if z > zb[k] { zb[k] = z; vb[k] = triangle }
                        }
                    }
                }
                if !vb.isEmpty { for v in vLo..<vHi {   // no buffer when there are only spheres
                    for u in 0..<W {
                        let k = v * W + u, triangle = Int(vb[k])
                        if triangle == Int(UInt32.max) { continue }
                        let i0 = Int(tp[3 * triangle]), i1 = Int(tp[3 * triangle + 1]), i2 = Int(tp[3 * triangle + 2])
                        let p0 = sp[i0], p1 = sp[i1], p2 = sp[i2]
                        let area = (p1.x - p0.x) * (p2.y - p0.y) - (p2.x - p0.x) * (p1.y - p0.y)
                        let (b0, b1) = barycentric(p0, p1, p2, 1 / area, Float(u) + 0.5, Float(v) + 0.5)
                        let b2 = 1 - b0 - b1
                        // Seen from behind (v points down, so a counter-clockwise front face has area < 0):
                        // light the inner side.
                        let flip: Float = area > 0 ? -1 : 1
                        cb[k] = shade((np[i0] * b0 + np[i1] * b1 + np[i2] * b2) * flip,
                                      colp[i0] * b0 + colp[i1] * b1 + colp[i2] * b2,
                                      aop[i0] * b0 + aop[i1] * b1 + aop[i2] * b2, zb[k])
                    }
                } }
                // Spheres (always opaque).
                for (i, c) in scene.sphereCentres.enumerated() {
                    let q = toView(c)
                    let su = cu + scale * q.x, sv = cv - scale * q.y
                    let rA = scene.sphereRadii[i], rs = rA * scale
                    let minV = max(Int((sv - rs - 0.5).rounded(.up)), vLo), maxV = min(Int((sv + rs - 0.5).rounded(.down)), vHi - 1)
                    if minV > maxV { continue }
                    let minU = max(Int((su - rs - 0.5).rounded(.up)), 0), maxU = min(Int((su + rs - 0.5).rounded(.down)), W - 1)
                    if minU > maxU { continue }
                    let col = scene.sphereColors[i]
                    for v in minV...maxV {
                        let dy = (Float(v) + 0.5 - sv) / rs
                        for u in minU...maxU {
                            let dx = (Float(u) + 0.5 - su) / rs
                            let d2 = dx * dx + dy * dy
                            if d2 > 1 { continue }
                            let nz = (1 - d2).squareRoot()
                            let z = q.z + nz * rA
                            let k = v * W + u
                            if z <= depthB[k] { continue }
                            depthB[k] = z
                            // Spheres darken towards their rim a little, a cheap stand-in for occlusion.
                            colorB[k] = shade(SIMD3(dx, -dy, nz), col, 0.55 + 0.45 * nz, z)
                        }
                    }
                }
            }
            // Second pass, after every band is drawn (outlines read the neighbouring bands' depths).
            Parallel.perform(iterations: bands) { band in
                let vLo = band * H / bands, vHi = (band + 1) * H / bands
                // Transparent surface over the opaque layer, then outlines where the depth jumps.
                let jump = max(shading.silhouetteJump * zSpan, 1.5)
                let w = max(1, s * 3 / 4)
                if transparent {
                    for k in (vLo * W)..<(vHi * W) where tDepthB[k] > depthB[k] {
                        colorB[k] = blend(tColorB[k], colorB[k], scene.opacity)
                    }
                }
                for v in vLo..<vHi {
                    for u in 0..<W {
                        let k = v * W + u
                        let z = transparent ? max(depthB[k], tDepthB[k]) : depthB[k]
                        if z == -.infinity { continue }
                        @inline(__always) func farther(_ uu: Int, _ vv: Int) -> Bool {
                            if uu < 0 || uu >= W || vv < 0 || vv >= H { return true }
                            let kk = vv * W + uu
                            let zz = transparent ? max(depthB[kk], tDepthB[kk]) : depthB[kk]
                            return zz < z - jump
                        }
                        if farther(u + w, v) || farther(u - w, v) || farther(u, v + w) || farther(u, v - w) { colorB[k] = blend(0xff20_2020, colorB[k], 0.85) }
                    }
                }
            }
        } } } } } } } } } }
        return downsample(color, W, H, s)
    }

    /// Narrows [lo, hi] (sample offsets along a row) to where b + du·x ≥ −1e-5, widened by one sample each side
    /// so that rounding never drops a sample the per-sample test would keep.
    @inline(__always) static func clipSpan(_ lo: inout Float, _ hi: inout Float, _ b: Float, _ du: Float) {
        let x = (-1e-5 - b) / du
        if du > 0 { lo = max(lo, x - 1) } else if du < 0 { hi = min(hi, x + 1) } else if b < -1e-5 { hi = -1 }
    }

    /// Barycentric weights of p0 and p1 at sample position (u, v), with `inv` = 1 / the signed doubled area.
    @inline(__always) static func barycentric(_ p0: SIMD3<Float>, _ p1: SIMD3<Float>, _ p2: SIMD3<Float>, _ inv: Float,
                                              _ u: Float, _ v: Float) -> (Float, Float) {
        (((p1.x - u) * (p2.y - v) - (p2.x - u) * (p1.y - v)) * inv,
         ((p2.x - u) * (p0.y - v) - (p0.x - u) * (p2.y - v)) * inv)
    }

    @inline(__always) static func normalize(_ v: SIMD3<Float>) -> SIMD3<Float> {
        let l = (v * v).sum().squareRoot(); return l > 0 ? v / l : SIMD3(0, 0, 1)
    }

    @inline(__always) static func pack(_ rgb: SIMD3<Float>) -> UInt32 {
        let c = (simd_clampf(rgb) * 255 + 0.5)
        return 0xff00_0000 | UInt32(c.x) << 16 | UInt32(c.y) << 8 | UInt32(c.z)
    }

    @inline(__always) static func simd_clampf(_ v: SIMD3<Float>) -> SIMD3<Float> {
        SIMD3(min(max(v.x, 0), 1), min(max(v.y, 0), 1), min(max(v.z, 0), 1))
    }

    /// a·α + b·(1 − α), channel-wise on packed opaque colours.
    @inline(__always) static func blend(_ a: UInt32, _ b: UInt32, _ alpha: Float) -> UInt32 {
        func ch(_ x: UInt32, _ shift: UInt32) -> Float { Float((x >> shift) & 0xff) }
        let r = ch(a, 16) * alpha + ch(b, 16) * (1 - alpha)
        let g = ch(a, 8) * alpha + ch(b, 8) * (1 - alpha)
        let bl = ch(a, 0) * alpha + ch(b, 0) * (1 - alpha)
        return 0xff00_0000 | UInt32(r + 0.5) << 16 | UInt32(g + 0.5) << 8 | UInt32(bl + 0.5)
    }

    /// Box filter of s × s samples per pixel.
    static func downsample(_ color: [UInt32], _ W: Int, _ H: Int, _ s: Int) -> RasterImage {
        let w = W / s, h = H / s
        var out = [UInt32](repeating: 0, count: w * h)
        let n = UInt32(s * s)
        color.withUnsafeBufferPointer { c in out.withUnsafeMutableBufferPointer { o in
            let out = o
            Parallel.perform(iterations: h) { y in for x in 0..<w {
                var r: UInt32 = 0, g: UInt32 = 0, b: UInt32 = 0
                for dy in 0..<s { for dx in 0..<s {
                    let p = c[(y * s + dy) * W + x * s + dx]
                    r += (p >> 16) & 0xff; g += (p >> 8) & 0xff; b += p & 0xff
                } }
                out[y * w + x] = 0xff00_0000 | ((r + n / 2) / n) << 16 | ((g + n / 2) / n) << 8 | ((b + n / 2) / n)
            } }
        } }
        return RasterImage(width: w, height: h, pixels: out)
    }
}
