// libFuzzer target: `MRCReader.read(path:)` (plain and compressed files) against the in-memory reader.
// Built by `make fuzz` with -sanitize=fuzzer,address and -D FUZZING; the ordinary build is a replay tool:
// `FuzzMapFile FILE…` runs each file through the same body and prints ok or the finding.
import Foundation
import FuzzTargets

/// One scratch file per process, in memory when /dev/shm exists.
let scratchPath: String = {
    let dir = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return "\(dir)/emvalidate-fuzz-\(getpid()).mrc"
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMapFileTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzOne(data, size) { try FuzzBodies.mapFile($0, scratch: scratchPath) }
}

#if FUZZING
/// SwiftPM links an executable's entry point as `FuzzMapFile_main`; hand control to libFuzzer's driver there.
@_cdecl("FuzzMapFile_main")
public func fuzzMapFileMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzMapFileTestOneInput)
}
#else
@main enum FuzzMapFileReplay {
    static func main() { exit(replayFiles { try FuzzBodies.mapFile($0, scratch: scratchPath) }) }
}
#endif
