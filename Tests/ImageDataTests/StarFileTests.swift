import XCTest
@testable import ImageData

final class StarFileTests: XCTestCase {
    // Five particles, the same in both layouts; written as RELION writes them (labels with "#n", padded values).
    static let rows: [(name: String, rot: Double, tilt: Double, psi: Double, oxA: Double, oyA: Double,
                       du: Double, dv: Double, ang: Double, cls: Int, subset: Int)] = [
        ("000001@stack.mrcs", 10.5, 80.25, -30, 1.4, -2.8, 12000, 11500, 30, 1, 1),
        ("000002@stack.mrcs", -170, 10, 45.5, 0, 0, 15000, 14800, -12.5, 2, 2),
        ("000003@stack.mrcs", 0, 90, 179, -4.2, 7, 9000, 9000, 0, 1, 1),
        ("000004@stack.mrcs", 33.3, 120.5, 0, 2.8, 1.4, 20000, 19000, 88, 3, 2),
        ("000005@stack.mrcs", 90, 45, -90, 0.7, -0.7, 11000, 10000, 45, 2, 1),
    ]
    static let pixelA = 1.4

    static func relion30() -> String {
        var s = "\n# RELION; version 3.0.6\n\ndata_images\n\nloop_ \n"
        let labels = ["rlnAnglePsi", "rlnAngleRot", "rlnAngleTilt", "rlnClassNumber", "rlnDefocusAngle", "rlnDefocusU",
                      "rlnDefocusV", "rlnDetectorPixelSize", "rlnImageName", "rlnMagnification", "rlnOriginX",
                      "rlnOriginY", "rlnRandomSubset", "rlnSphericalAberration", "rlnVoltage",
                      "rlnAmplitudeContrast", "rlnCustomUnknown"]
        for (i, l) in labels.enumerated() { s += "_\(l) #\(i + 1) \n" }
        for r in rows {
            // Detector pixel 14 µm at magnification 100000 → 1.4 Å; origins in pixels.
            s += String(format: "%12.6f %12.6f %12.6f %12d %12.6f %12.6f %12.6f %12.6f %@ %12.6f %12.6f %12.6f %12d %12.6f %12.6f %12.6f %@\n",
                        r.psi, r.rot, r.tilt, r.cls, r.ang, r.du, r.dv, 14.0, r.name, 100000.0, r.oxA / pixelA, r.oyA / pixelA,
                        r.subset, 2.7, 300.0, 0.1, "\"a b\"")
        }
        return s + " \n"
    }

    static func relion31() -> String {
        var s = "\n# version 30001\n\ndata_optics\n\nloop_ \n_rlnOpticsGroup #1 \n_rlnOpticsGroupName #2 \n"
        s += "_rlnAmplitudeContrast #3 \n_rlnSphericalAberration #4 \n_rlnVoltage #5 \n_rlnImagePixelSize #6 \n"
        s += "_rlnImageSize #7 \n_rlnImageDimensionality #8 \n"
        s += "           1 opticsGroup1     0.100000     2.700000   300.000000     1.400000          64            2 \n \n"
        s += "\n# version 30001\n\ndata_particles\n\nloop_ \n"
        let labels = ["rlnImageName", "rlnAngleRot", "rlnAngleTilt", "rlnAnglePsi", "rlnOriginXAngst", "rlnOriginYAngst",
                      "rlnDefocusU", "rlnDefocusV", "rlnDefocusAngle", "rlnClassNumber", "rlnRandomSubset", "rlnOpticsGroup"]
        for (i, l) in labels.enumerated() { s += "_\(l) #\(i + 1) \n" }
        for r in rows {
            s += String(format: "%@ %12.6f %12.6f %12.6f %12.6f %12.6f %12.6f %12.6f %12.6f %12d %12d %12d \n",
                        r.name, r.rot, r.tilt, r.psi, r.oxA, r.oyA, r.du, r.dv, r.ang, r.cls, r.subset, 1)
        }
        return s
    }

    /// A RELION 3.1 file without optics columns: each missing one is an error naming the file, the line, both
    /// blocks, the column and the flag; the flags fill them in.
    func testMissingCTFOpticsNeedTheFlags() throws {
        let bare = "data_optics\nloop_\n_rlnOpticsGroup\n_rlnImagePixelSize\n1 1.4\ndata_particles\nloop_\n_rlnImageName\n_rlnOpticsGroup\n_rlnDefocusU\n1@a.mrcs 1 12000\n"
        XCTAssertThrowsError(try ParticleTable(star: StarFile(text: bare, path: "b.star"))) { e in
            XCTAssertEqual("\(e)", "b.star: line 11: blocks data_particles and data_optics have no column rlnVoltage; expected it for the particle's CTF, or --voltage kV")
        }
        XCTAssertThrowsError(try ParticleTable(star: StarFile(text: bare, path: "b.star"), ctfFlags: CTFFlags(voltageKV: 200))) { e in
            XCTAssertTrue("\(e)".contains("no column rlnSphericalAberration; expected it for the particle's CTF, or --cs mm"), "\(e)")
        }
        let t = try ParticleTable(star: StarFile(text: bare, path: "b.star"),
                                  ctfFlags: CTFFlags(voltageKV: 200, sphericalAberrationMM: 0.01, amplitudeContrast: 0.07))
        let c = try XCTUnwrap(t.particles[0].ctf)
        XCTAssertEqual([c.voltageKV, c.sphericalAberrationMM, c.amplitudeContrast], [200, 0.01, 0.07])
        XCTAssertEqual(t.ctfSources.map(\.fromFlag), [1, 1, 1])
        // Without a defocus there is no CTF, and nothing is asked for.
        let noCTF = "data_particles\nloop_\n_rlnImageName\n1@a.mrcs\n"
        XCTAssertNil(try ParticleTable(star: StarFile(text: noCTF, path: "n.star")).particles[0].ctf)
    }

    func testRelion30And31GiveTheSameParticles() throws {
        let a = try ParticleTable(star: StarFile(text: Self.relion30(), path: "/data/run30.star"))
        let b = try ParticleTable(star: StarFile(text: Self.relion31(), path: "/data/run31.star"))
        XCTAssertEqual(a.layout, "3.0")
        XCTAssertEqual(b.layout, "3.1")
        XCTAssertEqual(a.particles.count, 5)
        XCTAssertEqual(b.particles.count, 5)
        for (i, (p, q)) in zip(a.particles, b.particles).enumerated() {
            let r = Self.rows[i]
            for x in [p, q] {
                XCTAssertEqual(x.imageIndex, i + 1)
                XCTAssertEqual(x.stackPath, "/data/stack.mrcs")
                XCTAssertEqual(x.angles!.rotDeg, r.rot, accuracy: 1e-6)
                XCTAssertEqual(x.angles!.tiltDeg, r.tilt, accuracy: 1e-6)
                XCTAssertEqual(x.angles!.psiDeg, r.psi, accuracy: 1e-6)
                XCTAssertEqual(x.originXA, r.oxA, accuracy: 1e-5)
                XCTAssertEqual(x.originYA, r.oyA, accuracy: 1e-5)
                XCTAssertEqual(x.pixelSizeA!, Self.pixelA, accuracy: 1e-9)
                XCTAssertEqual(x.ctf!.defocusUA, r.du, accuracy: 1e-6)
                XCTAssertEqual(x.ctf!.defocusVA, r.dv, accuracy: 1e-6)
                XCTAssertEqual(x.ctf!.defocusAngleDeg, r.ang, accuracy: 1e-6)
                XCTAssertEqual(x.ctf!.voltageKV, 300)
                XCTAssertEqual(x.ctf!.sphericalAberrationMM, 2.7)
                XCTAssertEqual(x.ctf!.amplitudeContrast, 0.1)
                XCTAssertEqual(x.classNumber, r.cls)
                XCTAssertEqual(x.randomSubset, r.subset)
            }
        }
        // Unknown columns and quoted values are kept.
        XCTAssertEqual(a.table.string(0, "rlnCustomUnknown"), "a b")
        XCTAssertEqual(a.particles[2].line, 26)
    }

    func testParticlesDirectoryOverridesTheStarFolder() throws {
        let t = try ParticleTable(star: StarFile(text: Self.relion31(), path: "/data/run31.star"), particlesDirectory: "/elsewhere")
        XCTAssertEqual(t.particles[0].stackPath, "/elsewhere/stack.mrcs")
    }

    func testSingleValueBlocksAndComments() throws {
        let text = """
        # a comment
        data_general
        _rlnFinalResolution   3.25   # trailing comment
        _rlnMaskName 'mask with space.mrc'

        data_fsc
        loop_
        _rlnSpectralIndex
        _rlnFourierShellCorrelation
        0 1.000
        1 0.998
        """
        let s = try StarFile(text: text, path: "post.star")
        XCTAssertEqual(s.blockNames, ["general", "fsc"])
        let g = s.table(block: "general")!
        XCTAssertFalse(g.isLoop)
        XCTAssertEqual(try g.double(0, "rlnFinalResolution"), 3.25)
        XCTAssertEqual(g.string(0, "rlnMaskName"), "mask with space.mrc")
        let f = s.table(block: "fsc")!
        XCTAssertEqual(f.rowCount, 2)
        XCTAssertEqual(try f.double(1, "rlnFourierShellCorrelation"), 0.998)
        XCTAssertEqual(f.lines, [10, 11])
    }

    func testMalformedTablesNameFileLineAndColumn() {
        let short = "data_\nloop_\n_rlnA #1\n_rlnB #2\n1 2\n3\n"
        XCTAssertThrowsError(try StarFile(text: short, path: "bad.star")) { e in
            XCTAssertEqual("\(e)", "bad.star: line 6: row has 1 values; expected 2 (the columns of data_)")
        }
        let nan = "data_x\nloop_\n_rlnImageName\n_rlnAngleRot\n1@a.mrcs abc\n"
        XCTAssertThrowsError(try ParticleTable(star: StarFile(text: nan, path: "n.star"))) { e in
            XCTAssertEqual("\(e)", "n.star: line 5, column rlnAngleRot: found 'abc'; expected a number")
        }
        let ref = "data_x\nloop_\n_rlnImageName\nzero@a.mrcs\n"
        XCTAssertThrowsError(try ParticleTable(star: StarFile(text: ref, path: "r.star"))) { e in
            XCTAssertEqual("\(e)", "r.star: line 4, column rlnImageName: 'zero@a.mrcs': expected N@path with N ≥ 1")
        }
        let group = "data_optics\nloop_\n_rlnOpticsGroup\n1\ndata_particles\nloop_\n_rlnImageName\n_rlnOpticsGroup\n1@a.mrcs 2\n"
        XCTAssertThrowsError(try ParticleTable(star: StarFile(text: group, path: "g.star"))) { e in
            XCTAssertEqual("\(e)", "g.star: line 9: column rlnOpticsGroup: found 2; expected a group listed in data_optics")
        }
    }

    /// The real RELION 3.0 file (metadata only): 3.0 layout, pixel size from detector pixel and magnification.
    func testRealRelion30Fixture() throws {
        let path = imageDataRepositoryRoot.appendingPathComponent("Fixtures/particles/FinalRefinement-OriginalParticles-PfCRT.star").path
        // The file has rlnVoltage and rlnSphericalAberration but no rlnAmplitudeContrast: no value is assumed.
        XCTAssertThrowsError(try ParticleTable(path: path)) { e in
            XCTAssertEqual("\(e)", "\(path): line 28: block data_images has no column rlnAmplitudeContrast; expected it for the particle's CTF, or --amplitude-contrast FRACTION")
        }
        let t = try ParticleTable(path: path, ctfFlags: CTFFlags(voltageKV: 200, amplitudeContrast: 0.07))
        XCTAssertEqual(t.particles[0].ctf!.amplitudeContrast, 0.07, "the flag supplies the missing column")
        XCTAssertEqual(t.particles[0].ctf!.voltageKV, 300, "the STAR's rlnVoltage wins over --voltage 200")
        XCTAssertEqual(t.ctfSources.map(\.field.column), ["rlnVoltage", "rlnSphericalAberration", "rlnAmplitudeContrast"])
        XCTAssertEqual(t.ctfSources[0].conflicts, [300], "--voltage 200 against the STAR's 300 kV is noted")
        XCTAssertEqual(t.ctfSources[0].fromFlag, 0)
        XCTAssertEqual(t.ctfSources[2].fromFlag, t.particles.count)
        XCTAssertEqual(t.ctfSources[2].values, [0.07])
        XCTAssertTrue(t.ctfSources[1].conflicts.isEmpty, "no --cs given")
        XCTAssertEqual(t.layout, "3.0")
        XCTAssertGreaterThan(t.particles.count, 3)
        let p = t.particles[0]
        XCTAssertEqual(p.pixelSizeA!, 1.035, accuracy: 1e-9)       // 1.035 µm · 10⁴ / 10000
        XCTAssertEqual(p.angles, EulerAngles(rot: 16.093530, tilt: 86.352776, psi: 98.225690))
        XCTAssertEqual(p.originXA, -0.14063 * 1.035, accuracy: 1e-9)
        XCTAssertEqual(p.ctf!.defocusUA, 15686)
        XCTAssertEqual(p.randomSubset, 2)
        XCTAssertTrue(p.stackPath.hasSuffix("Fixtures/particles/Extract/job012/FinalRefinement-OriginalParticles-PfCRT.mrcs"))
        // The stacks it names are not bundled: opening them is a one-line error naming the STAR line.
        XCTAssertThrowsError(try t.openStacks()) { e in
            XCTAssertTrue("\(e)".hasPrefix("\(path): line 28, column rlnImageName: '000001@Extract/job012/"), "\(e)")
            XCTAssertTrue("\(e)".hasSuffix("does not exist"), "\(e)")
        }
    }

    /// The real RELION 3.1 file with its stack: pixel size from the optics table (the header says 1.0).
    func testRealRelion31FixtureAndStack() throws {
        let path = imageDataRepositoryRoot.appendingPathComponent("Fixtures/particles/relion31.star").path
        let t = try ParticleTable(path: path)
        XCTAssertEqual(t.layout, "3.1")
        XCTAssertEqual(t.particles.count, 5)
        XCTAssertEqual(t.particles[3].angles!.rotDeg, 160.041375)
        XCTAssertEqual(t.particles[0].originXA, 0.019324)
        XCTAssertEqual(t.particles[0].ctf!.sphericalAberrationMM, 0.01)
        let stacks = try t.openStacks()
        let stack = stacks[t.particles[0].stackPath]!
        XCTAssertEqual(stack.count, 5)
        XCTAssertEqual(stack.nx, 256)
        XCTAssertEqual(stack.headerPixelSizeA, 1.0)
        let px = try stack.pixelSize(star: t.particles[0].pixelSizeA)
        XCTAssertEqual(px.valueA, 2.806)
        XCTAssertEqual(px.source, .star)
    }
}
