#!/usr/bin/env python3
"""Oracle for the MapIO tests: read an MRC map with CCP-EM's `mrcfile` and report it in X, Y, Z order.

Usage: mrc_read.py MAP OUT.raw [--validate]

Reads MAP with mrcfile (permissive, so that old headers load; gzip/bzip2 are detected by mrcfile itself),
puts the data in X, Y, Z order using mapc/mapr/maps, and writes it to OUT.raw as little-endian float32
with x fastest (index = x + nx*(y + ny*z)). Prints one JSON object on stdout with the box, voxel size,
start indices and origin along X, Y, Z, the data statistics, the header words the tests compare, and
(with --validate) whether mrcfile.validate accepts the file as MRC2014 plus its messages.
This script is independent of the Swift code under test: only mrcfile and numpy interpret the file.
"""
import io
import json
import sys
from contextlib import redirect_stdout

import mrcfile
import numpy as np


def main():
    path, out_path = sys.argv[1], sys.argv[2]
    with mrcfile.open(path, permissive=True) as mrc:
        h = mrc.header
        data = np.asarray(mrc.data)
        mapcrs = [int(h.mapc), int(h.mapr), int(h.maps)]
        # numpy axes of mrcfile's array: 0 = sections, 1 = rows, 2 = columns.
        numpy_axis_of_file = {"c": 2, "r": 1, "s": 0}
        axis_for_xyz = {}
        for role, axis in zip("crs", mapcrs):
            axis_for_xyz[axis - 1] = numpy_axis_of_file[role]
        # Target array is indexed [z, y, x] so that C order puts x fastest.
        xyz = np.transpose(data, (axis_for_xyz[2], axis_for_xyz[1], axis_for_xyz[0]))
        xyz.astype("<f4").tofile(out_path)
        starts_crs = [int(h.nxstart), int(h.nystart), int(h.nzstart)]
        start_xyz = [0, 0, 0]
        for role_index, axis in enumerate(mapcrs):
            start_xyz[axis - 1] = starts_crs[role_index]
        vs = mrc.voxel_size
        d = data.astype(np.float64)
        result = {
            "box_xyz": [int(xyz.shape[2]), int(xyz.shape[1]), int(xyz.shape[0])],
            "voxel_size_xyz": [float(vs.x), float(vs.y), float(vs.z)],
            "start_xyz": start_xyz,
            "origin_xyz": [float(h.origin.x), float(h.origin.y), float(h.origin.z)],
            "mode": int(h.mode),
            "dtype": str(data.dtype),
            "byte_order": "big" if data.dtype.byteorder == ">" else "little",
            "min": float(d.min()), "max": float(d.max()), "mean": float(d.mean()), "std": float(d.std()),
            "header_dmin": float(h.dmin), "header_dmax": float(h.dmax), "header_dmean": float(h.dmean),
            "header_rms": float(h.rms),
            "nversion": int(h.nversion), "ispg": int(h.ispg), "nsymbt": int(h.nsymbt),
            "map_stamp": bytes(h.map).decode("latin-1"),
            "machst": [int(b) for b in h.machst],
            "cella": [float(h.cella.x), float(h.cella.y), float(h.cella.z)],
            "cellb": [float(h.cellb.alpha), float(h.cellb.beta), float(h.cellb.gamma)],
            "mapcrs": mapcrs,
            "labels": [bytes(l).decode("latin-1").rstrip(" \x00") for l in h.label[: int(h.nlabl)]],
        }
    if "--validate" in sys.argv[3:]:
        messages = io.StringIO()
        with redirect_stdout(messages):
            result["valid"] = bool(mrcfile.validate(path))
        result["validate_messages"] = messages.getvalue().strip()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
