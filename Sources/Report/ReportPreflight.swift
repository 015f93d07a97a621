// Checks a report run can pass before any voxel is read, any folder made or any section started, each with
// one line naming the file or option, what was found and what was expected:
// - the map is a volume (a 2D image, nz = 1, is refused: every section works in 3D);
// - the voxel size is physical (0.01–1000 Å) and R is between Nyquist (2 × the smallest voxel size) and
//   the box (a resolution coarser than the whole box means the voxel size or R is wrong);
// - the memory the run needs, estimated from the header's box and the levels requested, is available.
import Analysis
import Foundation
import MapIO

public enum ReportPreflight {
    /// Voxel sizes (Å) outside this range are header mistakes, not maps (super-resolution counting gives
    /// ~0.3 Å, binned tomograms tens of Å).
    public static let voxelSizeRangeA: ClosedRange<Double> = 0.01...1000

    public static func check(_ request: ReportRequest, progress: (String) -> Void = { _ in },
                             availableBytes: Int? = MemoryBudget.availableBytes()) throws {
        let path = request.mapPath
        let h: MapHeaderSummary
        do { h = try MRCReader.readHeader(path: path) } catch { throw ReportFailure.input("\(error)") }
        let b = h.box
        if b.x < 2 || b.y < 2 || b.z < 2 {
            throw ReportFailure.input("\(path): the map is \(b.x)×\(b.y)×\(b.z) voxels (header words 1-3), "
                + (b.z == 1 && b.x > 1 && b.y > 1 ? "a 2D image" : "not a volume")
                + "; expected a 3D map with at least 2 voxels along each axis")
        }
        let ts = h.voxelSize
        for axis in 0..<3 where !voxelSizeRangeA.contains(ts[axis]) {
            throw ReportFailure.input("\(path): the voxel size along \(["X", "Y", "Z"][axis]) is "
                + "\(NumberText.format(ts[axis])) Å (cell length / sampling, header words \(11 + axis) and \(8 + axis)); "
                + "expected \(NumberText.format(voxelSizeRangeA.lowerBound)) to \(NumberText.format(voxelSizeRangeA.upperBound)) Å")
        }
        if let r = request.resolution {
            let finest = ts.min()
            if r < 2 * finest {
                throw ReportFailure.arguments("--resolution \(NumberText.format(r)) Å is finer than Nyquist: the voxel size "
                    + "of \((path as NSString).lastPathComponent) is \(NumberText.format(finest)) Å, so no map on this grid "
                    + "resolves detail finer than 2 × \(NumberText.format(finest)) = \(NumberText.format(2 * finest)) Å")
            }
            let extent = (0..<3).map { Double(b[$0]) * ts[$0] }.min()!
            if r > extent {
                throw ReportFailure.arguments("--resolution \(NumberText.format(r)) Å is coarser than the map's whole box "
                    + "(\(NumberText.format(extent)) Å along its shortest axis); expected a resolution smaller than the box")
            }
        }
        // Half maps: their boxes must match each other and the map before either is read (a half claiming a
        // far larger box would otherwise be allocated first and compared afterwards).
        if let p1 = request.half1Path, let p2 = request.half2Path {
            func box(_ p: String) throws -> SIMD3<Int> {
                do { return try MRCReader.readHeader(path: p).box } catch { throw ReportFailure.input("\(error)") }
            }
            func text(_ v: SIMD3<Int>) -> String { "\(v.x)×\(v.y)×\(v.z)" }
            let (b1, b2) = (try box(p1), try box(p2))
            if b1 != b2 {
                throw ReportFailure.input("half maps do not match: \(p1) has box \(text(b1)), \(p2) has box \(text(b2))")
            }
            if b1 != b {
                throw ReportFailure.input("half maps do not match the map: \(p1) has box \(text(b1)), \(path) has box \(text(b))")
            }
        }
        if let available = availableBytes {
            let need = MemoryBudget.estimatedPeakBytes(voxels: h.voxelCount, halfMaps: request.half1Path != nil,
                                                       model: request.modelPath != nil)
            if need > available {
                throw ReportFailure.input("\(path): a \(b.x)×\(b.y)×\(b.z) map needs about "
                    + "\(MemoryBudget.gigabytes(need)) GB of memory for this report, "
                    + "\(MemoryBudget.gigabytes(available)) GB available; use a machine with more memory"
                    + (request.half1Path != nil || request.modelPath != nil
                       ? " or fewer levels (without --half1/--half2 or --model)" : ""))
            }
        }
    }
}
