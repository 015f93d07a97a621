// MapIO — MRC/CCP4 maps in and out. Design notes (kept as a Swift comment so SwiftPM needs no exclude).
//
// Layers, each in its own file (after mrcfile's design):
//
// | file | layer |
// |---|---|
// | `MRCHeader.swift` | the 1024 header bytes ↔ the 56 words + 10 labels, in MRC2014 order with word numbers; no judgement |
// | `MRCHeaderChecks.swift` | byte order (MACHST, or inferred from a sane mode/box), errors that stop reading, warnings |
// | `VoxelDecoding.swift` | voxel bytes (modes 0, 1, 2, 6, 12; either byte order) → Float in X, Y, Z order; statistics |
// | `Decompression.swift` | gzip / bzip2 by magic bytes, streamed through the system zlib and libbz2 |
// | `MRCReader.swift` | the pipeline: bytes → `MRCHeader` → checks → `Volume` + warnings (`MRCFile`) |
// | `MRCWriter.swift` | `Volume` → MRC2014 float32 file, written to a temporary name and renamed |
// | `MapError.swift` | every error, rendered to one line in one place (tests compare the exact text) |
// | `FileHash.swift` | streaming SHA-256 through libcrypto EVP |
// | `PosixFile.swift` | open / pread / write with EINTR and short-count handling |
//
// Design notes
//
// - Nothing is allocated from what the header claims until the implied size (1024 + nsymbt + voxels × bytes)
//   has been checked against the bytes present (the file size, or the decompressed stream). Axes are capped at
//   2²⁰ voxels, so the size arithmetic cannot overflow.
// - Plain float32 maps in host byte order and axis order 1, 2, 3 are read with one `pread` straight into the
//   volume's storage. Other modes/orders decode through a per-mode generic codec; permuted axes use 16³ tiles.
// - Header floats (cell, origin) are converted to Double through their shortest decimal form, so a cell written
//   as 17.93 gives a voxel size of exactly 17.93 / 40 Å rather than carrying float32 noise.
// - Cell angles other than 90° are kept in the header and reported as a warning; the Volume has no shear.
// - Statistics: min, max, mean and the standard deviation about the mean (the MRC2014 RMS), accumulated in Double.
