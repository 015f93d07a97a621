// `emvalidate report MAP --half1 --half2 --particles PARTICLES.star` end to end, through the built binary, on
// particles simulated from a Gaussian phantom (RELION 3.1 STAR + .mrcs, known angles, origins and defoci):
// the Level 4 sections in metrics.json (valid against the schema) and in the compiled PDF; and the bad inputs
// of issue 13: a STAR without angles, a particle box other than the map's, a missing image file, a pixel size
// 5 % off the map's, a STAR without CTF optics (with and without the flags).
import Foundation
import MapIO
import TestSupport
import VolumeNumerics
import XCTest

final class ParticlesCommandLineTests: XCTestCase {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let phantom = GaussianPhantom.asymmetric(box: 32, pixelSizeA: 2, seed: 41)

    /// The emvalidate binary built beside the test bundle.
    var binary: String {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let p = candidate.appendingPathComponent("emvalidate").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return root.appendingPathComponent(".build/release/emvalidate").path
    }

    /// Runs a program; returns its exit status and its merged standard output and error.
    func run(_ executable: String, _ args: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
        p.arguments = executable.hasPrefix("/") ? args : [executable] + args
        let pipe = Pipe()
        p.standardOutput = pipe; p.standardError = pipe; p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func sections(_ out: URL) throws -> [String: [String: Any]] {
        let data = try Data(contentsOf: out.appendingPathComponent("metrics.json"))
        let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        return json["sections"] as! [String: [String: Any]]
    }

    /// The phantom map (box n, voxel `voxelA`) in `dir`, and two half maps (the map plus independent noise).
    func writeMaps(_ dir: URL, box n: Int = 32, voxelA: Double = 2) throws -> (map: String, half1: String, half2: String) {
        let v = phantom.volume(box: n, pixelSizeA: voxelA)
        var paths: [String] = []
        for (k, name) in ["map.mrc", "half1.mrc", "half2.mrc"].enumerated() {
            var rng = SplitMix64(seed: 700 + UInt64(k))
            let data = k == 0 ? v.data : v.data.map { $0 + Float(0.05 * rng.gaussian()) }
            let path = dir.appendingPathComponent(name).path
            try MRCWriter.write(Volume(nx: n, ny: n, nz: n, data: data, voxelSize: v.voxelSize), to: path, labels: ["phantom"])
            paths.append(path)
        }
        return (paths[0], paths[1], paths[2])
    }

    func folder(of star: String) -> URL { URL(fileURLWithPath: star).deletingLastPathComponent() }

    var haveLaTeX: Bool {
        ["latexmk", "pdflatex", "pdftotext"].allSatisfy { tool in
            (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
                FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)")
            }
        }
    }

    func testReportWithParticlesHasLevelFourAndCompiles() throws {
        try XCTSkipUnless(haveLaTeX, "LaTeX and poppler are needed")
        let star = try SimulatedParticles(count: 120, noiseSD: 0.3).write(phantom)
        let dir = folder(of: star)
        let maps = try writeMaps(dir)
        let out = dir.appendingPathComponent("report")
        let r = try run(binary, ["report", maps.map, "--threshold", "0.3", "--resolution", "8", "--half1", maps.half1,
                                 "--half2", maps.half2, "--particles", star, "--max-particles", "100", "-q", "-o", out.path])
        XCTAssertEqual(r.status, 0, r.output)
        let s = try sections(out)
        for id in ["4.particles", "4.a", "4.d", "4.f", "4.g", "4.h", "4.i"] {
            let status = s[id]?["status"] as? String
            XCTAssertTrue(status == "ok" || status == "warnings", "\(id): \(String(describing: s[id]))")
        }
        let particles = s["4.particles"]!["metrics"] as! [String: Any]
        XCTAssertEqual(particles["particles"] as? Int, 120)
        XCTAssertEqual(s["4.particles"]!["status"] as? String, "ok")
        let optics = particles["ctf_optics"] as! [[String: Any]]
        XCTAssertEqual(optics.map { $0["source"] as! String }, ["STAR file's rlnVoltage", "STAR file's rlnSphericalAberration", "STAR file's rlnAmplitudeContrast"])
        let a = s["4.a"]!["metrics"] as! [String: Any]
        XCTAssertEqual(a["particles_used"] as? Int, 100, "--max-particles 100")
        XCTAssertGreaterThan(a["cc_mean"] as! Double, 0.5, "particles agree with the map's reprojections")
        let d = s["4.d"]!["metrics"] as! [String: Any]
        XCTAssertLessThan(d["median_angle_difference_deg"] as! Double, 5, "the simulated angles are the true ones")
        let i = s["4.i"]!
        XCTAssertEqual(i["status"] as? String, "ok", "\(i["warnings"] ?? "")")
        let change = (i["metrics"] as! [String: Any])["defocus_change_A"] as! [String: Double]
        XCTAssertTrue(change["p2_5"]! <= 0 && change["p97_5"]! >= 0, "the STAR's defoci are the true ones: \(change)")
        let curve = (s["4.f"]!["metrics"] as! [String: Any])["curve"] as! [[String: Any]]
        for point in curve {
            if let res = point["resolution_A"] as? Double { XCTAssertTrue(res >= 4 && res <= 64, "\(point)") }
        }
        let schema = try run("python3", [root.appendingPathComponent("Tests/Oracles/validate_metrics.py").path,
                                         root.appendingPathComponent("schema/metrics.schema.json").path,
                                         out.appendingPathComponent("metrics.json").path])
        XCTAssertEqual(schema.status, 0, schema.output)
        let text = try run("pdftotext", ["-enc", "UTF-8", out.appendingPathComponent("report.pdf").path, "-"]).output
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        for heading in ["Level 4", "Particles", "4.a Similarity", "4.f Overfitting detection", "4.i CTF stability"] {
            XCTAssertTrue(text.contains(heading), "\(heading) is not in the PDF")
        }
        XCTAssertTrue(text.contains("CTF voltage from the STAR file's rlnVoltage; spherical aberration from the STAR file's rlnSphericalAberration"))
        // Flags set in typewriter type read as typed: T1's Latin Modern Mono joined "--" into an en dash.
        XCTAssertTrue(text.contains("--max-particles") && text.contains("--relion"), "flags in the PDF: \(text.components(separatedBy: "max-particles").first!.suffix(40))")
        XCTAssertFalse(text.contains("\u{2013}max-particles") || text.contains("\u{2013}relion"), "a flag's -- was set as an en dash")
    }

    /// A refused run: exit code, one line naming `fragments`, no output folder, the STAR file unchanged.
    func expectRefused(_ args: [String], star: String, exitCode: Int32, _ fragments: [String],
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let out = folder(of: star).appendingPathComponent("refused-\(UUID().uuidString.prefix(6))")
        let before = try Data(contentsOf: URL(fileURLWithPath: star))
        let r = try run(binary, ["report"] + args + ["-q", "-o", out.path])
        let text = r.output.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(r.status, exitCode, text, file: file, line: line)
        XCTAssertTrue(text.hasPrefix("emvalidate: error: ") && !text.contains("\n"), text, file: file, line: line)
        for f in fragments { XCTAssertTrue(text.contains(f), "'\(f)' not in: \(text)", file: file, line: line) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "an output folder was written", file: file, line: line)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: star)), before, "the STAR file was changed", file: file, line: line)
    }

    func testBadParticleInputs() throws {
        // A missing image file: one line naming the STAR file, its line and the reference; exit 65.
        let gone = try SimulatedParticles(count: 12).write(phantom)
        let maps = try writeMaps(folder(of: gone))
        try FileManager.default.removeItem(at: folder(of: gone).appendingPathComponent("particles.mrcs"))
        try expectRefused([maps.map, "--threshold", "0.3", "--particles", gone], star: gone, exitCode: 65,
                          ["\(gone): line ", "1@particles.mrcs", "particles.mrcs does not exist"])

        // CTF optics neither in the STAR nor in the flags: exit 65 naming the column and the flag; the flags
        // make it run, and the Particles section says where the values came from.
        let bare = try SimulatedParticles(count: 12, opticsCTFColumns: false).write(phantom)
        try expectRefused([maps.map, "--threshold", "0.3", "--particles", bare], star: bare, exitCode: 65,
                          ["\(bare): line ", ": blocks data_particles and data_optics have no column rlnVoltage; expected it for the particle's CTF, or --voltage kV"])
        try expectRefused([maps.map, "--threshold", "0.3", "--particles", bare, "--voltage", "300", "--cs", "2.7"], star: bare,
                          exitCode: 65, ["no column rlnAmplitudeContrast", "--amplitude-contrast FRACTION"])
        try expectRefused([maps.map, "--threshold", "0.3", "--voltage", "300"], star: bare, exitCode: 64,
                          ["--voltage, --cs and --amplitude-contrast describe the particles' CTF: give --particles as well"])
        try expectRefused([maps.map, "--threshold", "0.3", "--particles", bare, "--amplitude-contrast", "1.5"], star: bare,
                          exitCode: 64, ["--amplitude-contrast must be a fraction between 0 and 1"])
        let flagged = folder(of: bare).appendingPathComponent("flagged")
        var r = try run(binary, ["report", maps.map, "--threshold", "0.3", "--particles", bare, "--voltage", "300", "--cs", "2.7",
                                 "--amplitude-contrast", "0.1", "--sections", "4.particles", "--no-pdf", "-q", "-o", flagged.path])
        XCTAssertEqual(r.status, 0, r.output)
        let optics = (try sections(flagged)["4.particles"]!["metrics"] as! [String: Any])["ctf_optics"] as! [[String: Any]]
        XCTAssertEqual(optics[2]["source"] as? String, "flag --amplitude-contrast (the STAR file has no rlnAmplitudeContrast)")

        // No angles: Level 4 does not apply, with the reason; the Particles section still describes the set.
        let noAngles = try SimulatedParticles(count: 12, withAngles: false).write(phantom)
        let outNoAngles = folder(of: noAngles).appendingPathComponent("report")
        r = try run(binary, ["report", maps.map, "--threshold", "0.3", "--particles", noAngles, "--sections", "4", "--no-pdf", "-q",
                             "-o", outNoAngles.path])
        XCTAssertEqual(r.status, 0, r.output)
        var s = try sections(outNoAngles)
        XCTAssertEqual(s["4.particles"]?["status"] as? String, "ok")
        for id in ["4.a", "4.d", "4.f", "4.g", "4.h", "4.i"] {
            XCTAssertEqual(s[id]?["status"] as? String, "not_applicable", id)
            XCTAssertTrue((s[id]?["reason"] as? String)?.contains("has no angles") == true, "\(id): \(String(describing: s[id]?["reason"]))")
        }

        // Particles of 32² against a 40³ map of the same sampling: stated, and resampled where compared.
        let small = try SimulatedParticles(count: 12).write(phantom)
        let big = try writeMaps(folder(of: small), box: 40)
        let outBox = folder(of: small).appendingPathComponent("report")
        r = try run(binary, ["report", big.map, "--threshold", "0.3", "--particles", small, "--sections", "4.particles,4.a,4.i",
                             "--no-pdf", "-q", "-o", outBox.path])
        XCTAssertEqual(r.status, 0, r.output)
        s = try sections(outBox)
        let note = (s["4.particles"]!["metrics"] as! [String: Any])["box_note"] as? String
        XCTAssertTrue(note?.contains("32² pixels") == true && note?.contains("40³ voxels") == true, note ?? "no box note")
        XCTAssertNotNil((s["4.a"]!["metrics"] as! [String: Any])["sampling_note"])
        XCTAssertNotNil((s["4.i"]!["metrics"] as! [String: Any])["defocus_change_A"])

        // The map's voxel 5 % larger than the particles' pixel: a warning in the Particles section.
        let off = try SimulatedParticles(count: 12).write(phantom)
        let offMaps = try writeMaps(folder(of: off), voxelA: 2.1)
        let outOff = folder(of: off).appendingPathComponent("report")
        r = try run(binary, ["report", offMaps.map, "--threshold", "0.3", "--particles", off, "--sections", "4.particles", "--no-pdf",
                             "-q", "-o", outOff.path])
        XCTAssertEqual(r.status, 0, r.output)
        let p = try sections(outOff)["4.particles"]!
        XCTAssertEqual(p["status"] as? String, "warnings")
        XCTAssertTrue((p["warnings"] as! [String]).contains { $0.contains("differs from the map's (2.1 Å)") && $0.contains("more than 1 %") },
                      "\(p["warnings"]!)")
    }
}
