// The memory a report run needs, estimated from the map's box before anything is read, and the memory the
// machine (or the container's cgroup) has available.
//
// The estimate is a per-voxel cost measured on phantoms (docs/methods.md, "memory estimate"): the peak
// resident size of `emvalidate report` divided by the voxel count, for Level 0 alone and with half maps or
// a model, rounded up; plus a fixed base for the process. It errs on the large side.
import Foundation

public enum MemoryBudget {
    /// Environment variable that replaces the measured available memory (bytes); for tests and for
    /// schedulers that know better than /proc. Read only here.
    public static let availableOverrideVariable = "EMVALIDATE_AVAILABLE_MEMORY"

    /// Bytes per voxel at the peak: Level 0; added by half maps; added by a model. Measured slopes (peak
    /// RSS between 96³ and 160³ phantoms, release build) were 19 and 23 bytes per voxel; doubled here. The
    /// model's cost (model map, mask, their spectra) was not measured: 20 bytes per voxel from its arrays.
    static let bytesPerVoxelLevel0 = 40.0
    static let bytesPerVoxelHalfMaps = 50.0
    static let bytesPerVoxelModel = 20.0
    /// The process with a tiny map (binary, libraries, threads, Cairo surfaces): 208–230 MB measured.
    static let baseBytes = 250.0 * 1024 * 1024

    public static func estimatedPeakBytes(voxels: Int, halfMaps: Bool, model: Bool) -> Int {
        let perVoxel = bytesPerVoxelLevel0 + (halfMaps ? bytesPerVoxelHalfMaps : 0) + (model ? bytesPerVoxelModel : 0)
        return Int.clampedBytes(baseBytes + perVoxel * Double(voxels))
    }

    /// The memory available to this process: the smallest of the override, the cgroup's limit less its
    /// usage (v2 memory.max / memory.current, v1 memory.limit_in_bytes / usage_in_bytes) and MemAvailable;
    /// nil when none is known.
    public static func availableBytes(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int? {
        if let text = environment[availableOverrideVariable] {
            return Int(text.trimmingCharacters(in: .whitespaces))
        }
        var candidates: [Int] = []
        func number(_ path: String) -> Int? {
            guard let s = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
            return Int(s.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        if let limit = number("/sys/fs/cgroup/memory.max") {
            candidates.append(limit - (number("/sys/fs/cgroup/memory.current") ?? 0))
        } else if let limit = number("/sys/fs/cgroup/memory/memory.limit_in_bytes"), limit < 1 << 60 {
            candidates.append(limit - (number("/sys/fs/cgroup/memory/memory.usage_in_bytes") ?? 0))
        }
        if let info = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
           let line = info.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
           let kB = Int(line.split(separator: " ").dropFirst().first ?? "") {
            candidates.append(kB * 1024)
        }
        return candidates.min().map { max(0, $0) }
    }

    /// Bytes as GB with one decimal (10⁹ bytes).
    static func gigabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1e9) }
}

extension Int {
    /// A byte count from a Double, saturating instead of trapping.
    static func clampedBytes(_ x: Double) -> Int { x >= Double(Int.max) ? Int.max : Int(Swift.max(0, x)) }
}
