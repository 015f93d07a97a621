// libFuzzer target: `ModelReader.read(bytes:name:)` (gemmi through CGemmi) on arbitrary text.
// Built by `make fuzz` with -sanitize=fuzzer,address and -D FUZZING; the ordinary build is a replay tool:
// `FuzzModel FILE…` runs each file through the same body and prints ok or the finding.
import Foundation
import FuzzTargets

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzOne(data, size) { try FuzzBodies.model($0) }
}

#if FUZZING
/// SwiftPM links an executable's entry point as `FuzzModel_main`; hand control to libFuzzer's driver there.
@_cdecl("FuzzModel_main")
public func fuzzModelMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzModelTestOneInput)
}
#else
@main enum FuzzModelReplay {
    static func main() { exit(replayFiles { try FuzzBodies.model($0) }) }
}
#endif
