// Time to read a 256³ float32 map (64 MiB) from a file in /tmp: the brief asks for well under 0.3 s in the
// release configuration (`make test`). Debug builds skip it: their timings say nothing.
// The assertion uses the reading thread's CPU time (user + system, CLOCK_THREAD_CPUTIME_ID), which other
// processes on this shared 2-core machine do not inflate; the wall time is printed beside it.
import Foundation
import Testing
@testable import MapIO

@Suite(.serialized) struct ReadTimingTests {
    #if !DEBUG
    @Test func read256CubedFloat32() throws {
        let n = 256
        var data = [Float](repeating: 0, count: n * n * n)
        for i in 0..<data.count { data[i] = Float((i &* 2_654_435_761) & 0xFFFF) / 65536 - 0.5 }
        let volume = Volume(nx: n, ny: n, nz: n, data: data, voxelSize: SIMD3(1.1, 1.1, 1.1))
        let dir = try TestPaths.scratchDirectory()
        defer { TestPaths.cleanUp(dir) }
        let path = dir + "/256.mrc"
        let clock = ContinuousClock()
        let writeTime = try clock.measure { try MRCWriter.write(volume, to: path, labels: ["timing"]) }
        var best = Duration.seconds(1000), bestCPU = 1000.0
        for _ in 0..<3 {
            var map: MRCFile?
            let cpu0 = threadCPUSeconds()
            let t = try clock.measure { map = try MRCReader.read(path: path) }
            bestCPU = min(bestCPU, threadCPUSeconds() - cpu0)
            best = min(best, t)
            #expect(map?.volume == volume)
        }
        print("MapIO timing: write 256³ float32 \(writeTime), read best of 3 \(best) wall, \(bestCPU) s CPU")
        #expect(bestCPU < 0.3, "reading a 256³ float32 map took \(bestCPU) s of CPU; expected well under 0.3 s")

        // For the record (not asserted tightly): the same bytes declared with axis order 3, 1, 2, which goes
        // through the permuting decoder, and a gzip -1 copy, which goes through zlib.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        for (word, axis) in [(17, UInt8(3)), (18, 1), (19, 2)] { bytes[4 * (word - 1)] = axis }
        let permutedPath = dir + "/permuted.mrc"
        try Data(bytes).write(to: URL(fileURLWithPath: permutedPath))
        var cpu0 = threadCPUSeconds()
        let permuted = try clock.measure { _ = try MRCReader.read(path: permutedPath) }
        let permutedCPU = threadCPUSeconds() - cpu0
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "gzip -1 -c '\(path)' > '\(path).gz'"]
        try gzip.run(); gzip.waitUntilExit()
        var fromGzip: MRCFile?
        cpu0 = threadCPUSeconds()
        let gz = try clock.measure { fromGzip = try MRCReader.read(path: path + ".gz") }
        let gzCPU = threadCPUSeconds() - cpu0
        #expect(fromGzip?.volume == volume)
        print("MapIO timing: read 256³ float32 with axes 3,1,2 \(permuted) wall, \(permutedCPU) s CPU; "
            + "gzip-compressed \(gz) wall, \(gzCPU) s CPU")
        #expect(permuted < .seconds(2) && gz < .seconds(5))
    }
    #endif
}

/// CPU time (user + system) used so far by the calling thread, in seconds.
func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}
