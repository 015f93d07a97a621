// JPEG files of Cairo image surfaces, through libturbojpeg (Debian libturbojpeg0-dev). Shaded 3D views are
// continuous-tone images: as JPEG at high quality they print as well as PNG at about a sixth of the size, and
// pdflatex embeds them as they are (DCT), so the report PDF stays small.
import CCairo
import CTurboJPEG
import Foundation

enum JPEGFile {
    /// Quality 92 with full-resolution chroma (4:4:4): no visible loss at 100 % zoom, labels stay crisp.
    static let quality: Int32 = 92

    /// Encodes an RGB24 (or ARGB32, alpha ignored) Cairo image surface and writes it to `url`.
    static func write(_ surface: OpaquePointer, to url: URL) throws {
        cairo_surface_flush(surface)
        let width = Int(cairo_image_surface_get_width(surface)), height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        guard width > 0, height > 0, let data = cairo_image_surface_get_data(surface) else {
            throw RenderError.cairo(file: url.path, status: "no image data to encode as JPEG")
        }
        guard let tj = tjInitCompress() else {
            throw RenderError.cairo(file: url.path, status: "libturbojpeg could not start a compressor")
        }
        defer { tjDestroy(tj) }
        var buffer: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        defer { if let buffer { tjFree(buffer) } }
        // Cairo's RGB24 pixels are 32-bit words 0x00RRGGBB in native (little-endian) order: bytes B, G, R, X.
        let status = tjCompress2(tj, data, Int32(width), Int32(stride), Int32(height), Int32(TJPF_BGRX.rawValue),
                                 &buffer, &size, Int32(TJSAMP_444.rawValue), quality, 0)
        guard status == 0, let buffer else {
            throw RenderError.cairo(file: url.path, status: "JPEG encoding failed: " + String(cString: tjGetErrorStr2(tj)))
        }
        do {
            try Data(bytes: buffer, count: Int(size)).write(to: url)
        } catch {
            throw RenderError.cairo(file: url.path, status: "cannot write: \(error.localizedDescription)")
        }
    }
}
