// The default templates (Templates/tex/*.tex), embedded in the binary by SwiftPM (`.embedInCode`), so that
// the tool needs no files beside it. `TemplateTests` checks that every file in Templates/tex is listed here.

public enum DefaultTemplates {
    /// Template text by file name.
    public static let files: [String: String] = {
        var out: [String: String] = [:]
        for (name, bytes) in embedded { out[name] = String(decoding: bytes, as: UTF8.self) }
        return out
    }()

    private static let embedded: [(String, [UInt8])] = [
        ("document.tex", PackageResources.document_tex),
        ("front.tex", PackageResources.front_tex),
        ("summary.tex", PackageResources.summary_tex),
        ("status.tex", PackageResources.status_tex),
        ("figure.tex", PackageResources.figure_tex),
        ("level-0.tex", PackageResources.level_0_tex),
        ("level-1.tex", PackageResources.level_1_tex),
        ("level-a.tex", PackageResources.level_a_tex),
        ("section-generic.tex", PackageResources.section_generic_tex),
        ("section-input.tex", PackageResources.section_input_tex),
        ("section-0a.tex", PackageResources.section_0a_tex),
        ("section-0b.tex", PackageResources.section_0b_tex),
        ("section-0c.tex", PackageResources.section_0c_tex),
    ]
}
