// Level 2 inputs: the 2D class averages given with --classes, read and checked once, and brought to the map's
// pixel size and box (the form every Level 2 comparison uses). The reprojection search runs once per report
// and is shared by the sections that need it.
import Foundation
import ImageData
import MapIO

public struct ClassAverages: Sendable {
    /// Path as given, its file name and SHA-256.
    public let path: String
    public let fileName: String
    public let sha256: String
    /// Class images as stored (box × box pixels) and their pixel size (Å) with its source.
    public let images: [ImageData.Image2D]
    public let box: Int
    public let pixelSizeA: Double
    public let pixelSizeSource: PixelSizeSource
    /// The classes at the map's voxel size, in the map's box (Fourier resampling, centred window).
    public let resampled: [ImageData.Image2D]
    /// Symmetry of the map for the orientation search (--symmetry, default C1).
    public let symmetry: SymmetryGroup

    /// Reads and checks a class stack against the map. Errors are one line naming the file and the field.
    public static func load(path: String, pixelSizeFlag: Double?, symmetry: SymmetryGroup, map: Volume) throws -> ClassAverages {
        let stack = try ImageStack(path: path)
        guard stack.count >= 2 else {
            throw ImageDataError.badStack(file: path, field: "header word 3 (nz)", found: "\(stack.count)",
                                          expected: "at least 2 class images in the stack")
        }
        guard stack.nx == stack.ny else {
            throw ImageDataError.badStack(file: path, field: "header words 1-2 (nx, ny)", found: "\(stack.nx), \(stack.ny)",
                                          expected: "square class images")
        }
        let (pixel, source) = try stack.pixelSize(flag: pixelSizeFlag, flagName: "--classes-pixel-size")
        let images = try stack.allImages(pixelSizeA: pixel)
        if let k = images.firstIndex(where: { img in img.data.contains { !$0.isFinite } }) {
            throw ImageDataError.badStack(file: path, field: "image \(k + 1)", found: "NaN or infinite pixels",
                                          expected: "finite values")
        }
        let mapPixel = map.voxelSize.x
        let resampled = images.map { $0.resampled(pixelSizeA: mapPixel, box: map.nx) }
        return ClassAverages(path: path, fileName: (path as NSString).lastPathComponent,
                             sha256: try FileHash.sha256(path: path), images: images, box: stack.nx, pixelSizeA: pixel,
                             pixelSizeSource: source, resampled: resampled, symmetry: symmetry)
    }
}

/// Level 2 data attached to a report's analysis context.
public final class Level2Inputs: @unchecked Sendable {
    public let classes: ClassAverages
    /// Angular step of the orientation grid (degrees).
    public let angularStepDeg: Double
    /// Level 3's particles aligned to these classes (Level3Data.swift), computed on first use.
    let level3Cache = Level3Cache()

    /// The ids of the sections the report runs, so that Level 3's shared preparation is released when the last
    /// of its sections that runs has finished.
    public func willRun(sections ids: [String]) { level3Cache.expect(ids) }
    private let lock = NSLock()
    private var cached: Result<Level2Search, Error>?

    public init(classes: ClassAverages, angularStepDeg: Double = 5) {
        self.classes = classes; self.angularStepDeg = angularStepDeg
    }

    /// The reprojection search of every class against `map`, computed on first use.
    public func search(map: Volume) throws -> Level2Search {
        lock.lock(); defer { lock.unlock() }
        if let c = cached { return try c.get() }
        let r = Result { () throws -> Level2Search in
            guard map.nx == map.ny && map.ny == map.nz else {
                throw SectionError.notApplicable("the orientation search needs a cubic map; this one is \(map.nx)×\(map.ny)×\(map.nz)")
            }
            let search = ReprojectionSearch(map: map, symmetry: classes.symmetry, stepDeg: angularStepDeg)
            return Level2Search(search: search, matches: search.match(classes.resampled))
        }
        cached = r
        return try r.get()
    }
}

public struct Level2Search: Sendable {
    public let search: ReprojectionSearch
    /// One match per class, in stack order.
    public let matches: [ReprojectionMatch]
}
