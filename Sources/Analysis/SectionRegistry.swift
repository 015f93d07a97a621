// The sections of the report, in report order. A new section is added here and nowhere else.

public enum SectionRegistry {
    /// Input data and the Level 0 sections.
    public static func reportSections() -> [any Section] {
        [
            InputData(),
            MassCentering(),
            MaskAnalysis(),
            BackgroundAnalysis(),
            GuinierBFactor(),
            HalfMaps(),
            GlobalResolution(),
            FSCPermutation(),
            LocalResolutionFromHalves(),
            DirectionalResolution(),
        ]
    }
}
