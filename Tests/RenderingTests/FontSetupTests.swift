// Figure text is rasterised with fixed options on every context (FontSetup.swift): without them the hinting of all
// text followed the size of the first text the process drew (fontconfig unhints DejaVu Sans below 7.5 px, and
// Cairo keeps its first resolution of the font), and the same input gave different PNGs from run to run.
import CCairo
import Testing
@testable import Rendering

@Suite struct FontSetupTests {
    /// The options a drawing context of the figures carries.
    private func options(after prepare: (OpaquePointer) -> Void) -> (hint: cairo_hint_style_t, metrics: cairo_hint_metrics_t,
                                                                   antialias: cairo_antialias_t) {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 8, 8)!
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr) }
        prepare(cr)
        let o = cairo_font_options_create()!
        defer { cairo_font_options_destroy(o) }
        cairo_get_font_options(cr, o)
        return (cairo_font_options_get_hint_style(o), cairo_font_options_get_hint_metrics(o), cairo_font_options_get_antialias(o))
    }

    @Test func canvasesFixHintingMetricsAndAntialiasing() {
        let before = options { _ in }
        #expect(before.hint == CAIRO_HINT_STYLE_DEFAULT, "a bare context leaves the hinting to fontconfig")
        for o in [options { _ = Canvas($0) }, options { FontSetup.apply(to: $0) }] {
            #expect(o.hint == CAIRO_HINT_STYLE_NONE && o.metrics == CAIRO_HINT_METRICS_OFF && o.antialias == CAIRO_ANTIALIAS_GRAY,
                    "\(o)")
        }
    }
}
