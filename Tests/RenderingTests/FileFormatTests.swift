// PDF/SVG/PNG/JPEG files: valid headers, byte-identical across renders, unsupported content rejected.
import Foundation
import Testing
@testable import Rendering
import Analysis
import MapIO

@Test func filesAreValidAndByteIdenticalAcrossRenders() throws {
    let a = Gallery.tempDir("determinism-a"), b = Gallery.tempDir("determinism-b")
    for f in Gallery.figures {
        let opts = RenderOptions(formats: FigureFormat.allCases)
        let outA = try FigureRenderer.render(f, to: a, options: opts)
        let outB = try FigureRenderer.render(f, to: b, options: opts)
        #expect(outA[.pdf]?.lastPathComponent == "\(f.id).pdf", "file name: observed \(outA[.pdf]?.lastPathComponent ?? "none")")
        let pdf = try Data(contentsOf: outA[.pdf]!), svg = try Data(contentsOf: outA[.svg]!), png = try Data(contentsOf: outA[.png]!)
        #expect(pdf.starts(with: Array("%PDF".utf8)), "\(f.id).pdf does not start with %PDF")
        let svgText = String(decoding: svg, as: UTF8.self)
        #expect(svgText.contains("<svg"), "\(f.id).svg has no <svg element")
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(f.id).png has no PNG signature")
        #expect(try Data(contentsOf: outA[.jpg]!).starts(with: [0xFF, 0xD8, 0xFF]), "\(f.id).jpg has no JPEG signature")
        #expect(!String(decoding: pdf, as: UTF8.self).contains("CreationDate"), "\(f.id).pdf carries a creation date")
        for format in FigureFormat.allCases {
            let da = try Data(contentsOf: outA[format]!), db = try Data(contentsOf: outB[format]!)
            #expect(da == db, "\(f.id).\(format.rawValue): two renders differ (\(da.count) vs \(db.count) bytes)")
        }
    }
}

@Test func pngSizeFollowsDpiAndSize() throws {
    let f = Gallery.figures[2]
    let dir = Gallery.tempDir("dpi")
    let out = try FigureRenderer.render(f, to: dir, options: RenderOptions(formats: [.png], dpi: 100, sizeInches: (w: 4, h: 3)))
    let r = try Raster(png: out[.png]!)
    #expect(r.width == 400 && r.height == 300, "4 × 3 in at 100 dpi: expected 400×300 px, observed \(r.width)×\(r.height)")
}

@Test func surfaceViewsGoToTheSurfaceRendererAndRefuseSVG() throws {
    // A ball isosurface: PNG delegated to SurfaceRenderer; SVG refused with a clear message.
    var ball = Volume(nx: 16, ny: 16, nz: 16, value: 0)
    for z in 0..<16 { for y in 0..<16 { for x in 0..<16 where (x - 8) * (x - 8) + (y - 8) * (y - 8) + (z - 8) * (z - 8) <= 16 {
        ball[x, y, z] = 1
    } } }
    let f = Figure(id: "views", caption: "", content: .surface(.isosurface(volume: ball, threshold: 0.5)))
    let dir = Gallery.tempDir("surface")
    var small = SurfaceRenderer.Options()   // small and without ambient occlusion: debug builds are slow
    small.viewWidth = 130; small.viewHeight = 70; small.supersample = 1; small.aoDirections = 0
    let out = try FigureRenderer.render(f, to: dir, options: RenderOptions(formats: [.png, .jpg], surface: small))
    let png = try Data(contentsOf: try #require(out[.png]))
    #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && out[.png]!.lastPathComponent == "views.png", "surface PNG: \(out)")
    let jpg = try Data(contentsOf: try #require(out[.jpg]))
    #expect(jpg.starts(with: [0xFF, 0xD8, 0xFF]) && out[.jpg]!.lastPathComponent == "views.jpg", "surface JPEG: \(out)")
    do {
        _ = try FigureRenderer.render(f, to: dir, options: RenderOptions(formats: [.svg]))
        Issue.record("SVG of surface views should throw")
    } catch let e as RenderError {
        #expect("\(e)".contains("not supported yet") && "\(e)".contains("views"), "message: \(e)")
    }
}

@Test func svgIdRenumberingIsConsistent() {
    let s = ##"<image id="image42"/><use xlink:href="#image42"/><image id="image7"/><use xlink:href="#image7"/> image42 text"##
    let r = FigureRenderer.renumber(s, prefix: "image")
    #expect(r == ##"<image id="image1"/><use xlink:href="#image1"/><image id="image2"/><use xlink:href="#image2"/> image42 text"##,
            "renumbered: \(r)")
}
