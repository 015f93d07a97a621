// 3.a The core of a 2D class (after the core analysis of Xmipp's CL2D, Sorzano et al. 2010, J. Struct. Biol.
// 170:277, program classify_analyze_cluster): the class's particles, aligned to the class, are described by
// their pixels inside a circle; the two leading principal components of those vectors carry the class's largest
// variations (views, conformations, contaminants) and the Mahalanobis distance in that plane measures how
// unusual each particle is. A particle at distance ≤ 3 is in the core.
// - Two components, as Xmipp's default (--NPCA 2): in k dimensions a Gaussian class has P(χ²ₖ ≤ 9) of its
//   particles within distance 3, 98.9 % for k = 2 but only 89 % for k = 5 and 47 % for k = 10, so with more
//   components the fixed limit 3 would flag homogeneous classes.
// - The centre and scatter in that plane are robust (reweighted MCD, RobustCovariance2D): a class half made of
//   junk would otherwise inflate the covariance with the junk itself and call it core. Xmipp iterates instead;
//   docs/methods.md "3.a" says why we differ.
import Foundation
import ImageData

public struct ClassCore: Sendable {
    /// Smallest number of particles for which the core is measured.
    public static let minimumParticles = 10
    /// Mahalanobis limit of the core.
    public static let maximumDistance = 3.0

    /// Mahalanobis distance of each particle (in input order).
    public let distances: [Double]
    /// Fraction of the particles at distance ≤ 3.
    public let coreFraction: Double
    /// Variance along the two leading components (pixel² units of the standardised images).
    public let componentVariances: [Double]

    /// The core of a class from its aligned particle images (all the same size), inside `mask`.
    /// Needs `minimumParticles`.
    public init(aligned: [Image2D], mask: CircularMask) {
        precondition(aligned.count >= Self.minimumParticles)
        let vectors = aligned.map { img in mask.indices.map { img.data[$0] } }
        let pca = PrincipalComponents(vectors: vectors)
        componentVariances = pca.variances
        if pca.variances[0] <= 0 {
            // Identical particles: every one is the class itself.
            distances = [Double](repeating: 0, count: aligned.count)
        } else {
            distances = RobustCovariance2D(points: pca.scores).distances
        }
        coreFraction = Double(distances.filter { $0 <= Self.maximumDistance }.count) / Double(distances.count)
    }
}
