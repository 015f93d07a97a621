// The per-particle loops of the Level 4 sections: each particle of the subset on threads (ChunkedResults), or,
// under `--particle-chunk I/K --chunk-dir DIR`, only this chunk's slice, written for a later merge run that
// reads every slice back (ParticleAnalysis/ParticleChunks.swift). `forEachParticle` also brings each image to
// the projector's pixel size and box (Fourier resampling, stated by the sections that do it).
import ImageData
import ParticleAnalysis

extension ParticleInput {
    /// The map's symmetry operators, or the identity alone for C1.
    var symmetryOrIdentity: [Rotation3] { symmetryOperators.isEmpty ? [Rotation3.identity] : symmetryOperators }

    /// `body(k)` for every k in 0..<used.count (`used`: row indices of the table), results in that order;
    /// `section` names the loop's partial results when the report runs in chunks.
    func perParticle<T: Codable>(_ section: String, _ used: [Int],
                                 _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
        func compute(_ range: Range<Int>) throws -> [T] {
            let results = ChunkedResults<T>(count: range.count)
            try results.fill { k in try body(range.lowerBound + k) }
            return try results.values()
        }
        guard let chunking else { return try compute(0..<used.count) }
        return try chunking.results(section: section, used: used, compute: compute)
    }

    /// `body(particle, image)` for every particle in `used` (row indices of `table`), with the image at the
    /// projector's sampling; results in the order of `used`.
    func forEachParticle<T: Codable>(_ section: String, _ used: [Int], table: ParticleTable, at projector: FourierProjector,
                                     _ body: @escaping @Sendable (Particle, ImageData.Image2D) throws -> T) throws -> [T] {
        let n = projector.size, px = projector.pixelSizeA
        let resample = box != n || abs(pixelSizeA - px) > 1e-6 * px
        return try perParticle(section, used) { k in
            var img = try self.particleImage(used[k])
            if resample { img = img.resampled(pixelSizeA: px, box: n) }
            return try body(table.particles[used[k]], img)
        }
    }
}
