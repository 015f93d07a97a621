#!/usr/bin/env python3
"""Test oracle: atom inclusion and map values at atoms, with mrcfile + scipy (independent of the Swift code).

Usage: levelA_inclusion.py MAP.mrc MODEL.pdb THRESHOLD
Reads the map with mrcfile (data[z, y, x]; position of voxel 0 from the header ORIGIN), the heavy atoms of a
PDB file by columns, interpolates trilinearly with scipy.ndimage.map_coordinates(order=1) and prints:
  fraction of heavy atoms with value >= T, fraction of backbone (N, CA, C, O) atoms, mean value at the atoms.
"""
import sys
import mrcfile
import numpy as np
from scipy.ndimage import map_coordinates

def main():
    path, pdb, t = sys.argv[1], sys.argv[2], float(sys.argv[3])
    with mrcfile.open(path, permissive=True) as m:
        data = np.asarray(m.data, dtype=np.float64)
        vs = np.array([m.voxel_size.x, m.voxel_size.y, m.voxel_size.z], dtype=np.float64)
        origin = np.array([m.header.origin.x, m.header.origin.y, m.header.origin.z], dtype=np.float64)
    xyz, backbone = [], []
    for line in open(pdb):
        if line.startswith(("ATOM", "HETATM")):
            el = line[76:78].strip()
            if el in ("H", "D"):
                continue
            xyz.append([float(line[30:38]), float(line[38:46]), float(line[46:54])])
            backbone.append(line[12:16].strip() in ("N", "CA", "C", "O"))
    xyz = np.array(xyz)
    backbone = np.array(backbone)
    u = (xyz - origin) / vs                       # voxel coordinates x, y, z
    vals = map_coordinates(data, [u[:, 2], u[:, 1], u[:, 0]], order=1, mode="constant", cval=-np.inf)
    print("%.10f %.10f %.10f" % ((vals >= t).mean(), (vals[backbone] >= t).mean(), vals.mean()))

if __name__ == "__main__":
    main()
