// Reads rendered PNG files back through Cairo for pixel tests.
import Foundation
import CCairo

/// An RGB raster read from a PNG; (x, y) with y downwards as in the file.
struct Raster {
    var width: Int
    var height: Int
    /// 0xAARRGGBB (premultiplied; our figures are opaque).
    var pixels: [UInt32]

    init(png url: URL) throws {
        guard let s = cairo_image_surface_create_from_png(url.path),
              cairo_surface_status(s) == CAIRO_STATUS_SUCCESS else {
            throw NSError(domain: "Raster", code: 1, userInfo: [NSLocalizedDescriptionKey: "cannot read \(url.path)"])
        }
        defer { cairo_surface_destroy(s) }
        width = Int(cairo_image_surface_get_width(s)); height = Int(cairo_image_surface_get_height(s))
        let stride = Int(cairo_image_surface_get_stride(s))
        let fmt = cairo_image_surface_get_format(s)
        let base = cairo_image_surface_get_data(s)!
        var px = [UInt32](repeating: 0, count: width * height)
        for y in 0..<height {
            let row = UnsafeRawPointer(base + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<width { px[x + width * y] = fmt == CAIRO_FORMAT_RGB24 ? (row[x] | 0xFF00_0000) : row[x] }
        }
        pixels = px
    }

    func rgb(_ x: Int, _ y: Int) -> (r: Int, g: Int, b: Int) {
        let p = pixels[x + width * y]
        return (Int((p >> 16) & 0xFF), Int((p >> 8) & 0xFF), Int(p & 0xFF))
    }
    func grey(_ x: Int, _ y: Int) -> Int { let c = rgb(x, y); return (c.r + c.g + c.b) / 3 }
}
