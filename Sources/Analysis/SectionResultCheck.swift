// A section's result must be writable: metrics.json and the figure data are JSON, which has no NaN or ∞.
// A non-finite number there means the computation overflowed or divided by zero on this input (e.g. one
// voxel at 3e38, a valid float32, makes single-precision Fourier sums overflow); the section is then
// "could not be measured" with that reason, instead of the whole report failing to encode.
import Foundation

extension SectionResult {
    /// Where the first NaN or ∞ is among the numbers written as JSON (metrics; plot series, markers,
    /// histogram edges and counts), e.g. "metrics.median_A2" or "figure 0f_histogram marker 0"; nil if none.
    public func nonFiniteNumberPath() -> String? {
        func first(_ v: JSONValue, _ path: String) -> String? {
            switch v {
            case .number(let d): return d.isFinite ? nil : path
            case .array(let a):
                for (i, x) in a.enumerated() { if let p = first(x, "\(path)[\(i)]") { return p } }
                return nil
            case .object(let o):
                for k in o.keys.sorted() { if let p = first(o[k]!, "\(path).\(k)") { return p } }
                return nil
            default: return nil
            }
        }
        for k in metrics.keys.sorted() { if let p = first(metrics[k]!, "metrics.\(k)") { return p } }
        func bad(_ xs: [Double]) -> Bool { xs.contains { !$0.isFinite } }
        for f in figures {
            switch f.content {
            case .histogram(let h):
                if bad(h.binEdges) || bad(h.counts) { return "figure \(f.id) bins" }
                if bad(h.markers.map(\.value)) { return "figure \(f.id) markers" }
            case .plot(let p):
                for s in p.series where bad(s.x) || bad(s.y) { return "figure \(f.id) series “\(s.label)”" }
                if bad(p.xMarkers.map(\.value) + p.yMarkers.map(\.value)) { return "figure \(f.id) markers" }
            case .images(let panels):
                if let r = panels.range, bad(r) { return "figure \(f.id) range" }
            case .surface(let s):
                if let r = s.range, bad(r) { return "figure \(f.id) range" }
            case .graph:
                break   // laid out by Graphviz from the workflow's steps: no computed values
            }
        }
        return nil
    }
}
