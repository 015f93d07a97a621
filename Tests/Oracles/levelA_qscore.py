#!/usr/bin/env python3
"""Test oracle: Q-score (Pintilie et al. 2020, Nat. Methods 17:328) as MapQ computes it, written from the
definitions with numpy + scipy + mrcfile (independent of the Swift code).

Usage: levelA_qscore.py MAP.mrc FACTOR < atoms.json      (atoms.json: [[x, y, z], ...] in Å, heavy atoms)
Per atom: the map value at the centre counted 8 times (reference value g(0)); for r = 0.1 ... 2.0 Å, spiral
point sets on the sphere (Saff & Kuijlaars: k = 1..N, h = -1 + 2(k-1)/(N-1), polar angle acos h, azimuth 0 at
the poles, else previous + 3.6/sqrt(N(1 - h^2)) mod 2 pi) of N = 8, 10, ..., 106 points; a point is valid when
no other atom lies closer than FACTOR * r to it; the first set with at least 8 valid points gives all its valid
points; if none does, the atom has no sample at r. Values: trilinear interpolation
(scipy.ndimage.map_coordinates, order 1). Reference g(r) = A exp(-r^2 / (2 0.6^2)) + B with MapQ's A = max - min
and B = min of the map. Q = Pearson correlation between the sampled values and g at their radii.
Prints JSON: [Q per atom].
"""
import json
import math
import sys
import mrcfile
import numpy as np
from scipy.ndimage import map_coordinates


def sphere_points(n):
    out, theta = [], 0.0
    for k in range(1, n + 1):
        h = -1.0 + 2.0 * (k - 1) / (n - 1)
        phi = math.acos(h)
        theta = 0.0 if k in (1, n) else (theta + 3.6 / math.sqrt(n * (1.0 - h * h))) % (2 * math.pi)
        out.append([math.sin(phi) * math.cos(theta), math.sin(phi) * math.sin(theta), math.cos(phi)])
    return np.array(out)


def main():
    path, factor = sys.argv[1], float(sys.argv[2])
    atoms = np.array(json.load(sys.stdin), dtype=np.float64)
    with mrcfile.open(path, permissive=True) as m:
        data = np.asarray(m.data, dtype=np.float64)
        vs = np.array([m.voxel_size.x, m.voxel_size.y, m.voxel_size.z], dtype=np.float64)
        origin = np.array([m.header.origin.x, m.header.origin.y, m.header.origin.z], dtype=np.float64)

    def values(points):
        u = (np.asarray(points) - origin) / vs
        return map_coordinates(data, [u[:, 2], u[:, 1], u[:, 0]], order=1)

    a, b = data.max() - data.min(), data.min()
    sets = [sphere_points(8 + 2 * i) for i in range(50)]
    out = []
    for i, c in enumerate(atoms):
        others = np.delete(atoms, i, axis=0)
        vals = list(values([c]).repeat(8))
        refs = [a + b] * 8
        for s in range(1, 21):
            r = 0.1 * s
            for unit in sets:
                pts = c + r * unit
                if len(others):
                    d2 = ((pts[:, None, :] - others[None, :, :]) ** 2).sum(axis=2)
                    pts = pts[(d2 >= (factor * r) ** 2).all(axis=1)]
                if len(pts) >= 8:
                    vals.extend(values(pts))
                    refs.extend([a * math.exp(-r * r / (2 * 0.36)) + b] * len(pts))
                    break
        out.append(float(np.corrcoef(vals, refs)[0, 1]))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
