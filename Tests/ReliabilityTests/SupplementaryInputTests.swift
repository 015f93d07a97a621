// Bad inputs of the workflow (--workflow), cross-link (--crosslinks and its options), SAXS (--saxs,
// --saxs-q-unit) and micrograph (--micrographs, --coordinates, --micrographs-pixel-size, --particle-box) flags through the built binary: one error line naming the file, the line or step, the field,
// what was found and what was expected; exit 64 (arguments) or 65 (input); no output folder; inputs unchanged.
// The bad files are written by the test.
import Foundation
import Testing

private let good = badInputs.appendingPathComponent("good.mrc").path
private let model = repositoryRoot.appendingPathComponent("Fixtures/saxs/6lyz.pdb").path

/// (file name, content) written into the scratch folder `{dir}` before the run.
private let files: [String: String] = [
    "cycle.json": """
    [{"object.className": "A", "object.id": "1", "object.label": "a", "in": "2.out"},
     {"object.className": "B", "object.id": "2", "object.label": "b", "in": "1.out"}]
    """,
    "missing.json": """
    [{"object.className": "A", "object.id": "1", "object.label": "import"},
     {"object.className": "B", "object.id": "2", "object.label": "motion", "inputMovies": "7.outputMovies"}]
    """,
    "notes.txt": "a workflow described in words\n",
    "links.csv": "Protein1,Residue1,Protein2,Residue2\nA,1,B,x9\n",
    "columns.csv": "p1,r1,p2,r2\nA,1,B,9\n",
    "curve.dat": "q I sigma\n0.01 100 1\n0.02 90 1\n0.03 80 -\n",
    "short.dat": "0.01 100\n",
    "coords-noy.star": "data_particles\n\nloop_\n_rlnMicrographName #1\n_rlnCoordinateX #2\nmic1.mrc 10\n",
    "coords-bad.star": "data_particles\n\nloop_\n_rlnMicrographName #1\n_rlnCoordinateX #2\n_rlnCoordinateY #3\nmic1.mrc 10 20\nmic1.mrc ten 20\n",
    "mics.star": "data_micrographs\n\nloop_\n_rlnMicrographName #1\nMicrographs/absent.mrc\n",
]

private let cases: [BadInputCase] = [
    BadInputCase(name: "workflow with a cycle", args: [good, "--threshold", "0.5", "--workflow", "{dir}/cycle.json", "-o", "{out}"],
                 exitCode: 65, message: ["cycle.json: steps ", "form a cycle"], inputs: ["{dir}/cycle.json"]),
    BadInputCase(name: "workflow with a missing step", args: [good, "--threshold", "0.5", "--workflow", "{dir}/missing.json", "-o", "{out}"],
                 exitCode: 65, message: ["missing.json: step 2 (motion): input outputMovies refers to step 7, which is not in the workflow"],
                 inputs: ["{dir}/missing.json"]),
    BadInputCase(name: "workflow of unknown format", args: [good, "--threshold", "0.5", "--workflow", "{dir}/notes.txt", "-o", "{out}"],
                 exitCode: 65, message: ["notes.txt: unknown workflow format"], inputs: ["{dir}/notes.txt"]),
    BadInputCase(name: "workflow file missing", args: [good, "--threshold", "0.5", "--workflow", "{dir}/absent.json", "-o", "{out}"],
                 exitCode: 65, message: ["absent.json: cannot read the file"], inputs: []),
    BadInputCase(name: "cross-links without a model", args: [good, "--threshold", "0.5", "--crosslinks", "{dir}/links.csv", "-o", "{out}"],
                 exitCode: 64, message: ["--crosslinks and --saxs", "--model"], inputs: ["{dir}/links.csv"]),
    BadInputCase(name: "cross-link residue not a number",
                 args: [good, "--threshold", "0.5", "--model", model, "--crosslinks", "{dir}/links.csv", "-o", "{out}"],
                 exitCode: 65, message: ["links.csv: line 2: column residue2: found \"x9\"; expected a residue number"],
                 inputs: ["{dir}/links.csv", model]),
    BadInputCase(name: "cross-link columns not recognised",
                 args: [good, "--threshold", "0.5", "--model", model, "--crosslinks", "{dir}/columns.csv", "-o", "{out}"],
                 exitCode: 65, message: ["columns.csv: line 1: the header has no recognised cross-link columns (found: p1, r1, p2, r2)"],
                 inputs: ["{dir}/columns.csv"]),
    BadInputCase(name: "cross-link maximum distance negative",
                 args: [good, "--threshold", "0.5", "--model", model, "--crosslinks", "{dir}/links.csv", "--crosslink-max-distance=-5", "-o", "{out}"],
                 exitCode: 64, message: ["--crosslink-max-distance must be a distance in Å between 0 and 1000, got -5"], inputs: []),
    BadInputCase(name: "cross-link chain mapping malformed",
                 args: [good, "--threshold", "0.5", "--model", model, "--crosslinks", "{dir}/links.csv", "--crosslink-chains", "Rpb1:A", "-o", "{out}"],
                 exitCode: 64, message: ["--crosslink-chains: found \"Rpb1:A\"; expected PROTEIN=CHAIN pairs"], inputs: []),
    BadInputCase(name: "SAXS error not a number", args: [good, "--threshold", "0.5", "--model", model, "--saxs", "{dir}/curve.dat", "-o", "{out}"],
                 exitCode: 65, message: ["curve.dat: line 4: column 3 (σ): found \"-\"; expected a number"], inputs: ["{dir}/curve.dat"]),
    BadInputCase(name: "SAXS two columns", args: [good, "--threshold", "0.5", "--model", model, "--saxs", "{dir}/short.dat", "-o", "{out}"],
                 exitCode: 65, message: ["short.dat: line 1: found 2 column(s); expected 3 columns: q, I, σ"], inputs: ["{dir}/short.dat"]),
    BadInputCase(name: "SAXS q unit unknown",
                 args: [good, "--threshold", "0.5", "--model", model, "--saxs", "{dir}/curve.dat", "--saxs-q-unit", "pm", "-o", "{out}"],
                 exitCode: 64, message: ["--saxs-q-unit must be A (Å⁻¹) or nm (nm⁻¹), got \"pm\""], inputs: []),
    BadInputCase(name: "micrograph pattern matching nothing", args: [good, "--threshold", "0.5", "--micrographs", "{dir}/none*.mrc", "-o", "{out}"],
                 exitCode: 65, message: ["--micrographs '", "none*.mrc': no file matches"], inputs: []),
    BadInputCase(name: "micrograph STAR naming a missing file", args: [good, "--threshold", "0.5", "--micrographs", "{dir}/mics.star", "-o", "{out}"],
                 exitCode: 65, message: ["mics.star: line 5: rlnMicrographName Micrographs/absent.mrc does not exist"], inputs: ["{dir}/mics.star"]),
    BadInputCase(name: "micrograph that is a volume", args: [good, "--threshold", "0.5", "--micrographs", good, "-o", "{out}"],
                 exitCode: 65, message: ["good.mrc: header word 3 (nz) is 12; expected 1 (a single micrograph)"], inputs: [good]),
    BadInputCase(name: "coordinates without micrographs", args: [good, "--threshold", "0.5", "--coordinates", "{dir}/coords-bad.star", "-o", "{out}"],
                 exitCode: 64, message: ["give --micrographs as well"], inputs: []),
    BadInputCase(name: "coordinates without rlnCoordinateY",
                 args: [good, "--threshold", "0.5", "--micrographs", good, "--coordinates", "{dir}/coords-noy.star", "-o", "{out}"],
                 exitCode: 65, message: ["coords-noy.star: the table of block particles has no column rlnCoordinateY"], inputs: ["{dir}/coords-noy.star"]),
    BadInputCase(name: "coordinate not a number",
                 args: [good, "--threshold", "0.5", "--micrographs", good, "--coordinates", "{dir}/coords-bad.star", "-o", "{out}"],
                 exitCode: 65, message: ["coords-bad.star: line 8, column rlnCoordinateX: found 'ten'; expected a number"], inputs: ["{dir}/coords-bad.star"]),
    BadInputCase(name: "micrograph pixel size zero",
                 args: [good, "--threshold", "0.5", "--micrographs", good, "--micrographs-pixel-size", "0", "-o", "{out}"],
                 exitCode: 64, message: ["--micrographs-pixel-size must be a pixel size in Å between 0 and 100, got 0"], inputs: []),
    BadInputCase(name: "particle box negative",
                 args: [good, "--threshold", "0.5", "--micrographs", good, "--particle-box=-4", "-o", "{out}"],
                 exitCode: 64, message: ["--particle-box must be a box size in pixels between 1 and 100000, got -4"], inputs: []),
]

@Suite(.serialized) struct SupplementaryInputTests {
    @Test(arguments: cases)
    func badSupplementaryInputGivesOneLineAndNoOutput(_ c: BadInputCase) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inputsDir = dir.appendingPathComponent("inputs")
        try FileManager.default.createDirectory(at: inputsDir, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: inputsDir.appendingPathComponent(name)) }
        let out = dir.appendingPathComponent("report")
        func fill(_ s: String) -> String {
            s.replacingOccurrences(of: "{out}", with: out.path).replacingOccurrences(of: "{dir}", with: inputsDir.path)
        }
        try c.expectRefused(args: c.args.map(fill), inputs: c.inputs.map(fill), out: out)
    }
}
