// libFuzzer target: the MRC/CCP4 header and data reader, `MRCReader.read(bytes:name:)`, on arbitrary bytes
// (compressed inputs are left to FuzzMapFile).
// Built by `make fuzz` with -sanitize=fuzzer,address and -D FUZZING; the ordinary build is a replay tool:
// `FuzzMRC FILE…` runs each file through the same body and prints ok or the finding.
import Foundation
import FuzzTargets

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMRCTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzOne(data, size) { try FuzzBodies.mrcPlainBytes($0) }
}

#if FUZZING
/// SwiftPM links an executable's entry point as `FuzzMRC_main`; hand control to libFuzzer's driver there.
@_cdecl("FuzzMRC_main")
public func fuzzMRCMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzMRCTestOneInput)
}
#else
@main enum FuzzMRCReplay {
    static func main() { exit(replayFiles { try FuzzBodies.mrcPlainBytes($0) }) }
}
#endif
