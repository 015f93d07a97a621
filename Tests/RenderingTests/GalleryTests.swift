import Foundation
import Testing
@testable import Rendering
import Analysis

@Test func galleryRendersEveryFormat() throws {
    let dir = Gallery.tempDir("gallery")
    for f in Gallery.figures {
        let out = try FigureRenderer.render(f, to: dir, options: RenderOptions(formats: [.png, .pdf, .svg]))
        #expect(out.count == 3, "figure \(f.id): expected 3 files, wrote \(out.count)")
    }
    print("gallery written to \(dir.path)")
}
