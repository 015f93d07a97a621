// The per-particle loop shared by the Level 4 sections that compare particles with the map's projections:
// each particle of the subset, its image brought to the projector's pixel size and box (Fourier resampling,
// stated by the sections that do it), in parallel.
import ImageData
import ParticleAnalysis

extension ParticleInput {
    /// The map's symmetry operators, or the identity alone for C1.
    var symmetryOrIdentity: [Rotation3] { symmetryOperators.isEmpty ? [Rotation3.identity] : symmetryOperators }

    /// `body(particle, image)` for every particle in `used` (row indices of `table`), with the image at the
    /// projector's sampling; results in the order of `used`.
    func forEachParticle<T>(_ used: [Int], table: ParticleTable, at projector: FourierProjector,
                            _ body: @escaping @Sendable (Particle, ImageData.Image2D) throws -> T) throws -> [T] {
        let n = projector.size, px = projector.pixelSizeA
        let resample = box != n || abs(pixelSizeA - px) > 1e-6 * px
        let results = ChunkedResults<T>(count: used.count)
        try results.fill { k in
            var img = try self.particleImage(used[k])
            if resample { img = img.resampled(pixelSizeA: px, box: n) }
            return try body(table.particles[used[k]], img)
        }
        return try results.values()
    }
}
