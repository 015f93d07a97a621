// The generator's earlier name (Level0RNG and the oracle runner Level0Oracle are TestSupport's).
import TestSupport

/// The generator's earlier name, still used by other suites of this target (FSCPermutationTests).
typealias SeededGenerator = Level0RNG
