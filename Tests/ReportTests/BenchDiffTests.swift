// `EMBench diff`: two bench.json files paired step by step, through the binary built beside the tests.
import Foundation
import Testing

@Suite struct BenchDiffTests {
    let embench = URL(fileURLWithPath: emvalidateBinary).deletingLastPathComponent().appendingPathComponent("EMBench").path

    func benchFile(_ records: [(size: Int, step: String, wall: Double, cpu: Double?, peak: Double?)]) -> String {
        let rows = records.map { r in
            var fields = ["\"size\": \(r.size)", "\"step\": \"\(r.step)\"", "\"wall_s\": \(r.wall)", "\"voxels\": \(r.size * r.size * r.size)"]
            if let c = r.cpu { fields.append("\"cpu_s\": \(c)") }
            if let p = r.peak { fields.append("\"peak_rss_MiB\": \(p)") }
            return "{" + fields.joined(separator: ", ") + "}"
        }
        return "{\"tool\": \"emvalidate test\", \"threads\": 2, \"load_average_end\": \"0.10 0.20 0.30\", \"records\": ["
            + rows.joined(separator: ", ") + "]}"
    }

    @Test func stepsArePairedBySizeAndNameWithTheirRatios() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let old = dir.appendingPathComponent("old.json"), new = dir.appendingPathComponent("new.json")
        try benchFile([
            (0, "read phantom128.mrc", 0.5, 0.5, nil),
            (0, "read phantom128.mrc", 0.25, 0.25, nil),
            (128, "section 0.e Local resolution [ok, 100 MiB after]", 4, 8, 100),
            (256, "section 0.e Local resolution [ok, 300 MiB after]", 20, 40, 400),
            (128, "a step that went away", 1, 1, nil),
        ]).write(to: old, atomically: true, encoding: .utf8)
        try benchFile([
            (0, "read phantom128.mrc", 1.0, 1.0, nil),
            (0, "read phantom128.mrc", 0.125, 0.125, nil),
            (128, "section 0.e Local resolution [ok, 120 MiB after]", 2, 4, 150),
            (256, "section 0.e Local resolution [failed, 310 MiB after]", 30, 60, 400),
            (256, "a new step", 1, nil, nil),
        ]).write(to: new, atomically: true, encoding: .utf8)

        let (status, out) = try runProcess(embench, ["diff", old.path, new.path], mergeStderr: true)
        #expect(status == 0, "\(out)")
        let lines = out.split(separator: "\n").map(String.init)
        func line(_ prefix: String, _ k: Int = 0) -> String? { lines.filter { $0.hasPrefix(prefix) }.dropFirst(k).first }
        // Repeated names pair in order: 0.5 → 1.0, then 0.25 → 0.125.
        #expect(line("read phantom128.mrc")?.contains("wall 0.500 s → 1.000 s (×2.00)") == true, "\(out)")
        #expect(line("read phantom128.mrc", 1)?.contains("wall 0.250 s → 0.125 s (×0.50)") == true, "\(out)")
        // The bracketed status does not split a step; sizes do.
        let e128 = line("128³ section 0.e Local resolution")
        #expect(e128?.contains("wall 4.000 s → 2.000 s (×0.50)") == true, "\(out)")
        #expect(e128?.contains("CPU 8.00 s → 4.00 s (×0.50)") == true, "\(out)")
        #expect(e128?.contains("peak 100 MiB → 150 MiB (×1.50)") == true, "\(out)")
        #expect(line("256³ section 0.e Local resolution")?.contains("wall 20.000 s → 30.000 s (×1.50)") == true, "\(out)")
        #expect(lines.contains("only in old: 128³ a step that went away"), "\(out)")
        #expect(lines.contains("only in new: 256³ a new step"), "\(out)")
        #expect(lines.first == "old: \(old.path): emvalidate test, 2 threads, load average at its end 0.10 0.20 0.30")
    }

    @Test func aFileThatIsNotABenchFileIsAOneLineError() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.json")
        try "{\"records\": 3}".write(to: bad, atomically: true, encoding: .utf8)
        let (status, out) = try runProcess(embench, ["diff", bad.path, bad.path], mergeStderr: true)
        #expect(status == 1)
        #expect(out.hasPrefix("EMBench diff: \(bad.path): not a bench.json written by EMBench"), "\(out)")
        #expect(out.split(separator: "\n").count == 1, "\(out)")
    }
}
