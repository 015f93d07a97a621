// `--max-particles all` in chunks (issue 13): `report … --particle-chunk I/K --chunk-dir DIR` K times and a
// merge run `report … --chunk-dir DIR` give the same metrics.json values as one unchunked run for the chunked
// sections (4.a, 4.b, 4.c, 4.d, 4.i) and the others; a stale or missing slice is a one-line error naming the
// file, with no output folder; and `report --slurm` writes an array job and a merge job that the one-node
// Slurm cluster (scripts/slurm-local.sh, as SlurmBatchTests) runs into the same report. Particles are
// CTF-modulated, noisy projections of a phantom at known random angles.
import Foundation
import ImageData
import MapIO
import Testing
import TestSupport
import VolumeNumerics
@testable import Report

@Suite(.serialized) struct ParticleChunkTests {
    let n = 32, voxelA = 2.5, count = 40
    let chunked = ["4.a", "4.b", "4.c", "4.d", "4.i"]

    /// map.mrc, particles.mrcs and particles.star (RELION 3.1, with angles and CTF) in `dir`.
    func write(_ dir: URL) throws -> (map: String, star: String) {
        let volume = level2Phantom(n: n, voxelA: voxelA, cage: false)
        let map = dir.appendingPathComponent("map.mrc").path
        try MRCWriter.write(volume, to: map, labels: ["chunk phantom"])
        let projector = FourierProjector(volume: volume)
        var gen = SplitMix64(seed: 77)
        var images: [Float] = [], rows: [String] = []
        for i in 0..<count {
            let rot = 360 * gen.uniform(), tilt = acos(2 * gen.uniform() - 1) * 180 / .pi, psi = 360 * gen.uniform()
            let defocus = 10000 + 500 * Double(i % 9)
            var img = CTF(CTFParameters(defocusUA: defocus, defocusVA: defocus)).apply(to: projector.project(rot: rot, tilt: tilt, psi: psi))
            let sd = img.meanAndStd.std
            for k in 0..<img.data.count { img.data[k] += Float(0.5 * sd * gen.gaussian()) }
            images += img.data
            rows.append("\(i + 1)@particles.mrcs mic\(i % 4).mrc 1 \(defocus) \(defocus) 0.0 \(rot) \(tilt) \(psi) 0.0 0.0")
        }
        try MRCWriter.write(Volume(nx: n, ny: n, nz: count, data: images, voxelSize: SIMD3(repeating: voxelA)),
                            to: dir.appendingPathComponent("particles.mrcs").path, labels: ["particles"])
        let star = relion31Star(pixelSizeA: voxelA, box: n, extraColumns: ["rlnAngleRot", "rlnAngleTilt", "rlnAnglePsi",
                                                                       "rlnOriginXAngst", "rlnOriginYAngst"], rows: rows)
        let starPath = dir.appendingPathComponent("particles.star").path
        try star.write(toFile: starPath, atomically: true, encoding: .utf8)
        return (map, starPath)
    }

    func arguments(_ inputs: (map: String, star: String), _ out: URL) -> [String] {
        ["report", inputs.map, "--threshold", "0.3", "--resolution", "8", "--particles", inputs.star, "--max-particles", "all",
         "--sections", (chunked + ["4.g"]).joined(separator: ","), "--no-pdf", "-q", "-o", out.path]
    }

    func sections(_ out: URL) throws -> [String: [String: Any]] { try loadMetrics(out)["sections"] as! [String: [String: Any]] }

    @Test func chunksMergeToTheUnchunkedReportAndBadSlicesAreRefused() throws {
        let dir = try temporaryDirectory()
        let inputs = try write(dir)
        let whole = dir.appendingPathComponent("whole"), merged = dir.appendingPathComponent("merged")
        let chunks = dir.appendingPathComponent("chunks")
        let single = try emvalidate(arguments(inputs, whole))
        #expect(single.status == 0, "\(single.output)")

        for i in 1...3 {
            let r = try emvalidate(arguments(inputs, merged) + ["--particle-chunk", "\(i)/3", "--chunk-dir", chunks.path, "--threads", "1"])
            #expect(r.status == 0, "chunk \(i): \(r.output)")
            let lines = r.output.split(separator: "\n").map(String.init)
            #expect(Set(lines) == Set(chunked.map { chunks.appendingPathComponent("\($0)-chunk-\(i)-of-3.json").path }), "chunk \(i): \(r.output)")
        }
        #expect(!FileManager.default.fileExists(atPath: merged.path), "a chunk run wrote the output folder")
        let merge = try emvalidate(arguments(inputs, merged) + ["--chunk-dir", chunks.path])
        #expect(merge.status == 0, "\(merge.output)")
        let a = try sections(whole), b = try sections(merged)
        for id in chunked + ["4.g"] {
            #expect(["ok", "warnings"].contains(a[id]?["status"] as? String), "\(id): \(a[id] ?? [:])")
            #expect(a[id]?["status"] as? String == b[id]?["status"] as? String, "\(id) status")
            let ma = a[id]?["metrics"] as? NSDictionary, mb = b[id]?["metrics"] as? NSDictionary
            #expect(ma != nil && ma == mb, "\(id): unchunked \(ma ?? [:]) merged \(mb ?? [:])")
        }
        #expect((b["4.a"]?["metrics"] as? [String: Any])?["particles_used"] as? Int == count)

        // A slice of other inputs: the STAR file changed after the chunks ran.
        let original = try String(contentsOfFile: inputs.star, encoding: .utf8)
        try (original + "# edited\n").write(toFile: inputs.star, atomically: true, encoding: .utf8)
        let stale = dir.appendingPathComponent("stale")
        let s = try emvalidate(arguments(inputs, stale) + ["--chunk-dir", chunks.path])
        #expect(s.status == 65, "\(s.output)")
        let staleLines = s.output.split(separator: "\n")
        #expect(staleLines.count == 1 && staleLines[0].hasPrefix("emvalidate: error: \(chunks.path)/4.")
                && staleLines[0].contains("-of-3.json: stale: written for STAR file SHA-256"), "\(s.output)")
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        try original.write(toFile: inputs.star, atomically: true, encoding: .utf8)

        // A missing slice.
        let gone = chunks.appendingPathComponent("4.d-chunk-2-of-3.json")
        try FileManager.default.removeItem(at: gone)
        let missing = dir.appendingPathComponent("missing")
        let m = try emvalidate(arguments(inputs, missing) + ["--chunk-dir", chunks.path])
        #expect(m.status == 65, "\(m.output)")
        #expect(m.output == "emvalidate: error: \(gone.path): missing; expected chunk 2 of 3 of section 4.d (run `emvalidate report … --particle-chunk 2/3 --chunk-dir \(chunks.path)` again)\n", "\(m.output)")
        #expect(!FileManager.default.fileExists(atPath: missing.path))
    }

    @Test func jobArgumentsDropTheFlagsTheScriptsSetThemselves() {
        let given = ["report", "m.mrc", "--slurm", "--chunks", "3", "--slurm-cpus=4", "--threads", "8", "--chunk-dir=c",
                     "--particles", "p.star", "--particle-chunk", "1/2", "-o", "out"]
        #expect(ParticleSlurmScripts.jobArguments(given) == ["report", "m.mrc", "--particles", "p.star", "-o", "out"])
    }

    @Test func slurmArrayJobAndMergeWriteTheReport() throws {
        if let reason = slurmSkipReason {
            print("ParticleChunkTests (Slurm) skipped: \(reason)")
            return
        }
        let slurm = SlurmBatchTests()
        let dir = try temporaryDirectory()
        let inputs = try write(dir)
        let out = dir.appendingPathComponent("report")
        let gen = try emvalidate(arguments(inputs, out) + ["--slurm", "--chunks", "2", "--slurm-cpus", "1"])
        #expect(gen.status == 0, "\(gen.output)")
        let scripts = URL(fileURLWithPath: out.path + ".particle-chunks")
        let chunkScript = scripts.appendingPathComponent(ParticleSlurmScripts.chunksFileName)
        let mergeScript = scripts.appendingPathComponent(ParticleSlurmScripts.mergeFileName)
        let text = try String(contentsOf: chunkScript, encoding: .utf8)
        #expect(text.contains("#SBATCH --array=1-2\n") && text.contains("--particle-chunk \"$SLURM_ARRAY_TASK_ID/2\""), "\(text)")
        #expect(!text.contains("--slurm'") && !text.contains("'--chunks'"), "\(text)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "--slurm ran the report")

        let cluster = URL(fileURLWithPath: "/tmp/emvc-\(UUID().uuidString.prefix(8))")
        let start = try slurm.run([slurmScript, "start", cluster.path], seconds: 700)
        if start.status == 3 {
            print("ParticleChunkTests (Slurm) skipped: \(start.output.trimmingCharacters(in: .whitespacesAndNewlines))")
            return
        }
        defer {
            _ = try? slurm.run([slurmScript, "stop", cluster.path], seconds: 60)
            try? FileManager.default.removeItem(at: cluster)
        }
        #expect(start.status == 0, "cluster did not start: \(start.output)")
        guard start.status == 0 else { return }
        let env = ["SLURM_CONF": cluster.appendingPathComponent("slurm.conf").path]
        let array = try slurm.run(["sbatch", "--parsable", chunkScript.path], env: env, seconds: 60)
        let job = array.output.split(separator: "\n").last.map { String($0.split(separator: ";")[0]) } ?? ""
        #expect(array.status == 0 && Int(job) != nil, "sbatch: \(array.output)")
        let merge = try slurm.run(["sbatch", "--wait", "--dependency=afterok:\(job)", mergeScript.path], env: env, seconds: 900)
        let log = (try? String(contentsOf: scripts.appendingPathComponent("merge.log"), encoding: .utf8)) ?? ""
        #expect(merge.status == 0, "sbatch merge: \(merge.output) \(log)")
        for id in chunked {
            for i in 1...2 {
                #expect(FileManager.default.fileExists(atPath: scripts.appendingPathComponent("\(id)-chunk-\(i)-of-2.json").path), "\(id) chunk \(i)")
            }
        }
        let s = try sections(out)
        for id in chunked + ["4.g"] {
            #expect(["ok", "warnings"].contains(s[id]?["status"] as? String), "\(id): \(s[id] ?? [:])")
        }
        #expect((s["4.d"]?["metrics"] as? [String: Any])?["particles_used"] as? Int == count)
        try expectValidAgainstSchema([out.appendingPathComponent("metrics.json")])
    }
}
