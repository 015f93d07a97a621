// A tall workflow graph split into horizontal bands, each drawn as a figure of its own, so that a pipeline of
// 30–60 jobs prints at a readable size over several pages instead of shrinking to illegible boxes on one.
// Cuts fall in the gaps between ranks, never through a box; arrows that cross a cut run off the band's edge
// and on from the next band's top (the boxes carry the step table's numbers, so the two can be read together).

extension GraphLayout {
    /// Ranges of y (points, y up, top band first) that split the layout into bands of at most `maxHeight`
    /// points each, cut halfway across gaps between boxes: as few bands as the gaps allow, and among those
    /// splits the most even one. The first band reaches the layout's top, the last its bottom. One band when
    /// the layout fits; a band is taller than `maxHeight` only where a gap-free run of boxes is.
    public func bands(maxHeight: Double) -> [ClosedRange<Double>] {
        guard maxHeight > 0, height > maxHeight else { return [0...max(height, 0)] }
        let cuts = gapMidpoints()
        let fewest = greedyBands(cuts, limit: maxHeight)
        // The smallest limit that still gives that few bands evens them out (the count only falls as the
        // limit grows, so bisection finds it; `high` only ever holds a limit that gives that few).
        var low = height / Double(fewest.count), high = maxHeight
        for _ in 0..<40 where high - low > 0.01 {
            let mid = (low + high) / 2
            if greedyBands(cuts, limit: mid).count <= fewest.count { high = mid } else { low = mid }
        }
        return greedyBands(cuts, limit: high)
    }

    /// Bands from the top down, each cut at the lowest gap within `limit` of its top (below a taller run of
    /// boxes when there is none): the fewest bands for that limit.
    func greedyBands(_ cuts: [Double], limit: Double) -> [ClosedRange<Double>] {
        var result: [ClosedRange<Double>] = []
        var top = height
        while top > limit {
            guard let cut = cuts.filter({ $0 < top && top - $0 <= limit }).min() ?? cuts.filter({ $0 < top }).max()
            else { break }
            result.append(cut...top)
            top = cut
        }
        result.append(0...top)
        return result
    }

    /// Midpoints of the vertical gaps between boxes (y, points), highest first.
    func gapMidpoints() -> [Double] {
        let spans = nodes.map { ($0.y - $0.height / 2, $0.y + $0.height / 2) }.sorted { $0.1 > $1.1 }
        var cuts: [Double] = []
        var low = Double.infinity   // lowest bottom so far of the boxes above
        for (bottom, top) in spans {
            if top < low, low.isFinite { cuts.append((top + low) / 2) }
            low = min(low, bottom)
        }
        return cuts
    }

    /// The same layout showing only `window` (a range of y, points).
    public func windowed(_ window: ClosedRange<Double>) -> GraphLayout {
        var g = self
        g.window = window
        return g
    }
}
