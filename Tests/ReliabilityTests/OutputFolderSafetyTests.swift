// Issue 17, points 1–5, 8 and 9: the output folder. A folder that is not ours is never replaced, nothing
// the run reads may lie inside OUTDIR, a failed LaTeX run or render leaves the earlier report byte-identical,
// leftovers of dead runs are removed or put back, OUTDIR must be a real folder in a writable place, and a
// full disk is exit 73 with the earlier report intact. Every case runs the built binary on the 12³ map.
import Foundation
import Report
import Testing

private let good = badInputs.appendingPathComponent("good.mrc").path

/// Writes a report of good.mrc into `out` (exit 0 expected).
private func writeReport(_ out: URL, pdf: Bool = false) throws {
    let r = try emvalidate(["report", good, "--threshold", "0.5", "-q", "-o", out.path] + (pdf ? [] : ["--no-pdf"]))
    try #require(r.status == 0, "earlier report: exit \(r.status): \(r.stderr)")
}

@Suite(.serialized) struct OutputFolderSafetyTests {
    // Point 1: someone else's metrics.json, notes and raw data are not taken for an earlier report.
    @Test func foreignFolderWithMetricsJSONIsRefusedAndUntouched() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let proj = dir.appendingPathComponent("proj")
        try FileManager.default.createDirectory(at: proj.appendingPathComponent("raw"), withIntermediateDirectories: true)
        try Data(#"{"schema": "their-own"}"#.utf8).write(to: proj.appendingPathComponent("metrics.json"))
        try Data("lab notes".utf8).write(to: proj.appendingPathComponent("notes.txt"))
        try Data(repeating: 7, count: 4096).write(to: proj.appendingPathComponent("raw/movie.tif"))
        let before = try treeFingerprint(proj)
        let r = try emvalidate(["report", good, "--threshold", "0.5", "--no-pdf", "-o", proj.path])
        #expect(r.status == 73, "exit \(r.status): \(r.stderr)")
        let lines = errorLines(r)
        #expect(lines.count == 1, "\(r.stderr)")
        for fragment in ["not an emvalidate report", "metrics.json", "notes.txt", "raw/", "nothing was changed"] {
            #expect(lines.first?.contains(fragment) == true, "message lacks “\(fragment)”: \(r.stderr)")
        }
        #expect(!r.stderr.contains("Reading map"), "refused only after reading the map: \(r.stderr)")
        #expect(try treeFingerprint(proj) == before, "the foreign folder changed")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["proj"])
    }

    // Point 1: an earlier report of ours is replaced, but not once the user has added a file to it.
    @Test func earlierReportIsReplacedUnlessSomethingWasAdded() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        try writeReport(out)
        try writeReport(out)   // replaced: it is ours and unchanged
        try Data("my notes".utf8).write(to: out.appendingPathComponent("notes.txt"))
        let before = try treeFingerprint(out)
        let r = try emvalidate(["report", good, "--threshold", "0.5", "--no-pdf", "-o", out.path])
        #expect(r.status == 73, "exit \(r.status): \(r.stderr)")
        #expect(errorLines(r).count == 1 && errorLines(r)[0].contains("did not write (notes.txt)"), "\(r.stderr)")
        #expect(try treeFingerprint(out) == before)
        #expect(try hiddenEntries(dir).isEmpty)
    }

    // Point 2: a templates folder inside OUTDIR would be deleted with the earlier report.
    @Test func templatesInsideOutputFolderAreRefused() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        try writeReport(out)
        let templates = out.appendingPathComponent("my-templates")
        #expect(try emvalidate(["templates", "export", templates.path]).status == 0)
        let before = try treeFingerprint(out)
        for args in [["report", good, "--threshold", "0.5", "--no-pdf", "--templates", templates.path, "-o", out.path],
                     ["report", good, "--threshold", "0.5", "--no-pdf", "--templates", out.path, "-o", out.path],
                     ["render", out.path, "--no-pdf", "--templates", templates.path]] {
            let r = try emvalidate(args)
            #expect(r.status == 73, "\(args[0]): exit \(r.status): \(r.stderr)")
            #expect(errorLines(r).count == 1 && errorLines(r)[0].contains("contains the input"), "\(r.stderr)")
        }
        #expect(try treeFingerprint(out) == before, "the templates or the report changed")
        #expect(try hiddenEntries(dir).isEmpty)
    }

    // Point 3: LaTeX fails → the earlier report (with its PDF) stays byte-identical; the attempt is kept beside it.
    @Test(.enabled(if: haveLaTeX)) func latexFailureKeepsTheEarlierReport() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        try writeReport(out, pdf: true)
        let before = try treeFingerprint(out)
        #expect(before["report.pdf"] != nil)
        let templates = try latexFailingTemplates(in: dir)
        let r = try emvalidate(["report", good, "--threshold", "0.5", "--templates", templates.path, "-o", out.path])
        #expect(r.status == 70, "exit \(r.status): \(r.stderr)")
        #expect(try treeFingerprint(out) == before, "the earlier report changed")
        let kept = dir.appendingPathComponent("out.latex-failed")
        let lines = errorLines(r)
        #expect(lines.count == 1 && lines[0].contains("UndefinedCommandForTheTest") && lines[0].contains(kept.path), "\(r.stderr)")
        // The log named in the message exists where it says.
        let logPath = lines.first.flatMap { line -> String? in
            guard let r = line.range(of: "full log: ") else { return nil }
            return String(line[r.upperBound...].prefix { $0 != ")" })
        }
        #expect(logPath.map { FileManager.default.fileExists(atPath: $0) && $0.hasPrefix(kept.path) } == true, "log \(logPath ?? "not named")")
        for file in ["report.tex", "metrics.json", "figures", "report.log"] {
            #expect(FileManager.default.fileExists(atPath: kept.appendingPathComponent(file).path), "\(file) not kept")
        }
        // A second failure replaces the kept attempt (it is ours); nothing hidden is left.
        let again = try emvalidate(["report", good, "--threshold", "0.5", "--templates", templates.path, "-o", out.path])
        #expect(again.status == 70 && again.stderr.contains(kept.path), "\(again.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["bad-templates", "out", "out.latex-failed"])
    }

    // Point 3 without an earlier report: OUTDIR does not appear at all.
    @Test(.enabled(if: haveLaTeX)) func latexFailureWithoutEarlierReportCreatesNoOutputFolder() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        let r = try emvalidate(["report", good, "--threshold", "0.5", "--templates", try latexFailingTemplates(in: dir).path, "-o", out.path])
        #expect(r.status == 70, "exit \(r.status): \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.latex-failed/report.tex").path))
        #expect(try hiddenEntries(dir).isEmpty)
    }

    // Point 4: render with a template that fails in LaTeX leaves report.tex and report.pdf as they were.
    @Test(.enabled(if: haveLaTeX)) func failedRenderKeepsThePDF() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        try writeReport(out, pdf: true)
        let before = try treeFingerprint(out)
        let r = try emvalidate(["render", out.path, "--templates", try latexFailingTemplates(in: dir).path])
        #expect(r.status == 70, "exit \(r.status): \(r.stderr)")
        #expect(errorLines(r).count == 1 && errorLines(r)[0].contains("out.latex-failed"), "\(r.stderr)")
        #expect(try treeFingerprint(out) == before, "render changed the report")
        #expect(try hiddenEntries(dir).isEmpty)
        // A successful render is swapped in and the folder stays replaceable by `report`.
        let ok = try emvalidate(["render", out.path])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("report.pdf").path))
        let replaced = try emvalidate(["report", good, "--threshold", "0.5", "--no-pdf", "-q", "-o", out.path])
        #expect(replaced.status == 0, "\(replaced.stderr)")
    }

    // Point 5: the two-rename swap died between its renames (OUTDIR missing, the earlier report hidden as
    // ".old", a complete staging folder): the next run puts the earlier report back; a live run's folder stays.
    @Test func commitKilledBetweenRenamesIsRecoveredByTheNextRun() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        try writeReport(out)
        let before = try treeFingerprint(out)
        let dead = try deadProcessID()
        let old = dir.appendingPathComponent(OutputFolder.hiddenName(for: out, suffix: ".old", pid: dead))
        let staging = dir.appendingPathComponent(OutputFolder.hiddenName(for: out, suffix: "", pid: dead))
        let live = dir.appendingPathComponent(OutputFolder.hiddenName(for: out, suffix: "", pid: getpid()))
        try FileManager.default.moveItem(at: out, to: old)
        try writeReport(dir.appendingPathComponent("other"))
        try FileManager.default.moveItem(at: dir.appendingPathComponent("other"), to: staging)
        try FileManager.default.createDirectory(at: live, withIntermediateDirectories: false)
        // A run that stops early (unreadable map) still recovers first.
        let r = try emvalidate(["report", badInputs.appendingPathComponent("empty.mrc").path, "--threshold", "0.5", "-o", out.path])
        #expect(r.status == 65, "exit \(r.status): \(r.stderr)")
        #expect(try treeFingerprint(out) == before, "the earlier report was not put back")
        #expect(try hiddenEntries(dir) == [live.lastPathComponent], "leftovers: \(listing(dir, hiddenOnly: true))")
    }

    // Point 5: the exchange succeeded but the run died before removing the earlier report (now under the
    // staging name): the next run removes it and leaves OUTDIR alone.
    @Test func commitKilledAfterTheExchangeIsCleanedByTheNextRun() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        try writeReport(out)
        let before = try treeFingerprint(out)
        let leftover = dir.appendingPathComponent(OutputFolder.hiddenName(for: out, suffix: "", pid: try deadProcessID()))
        try writeReport(dir.appendingPathComponent("other"))
        try FileManager.default.moveItem(at: dir.appendingPathComponent("other"), to: leftover)
        let r = try emvalidate(["report", badInputs.appendingPathComponent("empty.mrc").path, "--threshold", "0.5", "-o", out.path])
        #expect(r.status == 65, "exit \(r.status): \(r.stderr)")
        #expect(try treeFingerprint(out) == before)
        #expect(try hiddenEntries(dir).isEmpty, "leftovers: \(listing(dir, hiddenOnly: true))")
    }

    // Point 8: OUTDIR a dangling symlink, a symlink to another report, a file: refused before any analysis.
    @Test func outputThatIsALinkOrAFileIsRefusedBeforeAnalysis() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let other = dir.appendingPathComponent("other-report")
        try writeReport(other)
        let otherBefore = try treeFingerprint(other)
        let dangling = dir.appendingPathComponent("dangling")
        try FileManager.default.createSymbolicLink(atPath: dangling.path, withDestinationPath: dir.appendingPathComponent("nowhere").path)
        let link = dir.appendingPathComponent("link")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: other.path)
        let file = dir.appendingPathComponent("file")
        try Data("a file".utf8).write(to: file)
        for (target, fragment) in [(dangling, "which does not exist"), (link, "symbolic link to \(other.path)"),
                                   (file, "exists and is a file")] {
            let r = try emvalidate(["report", good, "--threshold", "0.5", "--no-pdf", "-o", target.path])
            #expect(r.status == 73, "\(target.lastPathComponent): exit \(r.status): \(r.stderr)")
            #expect(errorLines(r).count == 1 && errorLines(r)[0].contains(fragment) && errorLines(r)[0].contains(target.path), "\(r.stderr)")
            #expect(!r.stderr.contains("Reading map"), "refused after the analysis started: \(r.stderr)")
        }
        #expect(try treeFingerprint(other) == otherBefore)
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link.path)) == other.path)
        #expect(try hiddenEntries(dir).isEmpty)
    }

    // Point 8: a read-only folder (a read-only tmpfs as root, which root cannot write either; chmod 555 otherwise).
    @Test func outputInReadOnlyFolderIsRefusedBeforeAnalysis() throws {
        var parent: URL
        var cleanup: () -> Void
        if let mounted = try mountTmpfs(sizeKB: 1024, options: "ro") {
            parent = mounted; cleanup = { unmount(mounted) }
        } else if geteuid() != 0 {
            let d = try temporaryDirectory()
            chmod(d.path, 0o555)
            parent = d; cleanup = { chmod(d.path, 0o755); try? FileManager.default.removeItem(at: d) }
        } else {
            return  // root without permission to mount: no read-only folder can be made here
        }
        defer { cleanup() }
        let r = try emvalidate(["report", good, "--threshold", "0.5", "--no-pdf", "-o", parent.appendingPathComponent("out").path])
        #expect(r.status == 73, "exit \(r.status): \(r.stderr)")
        #expect(errorLines(r).count == 1 && errorLines(r)[0].contains("cannot write in \(parent.path)"), "\(r.stderr)")
        #expect(!r.stderr.contains("Reading map"))
    }

    // Point 9: a full disk while writing → exit 73 "no space left on device while writing …", the staging folder
    // removed, the earlier report intact. Needs a small tmpfs (root); skipped otherwise.
    @Test func fullDiskGivesExit73AndKeepsTheEarlierReport() throws {
        guard let mnt = try mountTmpfs(sizeKB: 2048) else { return }
        defer { unmount(mnt) }
        let out = mnt.appendingPathComponent("out")
        try writeReport(out)
        let before = try treeFingerprint(out)
        // Fill the file system, then free 8 KiB: the staging folder can be made, the report cannot be written.
        let filler = mnt.appendingPathComponent("filler")
        _ = FileManager.default.createFile(atPath: filler.path, contents: nil)
        let h = try FileHandle(forWritingTo: filler)
        let chunk = Data(repeating: 1, count: 4096)
        while (try? h.write(contentsOf: chunk)) != nil {}
        try h.truncate(atOffset: max(0, try h.offset() - 8192))
        try h.close()
        let r = try emvalidate(["report", good, "--threshold", "0.5", "--no-pdf", "-o", out.path])
        #expect(r.status == 73, "exit \(r.status): \(r.stderr)")
        #expect(errorLines(r).count == 1 && errorLines(r)[0].contains("no space left on device while writing \(out.path)"), "\(r.stderr)")
        #expect(try treeFingerprint(out) == before)
        #expect(try hiddenEntries(mnt).isEmpty, "leftovers: \(listing(mnt, hiddenOnly: true))")
    }
}
