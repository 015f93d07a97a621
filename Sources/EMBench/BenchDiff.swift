// `EMBench diff OLD.json NEW.json`: two bench.json files (two commits, or one commit on two days) side by side.
// For each step measured in both: wall time, CPU time and peak memory, old → new, and new/old. Steps are matched
// by box size and name, without the bracketed status a section row ends with ("[ok, 65 MiB after]": the resident
// memory after it changes from run to run); a name measured several times at one size (each child process reads
// its map) is matched occurrence by occurrence. On this kind of VM the CPU time of the same work varies by ~15 %
// between runs hours apart, so read a ratio against that spread, or against alternated runs of the two commits.
import Foundation

/// bench.json as EMBench writes it.
struct BenchFile: Codable {
    var tool: String
    var threads: Int
    var loadAverageEnd: String
    var records: [BenchRecord]
    enum CodingKeys: String, CodingKey { case tool, threads, loadAverageEnd = "load_average_end", records }
}

/// One step measured in both files.
struct BenchPair {
    var size: Int
    var step: String
    var old: BenchRecord
    var new: BenchRecord
}

enum BenchDiff {
    /// A step's name without the trailing " [status, … MiB after]" of section rows.
    static func key(_ step: String) -> String {
        guard step.hasSuffix("]"), let open = step.range(of: " [", options: .backwards) else { return step }
        return String(step[..<open.lowerBound])
    }

    /// The steps of `old` and `new` paired by size and name (the k-th occurrence with the k-th), in `new`'s order,
    /// and the steps found in only one of them.
    static func pair(old: [BenchRecord], new: [BenchRecord])
        -> (pairs: [BenchPair], onlyOld: [BenchRecord], onlyNew: [BenchRecord]) {
        struct Key: Hashable { var size: Int; var step: String }
        var unmatched: [Key: [Int]] = [:]   // indices into `old`, in order
        for (i, r) in old.enumerated() { unmatched[Key(size: r.size, step: key(r.step)), default: []].append(i) }
        var pairs: [BenchPair] = [], onlyNew: [BenchRecord] = []
        for r in new {
            let k = Key(size: r.size, step: key(r.step))
            if let i = unmatched[k]?.first {
                pairs.append(BenchPair(size: r.size, step: k.step, old: old[i], new: r))
                unmatched[k]!.removeFirst()
            } else {
                onlyNew.append(r)
            }
        }
        let onlyOld = unmatched.values.joined().sorted().map { old[$0] }
        return (pairs, onlyOld, onlyNew)
    }

    /// "a → b (×r)"; r = b/a, or "–" when a is 0.
    static func change(_ a: Double?, _ b: Double?, format: String) -> String {
        guard let a, let b else { return "" }
        let ratio = a > 0 ? String(format: "×%.2f", b / a) : "–"
        return String(format: format, a) + " → " + String(format: format, b) + " (\(ratio))"
    }

    static func print(oldPath: String, newPath: String) throws {
        func load(_ path: String) throws -> BenchFile {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw BenchDiffError(message: "\(path): cannot read it (\(error.localizedDescription))")
            }
            do { return try JSONDecoder().decode(BenchFile.self, from: data) } catch {
                throw BenchDiffError(message: "\(path): not a bench.json written by EMBench (\(error))")
            }
        }
        let a = try load(oldPath), b = try load(newPath)
        Swift.print("old: \(oldPath): \(a.tool), \(a.threads) threads, load average at its end \(a.loadAverageEnd)")
        Swift.print("new: \(newPath): \(b.tool), \(b.threads) threads, load average at its end \(b.loadAverageEnd)")
        let (pairs, onlyOld, onlyNew) = pair(old: a.records, new: b.records)
        for p in pairs {
            var line = (p.size > 0 ? "\(p.size)³ " : "") + p.step
            line = line.padding(toLength: 52, withPad: " ", startingAt: 0)
            // Rows that only carry a peak ("peak memory of this process") have no time.
            if p.old.wallS > 0 || p.new.wallS > 0 { line += "  wall " + change(p.old.wallS, p.new.wallS, format: "%.3f s") }
            let cpu = change(p.old.cpuS, p.new.cpuS, format: "%.2f s")
            if !cpu.isEmpty { line += "  CPU " + cpu }
            let peak = change(p.old.peakRSSMiB, p.new.peakRSSMiB, format: "%.0f MiB")
            if !peak.isEmpty { line += "  peak " + peak }
            Swift.print(line)
        }
        for (label, list) in [("only in old", onlyOld), ("only in new", onlyNew)] where !list.isEmpty {
            Swift.print("\(label): " + list.map { ($0.size > 0 ? "\($0.size)³ " : "") + key($0.step) }.joined(separator: "; "))
        }
    }
}

struct BenchDiffError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
