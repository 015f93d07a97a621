// Finding an external program the way a shell would: the first executable file of that name in the PATH.
import Foundation

public enum ProgramSearch {
    /// The first executable file named `tool` in the directories of `PATH` (of `environment`; /usr/bin:/bin
    /// when unset), or nil.
    public static func path(of tool: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let path = environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent(tool).path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }
}
