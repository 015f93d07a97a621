// How figure text is rasterised, fixed on every Cairo context instead of left to fontconfig.
//
// Cairo's toy font API resolves DejaVu Sans through fontconfig on first use and keeps that resolution for the rest
// of the process, whatever size is asked for later. fonts-dejavu-core turns hinting off below 7.5 pixels
// (/etc/fonts/conf.d/20-unhint-small-dejavu-sans.conf), so the size of the first text a run happened to draw decided
// the hinting of every figure's text: when two sections' figures were drawn at once, about one run in thirteen drew
// all its PNG text hinted instead of unhinted, and the same input gave different PNGs. With the options below the
// text no longer depends on which text came first, nor on the user's fontconfig settings (hinting, sub-pixel
// order): outlines unhinted and glyphs placed at their exact advances, as in the vector PDF of the same figure,
// grey-level antialiasing (no colour fringes in print).
import CCairo

enum FontSetup {
    /// Sets the text rasterisation options on `cr` and selects the figures' font (regular weight); call before any
    /// text is drawn or measured on it.
    static func apply(to cr: OpaquePointer) {
        guard let options = cairo_font_options_create() else { return }
        defer { cairo_font_options_destroy(options) }
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
        cairo_set_font_options(cr, options)
        cairo_select_font_face(cr, Canvas.fontFamily, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
    }
}
