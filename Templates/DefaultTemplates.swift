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
        ("level-2.tex", PackageResources.level_2_tex),
        ("section-generic.tex", PackageResources.section_generic_tex),
        ("section-input.tex", PackageResources.section_input_tex),
        ("section-0a.tex", PackageResources.section_0a_tex),
        ("section-0b.tex", PackageResources.section_0b_tex),
        ("section-0c.tex", PackageResources.section_0c_tex),
        ("section-0d.tex", PackageResources.section_0d_tex),
        ("section-0e.tex", PackageResources.section_0e_tex),
        ("section-0f.tex", PackageResources.section_0f_tex),
        ("section-0g.tex", PackageResources.section_0g_tex),
        ("section-0h.tex", PackageResources.section_0h_tex),
        ("section-1halves.tex", PackageResources.section_1halves_tex),
        ("section-1a.tex", PackageResources.section_1a_tex),
        ("section-1b.tex", PackageResources.section_1b_tex),
        ("section-1c.tex", PackageResources.section_1c_tex),
        ("section-1d.tex", PackageResources.section_1d_tex),
        ("section-2classes.tex", PackageResources.section_2classes_tex),
        ("section-2a.tex", PackageResources.section_2a_tex),
        ("section-amodel.tex", PackageResources.section_amodel_tex),
        ("section-afit.tex", PackageResources.section_afit_tex),
        ("section-aa.tex", PackageResources.section_aa_tex),
        ("section-ab.tex", PackageResources.section_ab_tex),
        ("section-ac.tex", PackageResources.section_ac_tex),
        ("section-ad.tex", PackageResources.section_ad_tex),
        ("section-ae.tex", PackageResources.section_ae_tex),
        ("level-4.tex", PackageResources.level_4_tex),
        ("section-4particles.tex", PackageResources.section_4particles_tex),
        ("section-4a.tex", PackageResources.section_4a_tex),
        ("section-4d.tex", PackageResources.section_4d_tex),
        ("section-4f.tex", PackageResources.section_4f_tex),
        ("section-4g.tex", PackageResources.section_4g_tex),
        ("section-4h.tex", PackageResources.section_4h_tex),
        ("section-4b.tex", PackageResources.section_4b_tex),
        ("section-4c.tex", PackageResources.section_4c_tex),
        ("section-4e.tex", PackageResources.section_4e_tex),
        ("section-4i.tex", PackageResources.section_4i_tex),
        ("section-w.tex", PackageResources.section_w_tex),
        ("level-o.tex", PackageResources.level_o_tex),
        ("section-oa.tex", PackageResources.section_oa_tex),
        ("section-ob.tex", PackageResources.section_ob_tex),
        ("level-5.tex", PackageResources.level_5_tex),
        ("section-5micrographs.tex", PackageResources.section_5micrographs_tex),
        ("section-5a.tex", PackageResources.section_5a_tex),
        ("level-3.tex", PackageResources.level_3_tex),
        ("section-3a.tex", PackageResources.section_3a_tex),
        ("section-3b.tex", PackageResources.section_3b_tex),
        ("section-3c.tex", PackageResources.section_3c_tex),
    ]
}
