// A.c Map–model Guinier correlation: placeholder until the shared Fourier machinery is on main.
import MapIO

public struct MapModelGuinierSection: Section {
    public let id = "A.c"
    public let title = "Map–model Guinier analysis"
    public init() {}
    public func run(_ context: AnalysisContext) throws -> SectionResult {
        _ = try LevelAData.of(context)
        throw SectionError.failed("not implemented yet: needs the Fourier machinery")
    }
}
