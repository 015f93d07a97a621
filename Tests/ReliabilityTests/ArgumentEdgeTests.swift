// Arguments and numbers at their edges (issue 17, points 10–12, 14, 15, 19, 20, 22), through the built
// binary: negative numbers as option values, parser errors as one line, resolutions finer than Nyquist,
// absurd voxel sizes, memory a header asks for, 2D images, control characters in file names, empty model
// files. Each case checks the exit code, one error line and no output folder.
import Foundation
import MapIO
import Testing

/// A small map file: a Gaussian blob, n³ voxels of `voxel` Å.
private func writeBlob(_ dir: URL, _ name: String = "map.mrc", n: Int = 16, voxel: Double = 2) throws -> String {
    let path = dir.appendingPathComponent(name).path
    try MRCWriter.write(blobVolume(n, voxel: voxel), to: path, labels: ["emvalidate test"])
    return path
}

/// The only stderr line, which must be the error; nil if stderr has another line too.
private func soleErrorLine(_ r: Run) -> String? {
    let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
    guard lines.count == 1, lines[0].hasPrefix("emvalidate: error: ") else { return nil }
    return String(lines[0])
}

private func metrics(_ folder: URL) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("metrics.json"))) as! [String: Any]
}

@Suite(.serialized) struct ArgumentEdgeTests {
    // MARK: 10. Negative numbers and dashes as option values

    /// Before: "Missing value for '--threshold <threshold>'" in 4 lines; only --threshold=-0.1 worked.
    @Test func negativeThresholdAndDashTitleInReport() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let map = try writeBlob(dir)
        let out = dir.appendingPathComponent("out")
        let r = try emvalidate(["report", map, "--threshold", "-0.1", "--title", "-minus title", "--no-pdf", "-q",
                                "-o", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let inputs = try metrics(out)["inputs"] as! [String: Any]
        #expect(inputs["threshold"] as? Double == -0.1 && inputs["title"] as? String == "-minus title", "\(inputs)")
    }

    @Test func negativeThresholdInBatchRow() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try writeBlob(dir)
        let table = dir.appendingPathComponent("t.csv")
        try Data("map,threshold,title,name\nmap.mrc,-0.1,-dash,neg\n".utf8).write(to: table)
        let out = dir.appendingPathComponent("out")
        let r = try emvalidate(["batch", table.path, "-o", out.path, "--no-pdf", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let inputs = try metrics(out.appendingPathComponent("neg"))["inputs"] as! [String: Any]
        #expect(inputs["threshold"] as? Double == -0.1 && inputs["title"] as? String == "-dash", "\(inputs)")
    }

    // MARK: 12. Parser errors: one line, exit 64

    @Test(arguments: [
        (["report"], "Missing expected argument '--output <output>'"),   // MAP is optional since --emdb
        (["report", "m.mrc", "-o", "x", "--threshold"], "Missing value for '--threshold <threshold>'"),
        (["report", "m.mrc", "-o", "x", "--threshold", "1e400"], "'1e400' is invalid for '--threshold <threshold>': out of range"),
        (["report", "m.mrc", "-o", "x", "--threshold", "0.5", "--resolution", "-1e400"], "out of range"),
        (["report", "m.mrc", "-o", "x", "--threshold", "0.5", "--frobnicate"], "Unknown option '--frobnicate'"),
        (["report", "m.mrc", "-o", "x", "--threshold", "0.5", "--half1", "a.mrc"], "--half1 and --half2 go together"),
        (["figures", "x", "--dpi", "1e999"], "'1e999' is invalid for '--dpi <dpi>': out of range"),
        (["batch", "t.csv", "-o", "x", "--jobs", "many"], "'many' is invalid for '--jobs <jobs>'"),
        (["nonsense"], "Unexpected argument 'nonsense'"),
    ])
    func parserErrorsAreOneLine(_ args: [String], _ fragment: String) throws {
        let r = try emvalidate(args)
        #expect(r.status == 64, "\(args): exit \(r.status): \(r.stderr)")
        let line = soleErrorLine(r)
        #expect(line?.contains(fragment) == true, "\(args): \(r.stderr)")
    }

    @Test func helpIsNotAnError() throws {
        let r = try emvalidate(["report", "--help"])
        #expect(r.status == 0 && r.stdout.contains("--threshold") && !r.stderr.contains("error"), "\(r.stderr)")
    }

    /// ArgumentParser prints an option's default value itself; a help string that names it too printed it twice
    /// ("(default https://…). (default: https://…)" for --emdb-mirror, "C1 (default) … (default: C1)").
    @Test(arguments: [["report"], ["render"], ["figures"], ["batch"], ["templates", "export"]])
    func everyOptionStatesItsDefaultOnce(_ subcommand: [String]) throws {
        let r = try emvalidate(subcommand + ["--help"])
        #expect(r.status == 0, "\(r.stderr)")
        let options = r.stdout.components(separatedBy: "\nOPTIONS:\n").last ?? ""
        // One entry per option: from a line starting with "  -" to the next such line.
        var entries: [String] = []
        for line in options.split(separator: "\n") {
            if line.hasPrefix("  -") { entries.append(String(line)) } else if !entries.isEmpty { entries[entries.count - 1] += " " + line }
        }
        #expect(entries.count > 2, "\(subcommand): no options found in \(r.stdout)")
        for entry in entries {
            let said = entry.lowercased().components(separatedBy: "default").count - 1
            #expect(said <= 1, "\(subcommand): \(entry)")
        }
    }

    // MARK: 11, 15. Resolution against the grid; absurd voxel sizes

    /// Before: 3.2e-10 hung in FFT.goodSize, 1e-20 trapped in LocalBandFits and left a staging folder.
    @Test(arguments: ["3.2e-10", "1e-20", "1e-300", "3.9"])
    func resolutionFinerThanNyquistIsRefused(_ value: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let map = try writeBlob(dir, voxel: 2)
        let out = dir.appendingPathComponent("out")
        let r = try emvalidate(["report", map, "--threshold", "0.5", "--resolution", value, "-o", out.path])
        #expect(r.status == 64, "--resolution \(value): exit \(r.status): \(r.stderr)")
        let line = soleErrorLine(r)
        #expect(line?.contains("is finer than Nyquist") == true && line?.contains("voxel size of map.mrc is 2 Å") == true,
                "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["map.mrc"], "output or staging left")
    }

    @Test func resolutionCoarserThanTheBoxIsRefused() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let map = try writeBlob(dir, n: 16, voxel: 2)
        let r = try emvalidate(["report", map, "--threshold", "0.5", "--resolution", "40", "-o", dir.appendingPathComponent("o").path])
        #expect(r.status == 64 && soleErrorLine(r)?.contains("coarser than the map's whole box (32 Å") == true, "\(r.stderr)")
    }

    /// Before: a 1e-6 Å voxel with --resolution 3.2 tried to allocate 25.8 GB.
    @Test func absurdVoxelSizeIsRefused() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let map = try writeBlob(dir, voxel: 1e-6)
        let r = try emvalidate(["report", map, "--threshold", "0.5", "--resolution", "3.2", "-o", dir.appendingPathComponent("o").path])
        #expect(r.status == 65, "exit \(r.status): \(r.stderr)")
        #expect(soleErrorLine(r)?.contains("map.mrc: the voxel size along X is 1×10⁻⁶ Å") == true, "\(r.stderr)")
    }

    // MARK: 14. Memory

    /// A header claiming 2000³ float32 over a sparse file of the right size. Before: "Fatal error: failed to
    /// allocate 32000000032 bytes" and a backtrace (exit 134). Now the estimate (≫ any machine's memory)
    /// refuses it before reading, even under a 1 GB address-space limit.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TSAN_OPTIONS"] == nil))
    func hugeHeaderOverSparseFileNeedsTooMuchMemory() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("huge.mrc").path
        var h = try MRCWriter.header(for: Volume(nx: 2, ny: 2, nz: 2, voxelSize: SIMD3(repeating: 1)), labels: [])
        (h.nx, h.ny, h.nz, h.mx, h.my, h.mz) = (2000, 2000, 2000, 2000, 2000, 2000)
        h.cella = SIMD3(repeating: 2000)
        try Data(h.encodedLittleEndian()).write(to: URL(fileURLWithPath: path))
        #expect(truncate(path, off_t(1024 + 4 * 2000 * 2000 * 2000)) == 0, "cannot make a sparse file here")
        let script = "ulimit -v 1000000; exec \"$0\" \"$@\""
        let r = try runProcess("/bin/sh", ["-c", script, emvalidateBinary, "report", path, "--threshold", "0.5",
                                           "-o", dir.appendingPathComponent("o").path])
        #expect(r.status == 65, "exit \(r.status): \(r.stderr)")
        let line = soleErrorLine(r)
        #expect(line?.contains("huge.mrc: a 2000×2000×2000 map needs about") == true && line?.contains("GB available") == true,
                "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["huge.mrc"])
    }

    /// The available memory can be set (EMVALIDATE_AVAILABLE_MEMORY, bytes), so the check is deterministic.
    @Test func availableMemoryOverride() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let map = try writeBlob(dir)
        var env = ProcessInfo.processInfo.environment
        env["EMVALIDATE_AVAILABLE_MEMORY"] = "1000000"
        let r = try runProcess(emvalidateBinary, ["report", map, "--threshold", "0.5", "--half1", map, "--half2", map,
                                                  "-o", dir.appendingPathComponent("o").path], environment: env)
        #expect(r.status == 65, "exit \(r.status): \(r.stderr)")
        #expect(soleErrorLine(r)?.contains("GB of memory for this report, 0.0 GB available; use a machine with more memory or fewer levels") == true,
                "\(r.stderr)")
    }

    // MARK: 19. A 2D image; ispg 0 with many sections

    @Test func twoDimensionalImageIsRefused() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("image.mrc").path
        var image = Volume(nx: 16, ny: 16, nz: 1, voxelSize: SIMD3(repeating: 2))
        for i in 0..<image.count { image.data[i] = Float(i % 7) }
        try MRCWriter.write(image, to: path, labels: [])
        let r = try emvalidate(["report", path, "--threshold", "0.5", "-o", dir.appendingPathComponent("o").path])
        #expect(r.status == 65 && soleErrorLine(r)?.contains("image.mrc: the map is 16×16×1 voxels (header words 1-3), a 2D image") == true,
                "\(r.stderr)")
    }

    @Test func imageStackWithManySectionsIsReadAsAVolumeAndSaysSo() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("stack.mrc").path
        try MRCWriter.write(blobVolume(12), to: path, labels: [])
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes.replaceSubrange(88..<92, with: [0, 0, 0, 0])  // word 23 (ispg) = 0: an image stack
        try bytes.write(to: URL(fileURLWithPath: path))
        let r = try emvalidate(["report", path, "--threshold", "0.5", "--no-pdf", "-o", dir.appendingPathComponent("o").path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("ispg (word 23) is 0") && r.stderr.contains("read as a single volume"), "\(r.stderr)")
    }

    // MARK: 20. Control characters in file names; an empty model file

    /// Before: the newline split the error in two and the escape sequence reached the terminal raw.
    @Test func controlCharactersInFileNamesAreEscaped() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let name = "bad\nname\u{1B}[31m.mrc"
        let r = try emvalidate(["report", dir.appendingPathComponent(name).path, "--threshold", "0.5",
                                "-o", dir.appendingPathComponent("o").path])
        #expect(r.status == 65, "\(r.stderr)")
        let line = soleErrorLine(r)
        #expect(line?.contains("bad\\nname\\u{1B}[31m.mrc") == true, "\(r.stderr)")
        #expect(!r.stderr.unicodeScalars.contains("\u{1B}"))
    }

    /// Before: "gemmi: … fread failed: Success".
    @Test func emptyModelFileSaysSo() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let map = try writeBlob(dir)
        let model = dir.appendingPathComponent("model.pdb")
        try Data().write(to: model)
        let r = try emvalidate(["report", map, "--threshold", "0.5", "--model", model.path, "-q", "-o", dir.appendingPathComponent("o").path])
        #expect(r.status == 65, "\(r.stderr)")
        #expect(soleErrorLine(r)?.contains("model.pdb: the model file is empty") == true, "\(r.stderr)")
    }
}
