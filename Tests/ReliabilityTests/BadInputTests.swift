// Every file of the bad-input corpus (Tests/BadInputs/README.md) through the built `emvalidate` binary:
// one error line naming what is wrong and where, the documented exit code, no output folder and no staging
// leftovers, and the inputs byte-for-byte unchanged (SHA-256 before and after).
import Foundation
import Testing

struct BadInputCase: CustomStringConvertible, Sendable {
    var name: String
    /// Arguments after `report`; `{out}` is replaced by the output folder, `{dir}` by a scratch folder.
    var args: [String]
    var exitCode: Int32
    /// Text the one error line must contain (the what and the where).
    var message: [String]
    /// Files that must not change.
    var inputs: [String]
    var description: String { name }

    /// Runs `emvalidate report ARGS` (the case's arguments with its placeholders filled in) and checks the
    /// documented outcome: the exit code, one error line holding every fragment of `message`, no folder at
    /// `out`, and the `inputs` byte-for-byte unchanged.
    func expectRefused(args: [String], inputs: [String], out: URL) throws {
        let before = try hashes(of: inputs)
        let r = try emvalidate(["report"] + args)
        #expect(r.status == exitCode, "\(name): exit \(r.status), expected \(exitCode); stderr: \(r.stderr)")
        let errorLines = r.stderr.split(separator: "\n").filter { $0.lowercased().contains("error") }
        #expect(errorLines.count == 1, "\(name): expected one error line, got: \(r.stderr)")
        for fragment in message {
            #expect(errorLines.first?.contains(fragment) == true, "\(name): message lacks “\(fragment)”: \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: out.path), "\(name): output folder was created")
        #expect(try hashes(of: inputs) == before, "\(name): an input file changed")
    }
}

private func bad(_ file: String) -> String { badInputs.appendingPathComponent(file).path }
private let good = bad("good.mrc")

private let mapFiles: [(String, Int32, [String])] = [
    ("empty.mrc", 65, ["empty.mrc", "0 bytes, fewer than the 1024-byte header"]),
    ("truncated-header.mrc", 65, ["truncated-header.mrc", "500 bytes, fewer than the 1024-byte header"]),
    ("truncated-data.mrc", 65, ["truncated-data.mrc", "file too short", "= 7936 bytes, found 4480"]),
    ("unknown-mode.mrc", 65, ["unknown-mode.mrc", "header word 4 (mode) is 7"]),
    ("negative-dimension.mrc", 65, ["negative-dimension.mrc", "header word 1 (nx) is -12"]),
    ("huge-dimensions.mrc", 65, ["huge-dimensions.mrc", "file too short", "found 7936"]),
    ("beyond-limit-dimension.mrc", 65, ["beyond-limit-dimension.mrc", "header word 1 (nx) is 2000000000",
                                        "at most 1048576 voxels"]),
    ("nan-voxel.mrc", 65, ["nan-voxel.mrc", "1 of 1728 voxels are NaN or infinite"]),
    ("inf-voxels.mrc", 65, ["inf-voxels.mrc", "2 of 1728 voxels are NaN or infinite"]),
    ("png-renamed.mrc", 65, ["png-renamed.mrc", "not an MRC/CCP4 map", "PNG"]),
    ("gzip-ends-early.mrc.gz", 65, ["gzip-ends-early.mrc.gz", "gzip stream ends early"]),
]
private let mapCases = mapFiles.map { BadInputCase(name: $0.0, args: [bad($0.0), "--threshold", "0.5", "-o", "{out}"], exitCode: $0.1,
                     message: $0.2, inputs: [bad($0.0)]) }

private let otherCases: [BadInputCase] = [
    BadInputCase(name: "half maps with different boxes",
                 args: [good, "--threshold", "0.5", "--half1", bad("half1-12.mrc"), "--half2", bad("half2-10.mrc"), "-o", "{out}"],
                 exitCode: 65, message: ["half maps do not match", "half1-12.mrc has box 12×12×12", "half2-10.mrc has box 10×10×10"],
                 inputs: [good, bad("half1-12.mrc"), bad("half2-10.mrc")]),
    BadInputCase(name: "a text file as model", args: [good, "--threshold", "0.5", "--model", bad("not-a-model.pdb"), "-o", "{out}"],
                 exitCode: 65, message: ["model file", "not-a-model.pdb"], inputs: [good, bad("not-a-model.pdb")]),
    BadInputCase(name: "a map as model", args: [good, "--threshold", "0.5", "--model", bad("map-as-model.cif"), "-o", "{out}"],
                 exitCode: 65, message: ["model file", "map-as-model.cif"], inputs: [good, bad("map-as-model.cif")]),
    BadInputCase(name: "threshold NaN", args: [good, "--threshold", "nan", "-o", "{out}"],
                 exitCode: 64, message: ["'nan' is invalid for '--threshold", "not a finite number"], inputs: [good]),
    BadInputCase(name: "threshold infinite", args: [good, "--threshold", "inf", "-o", "{out}"],
                 exitCode: 64, message: ["'inf' is invalid for '--threshold", "not a finite number"], inputs: [good]),
    BadInputCase(name: "threshold absurd (overflows to infinity)", args: [good, "--threshold", "1e400", "-o", "{out}"],
                 exitCode: 64, message: ["'1e400' is invalid for '--threshold", "out of range"], inputs: [good]),
    BadInputCase(name: "threshold not a number", args: [good, "--threshold", "0.5.1", "-o", "{out}"],
                 exitCode: 64, message: ["--threshold", "0.5.1"], inputs: [good]),
    BadInputCase(name: "resolution NaN", args: [good, "--threshold", "0.5", "--resolution", "nan", "-o", "{out}"],
                 exitCode: 64, message: ["'nan' is invalid for '--resolution", "not a finite number"], inputs: [good]),
    BadInputCase(name: "resolution negative", args: [good, "--threshold", "0.5", "--resolution=-3", "-o", "{out}"],
                 exitCode: 64, message: ["--resolution must be a resolution in Å between 0 and 1000, got -3"], inputs: [good]),
    BadInputCase(name: "resolution zero", args: [good, "--threshold", "0.5", "--resolution", "0", "-o", "{out}"],
                 exitCode: 64, message: ["--resolution must be a resolution in Å between 0 and 1000, got 0"], inputs: [good]),
    BadInputCase(name: "resolution absurd", args: [good, "--threshold", "0.5", "--resolution", "1e6", "-o", "{out}"],
                 exitCode: 64, message: ["--resolution must be a resolution in Å between 0 and 1000"], inputs: [good]),
    BadInputCase(name: "output folder under a read-only file system", args: [good, "--threshold", "0.5", "-o", "/proc/emvalidate-test/out"],
                 exitCode: 73, message: ["/proc/emvalidate-test"], inputs: [good]),
    BadInputCase(name: "output folder under a file", args: [good, "--threshold", "0.5", "-o", "\(good)/out"],
                 exitCode: 73, message: ["good.mrc"], inputs: [good]),
    BadInputCase(name: "output folder is the input file", args: [good, "--threshold", "0.5", "-o", good],
                 exitCode: 73, message: ["output \(good) exists and is a file"], inputs: [good]),
]

@Suite(.serialized) struct BadInputTests {
    @Test(arguments: mapCases + otherCases)
    func badInputGivesOneMessageAndExitCodeAndNoOutput(_ c: BadInputCase) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("report")
        try c.expectRefused(args: c.args.map { $0.replacingOccurrences(of: "{out}", with: out.path) },
                            inputs: c.inputs, out: out)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(leftovers.isEmpty, "\(c.name): files left in the output's parent: \(leftovers)")
        #expect(!FileManager.default.fileExists(atPath: "\(good)/out"))
    }

    /// A header claiming 10¹⁸ voxels must be refused before any allocation: the run stays far below a
    /// 1 GB address-space limit (it would need 4 EB). Not under the thread sanitizer (`make test-tsan` sets
    /// TSAN_OPTIONS), which cannot start with a limited address space.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TSAN_OPTIONS"] == nil))
    func hugeDimensionsAreRefusedWithoutAllocating() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = "ulimit -v 1000000; exec \"$0\" \"$@\""
        let r = try runProcess("/bin/sh", ["-c", script, emvalidateBinary, "report", bad("huge-dimensions.mrc"),
                                           "--threshold", "0.5", "-o", dir.appendingPathComponent("r").path])
        #expect(r.status == 65, "exit \(r.status) under a 1 GB limit: \(r.stderr)")
        #expect(r.stderr.contains("file too short"), "\(r.stderr)")
    }

    @Test func outputFolderHoldingTheInputIsRefused() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // An earlier report folder (it has metrics.json, so it could be replaced) into which the map was copied.
        let out = dir.appendingPathComponent("report")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: out.appendingPathComponent("metrics.json"))
        let map = out.appendingPathComponent("map.mrc")
        try FileManager.default.copyItem(atPath: good, toPath: map.path)
        let before = try hashes(of: [map.path, out.appendingPathComponent("metrics.json").path])
        for target in [out.path, out.path + "/", dir.path + "/./report"] {
            let r = try emvalidate(["report", map.path, "--threshold", "0.5", "--no-pdf", "-o", target])
            #expect(r.status == 73, "-o \(target): exit \(r.status): \(r.stderr)")
            let errorLines = r.stderr.split(separator: "\n").filter { $0.contains("error") }
            #expect(errorLines.count == 1 && errorLines[0].contains("contains the input"), "\(r.stderr)")
        }
        #expect(try hashes(of: [map.path, out.appendingPathComponent("metrics.json").path]) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["report"], "staging folder left behind")
    }

    @Test func unwritableOutputFolderIsRefused() throws {
        guard geteuid() != 0 else { return }  // root writes anywhere; the /proc case above covers root
        let dir = try temporaryDirectory()
        defer { chmod(dir.path, 0o755); try? FileManager.default.removeItem(at: dir) }
        chmod(dir.path, 0o555)
        let r = try emvalidate(["report", good, "--threshold", "0.5", "-o", dir.appendingPathComponent("r").path])
        #expect(r.status == 73, "exit \(r.status): \(r.stderr)")
        #expect(r.stderr.contains(dir.path), "\(r.stderr)")
    }

    /// mx (word 8) = −24 contradicts nx = 12. MRC2014 allows mx ≠ nx (a sub-box of a finer cell), so this is
    /// not refused: the reader warns once, naming the word, and takes the voxel size from cell / nx = 2 Å.
    @Test func inconsistentSamplingIsAWarningWithTheBoxVoxelSize() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("r")
        let file = bad("inconsistent-mx.mrc")
        let before = try hashes(of: [file])
        let r = try emvalidate(["report", file, "--threshold", "0.5", "--no-pdf", "-o", out.path])
        #expect(r.status == 0, "exit \(r.status): \(r.stderr)")
        let notes = r.stderr.split(separator: "\n").filter { $0.contains("mx (word 8) is -24") }
        #expect(notes.count == 1, "expected one note on mx: \(r.stderr)")
        let m = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("metrics.json"))) as! [String: Any]
        let map = (m["inputs"] as! [String: Any])["map"] as! [String: Any]
        let voxel = map["voxel_size_A"] as? [Double] ?? map["voxel_size"] as? [Double] ?? []
        #expect(voxel.count == 3 && abs(voxel[0] - 2) < 1e-9, "voxel size \(voxel), expected 2 Å = 24 Å / 12 (keys: \(map.keys))")
        #expect(try hashes(of: [file]) == before)
    }
}
