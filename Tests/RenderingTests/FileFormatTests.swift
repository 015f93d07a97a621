// PDF/SVG/PNG files: valid headers, byte-identical across renders, unsupported content rejected.
import Foundation
import Testing
@testable import Rendering
import Analysis

@Test func filesAreValidAndByteIdenticalAcrossRenders() throws {
    let a = Gallery.tempDir("determinism-a"), b = Gallery.tempDir("determinism-b")
    for f in Gallery.figures {
        let opts = RenderOptions(formats: [.png, .pdf, .svg])
        let outA = try FigureRenderer.render(f, to: a, options: opts)
        let outB = try FigureRenderer.render(f, to: b, options: opts)
        #expect(outA[.pdf]?.lastPathComponent == "\(f.id).pdf", "file name: observed \(outA[.pdf]?.lastPathComponent ?? "none")")
        let pdf = try Data(contentsOf: outA[.pdf]!), svg = try Data(contentsOf: outA[.svg]!), png = try Data(contentsOf: outA[.png]!)
        #expect(pdf.starts(with: Array("%PDF".utf8)), "\(f.id).pdf does not start with %PDF")
        let svgText = String(decoding: svg, as: UTF8.self)
        #expect(svgText.contains("<svg"), "\(f.id).svg has no <svg element")
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(f.id).png has no PNG signature")
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

@Test func surfaceContentIsRejectedClearly() throws {
    let f = Figure(id: "views", caption: "", content: .surface(SurfaceViews(mesh: TriangleMesh())))
    do {
        _ = try FigureRenderer.render(f, to: Gallery.tempDir("surface"), options: RenderOptions())
        Issue.record("surface content should throw")
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
