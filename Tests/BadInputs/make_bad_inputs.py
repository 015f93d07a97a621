#!/usr/bin/env python3
"""Writes the bad-input corpus into Tests/BadInputs/files/ (see README.md there for what each file is and
what emvalidate must do with it). Deterministic: running it again gives the same bytes.

Usage: python3 Tests/BadInputs/make_bad_inputs.py   (numpy only; no mrcfile, so every byte is ours)
"""
import gzip, os, struct, zlib
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "files")
os.makedirs(out, exist_ok=True)

def header(nx, ny, nz, mode=2, cell=None, mxyz=None, nsymbt=0, dmin=0.0, dmax=0.0, dmean=0.0, rms=0.0):
    """A little-endian MRC2014 header, words in specification order."""
    mx, my, mz = mxyz or (nx, ny, nz)
    a, b, c = cell or (2.0 * mx, 2.0 * my, 2.0 * mz)          # 2 Å voxels
    h = struct.pack("<10i", nx, ny, nz, mode, 0, 0, 0, mx, my, mz)
    h += struct.pack("<6f", a, b, c, 90.0, 90.0, 90.0)
    h += struct.pack("<3i", 1, 2, 3)                              # mapc, mapr, maps
    h += struct.pack("<3f", dmin, dmax, dmean)
    h += struct.pack("<2i", 1, nsymbt)                            # ispg, nsymbt
    h += b"\0" * (4 * 25)                                         # extra (words 25-49)
    h += struct.pack("<3f", 0.0, 0.0, 0.0)                        # origin (words 50-52)
    h += b"MAP " + bytes([0x44, 0x44, 0, 0])                      # stamp, machst (little-endian)
    h += struct.pack("<f", rms) + struct.pack("<i", 1)
    h += b"emvalidate bad-input corpus".ljust(80, b" ") + b"\0" * (9 * 80)
    assert len(h) == 1024
    return h

def blob(n, shift=0.0):
    """A Gaussian blob in an n³ box (float32, z slowest), values 0..1."""
    z, y, x = np.mgrid[0:n, 0:n, 0:n].astype(np.float32)
    c = (n - 1) / 2 + shift
    return np.exp(-((x - c) ** 2 + (y - c) ** 2 + (z - c) ** 2) / (2 * (n / 6) ** 2)).astype("<f4")

def mrc(data, **kw):
    nz, ny, nx = data.shape
    return header(nx, ny, nz, dmin=float(data.min()), dmax=float(data.max()), dmean=float(data.mean()),
                  rms=float(data.std()), **kw) + data.tobytes()

def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)

good = mrc(blob(12))
write("good.mrc", good)                                           # a valid 12³ map, 2 Å voxels
write("empty.mrc", b"")
write("truncated-header.mrc", good[:500])
write("truncated-data.mrc", good[:1024 + 12 * 12 * 6 * 4])        # half the voxels
write("unknown-mode.mrc", header(12, 12, 12, mode=7) + good[1024:])
write("negative-dimension.mrc", header(-12, 12, 12) + good[1024:])
# 2²⁰ voxels per axis is the reader's limit; this claims 1,000,000³ float32 voxels (4 EB) in a 7 KB file.
write("huge-dimensions.mrc", header(1_000_000, 1_000_000, 1_000_000) + good[1024:])
write("beyond-limit-dimension.mrc", header(2_000_000_000, 12, 12) + good[1024:])
# mx (word 8) negative: the sampling contradicts the box; the voxel size falls back to cell / nx.
write("inconsistent-mx.mrc", header(12, 12, 12, mxyz=(-24, 12, 12), cell=(24.0, 24.0, 24.0)) + good[1024:])
nan = blob(12); nan[3, 4, 5] = np.nan; write("nan-voxel.mrc", header(12, 12, 12) + nan.tobytes())
inf = blob(12); inf[6, 6, 6] = np.inf; inf[0, 0, 0] = -np.inf; write("inf-voxels.mrc", header(12, 12, 12) + inf.tobytes())
png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
png += struct.pack(">I", zlib.crc32(png[12:29]))
idat = zlib.compress(b"\0\0")
png += struct.pack(">I", len(idat)) + b"IDAT" + idat + struct.pack(">I", zlib.crc32(b"IDAT" + idat))
png += struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
write("png-renamed.mrc", png.ljust(2048, b"\0"))                 # a real 1×1 PNG, padded past 1024 bytes
gz = gzip.compress(good, mtime=0)
write("gzip-ends-early.mrc.gz", gz[: len(gz) // 2])
write("half1-12.mrc", mrc(blob(12, 0.3)))
write("half2-10.mrc", mrc(blob(10)))                             # a different box from half1 and the map
write("not-a-model.pdb", b"This is a note about the model, not a model.\nIt has no ATOM records.\n")
write("map-as-model.cif", good)                                   # binary map bytes named as mmCIF
print("wrote", len(os.listdir(out)), "files to", out)
