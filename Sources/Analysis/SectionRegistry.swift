// The sections of the report, in report order. A new section is added here and nowhere else.

public enum SectionRegistry {
    /// The sections for the inputs given: Level 1 only with half maps, Level A only with a model (a report
    /// shows the levels its evidence allows; within a level, a section that cannot apply says why).
    public static func reportSections(halfMaps: Bool, model: Bool, classes: Bool = false, particles: Bool = false) -> [any Section] {
        allSections().filter { s in
            switch s.id.split(separator: ".").first {
            case "1": return halfMaps
            case "2": return classes
            case "A": return model
            case "3", "4": return particles
            default: return true
            }
        }
    }

    /// Every section: Input data, Level 0, Level 1 (half maps), Level 2 (classes), Level 4 (particles),
    /// Level A (atomic model); Level 5, W and O come from `inputSections`.
    public static func allSections() -> [any Section] {
        [
            InputData(),
            MassCentering(), MaskAnalysis(), BackgroundAnalysis(), GuinierBFactor(), LocalResolution(),
            LocalBFactor(), LocalOccupancy(), Hand(),
            HalfMaps(), GlobalResolution(), FSCPermutation(), LocalResolutionFromHalves(), DirectionalResolution(),
            ClassesSection(), ReprojectionConsistency(),
            OutlierDetectionSection(), InternalConsistencySection(), ExternalConsistencySection(),
            ParticlesSection(), SimilaritySection(), AlignabilitySmoothnessSection(), AlignabilitySection(), RealignmentSection(), ClassificationWithoutAlignmentSection(), OverfittingSection(), OrientationEfficiencySection(),
            SamplingCompensationSection(), CTFStabilitySection(),
            AtomicModelSection(), FitCheckSection(), MapModelAgreementSection(), AtomInclusionSection(),
            MapModelGuinierSection(), QScoreSection(), EMRingerSection(),
        ]
    }

    /// Sections whose per-particle loop runs in slices under `--particle-chunk I/K` (ParticleLoop.swift); the
    /// other particle sections (Level 3, 4.e, 4.f, 4.g, 4.h) run whole in the merge run.
    public static let particleChunkedSectionIDs: Set<String> = ["4.a", "4.b", "4.c", "4.d", "4.i"]

    /// Ids of the sections built from other input files (`inputSections`), for `--sections` / `--skip`.
    public static let inputSectionIDs = ["5.micrographs", "5.a", "W", "O.a", "O.b"]

    /// Sections whose inputs are files other than maps and models (W, O), built by the caller from the parsed
    /// inputs; they follow the sections above. O sections need the model: they are left out without one.
    public static func inputSections(_ inputs: [any Section], model: Bool) -> [any Section] {
        inputs.filter { s in s.id.hasPrefix("O.") ? model : true }
    }
}
