#!/usr/bin/env python3
"""Oracle for the ImageData projector: real-space ray sums of a map at given Euler angles.

Usage: projection_raysum.py VOLUME.raw N OUT.raw rot,tilt,psi[,shiftx,shifty] ...

VOLUME.raw holds N^3 little-endian float32 values, x fastest (index x + N*(y + N*z)). For each orientation
the projection image P (N x N, x fastest, centre at pixel N/2) is the line integral along the beam:
  P(u, v) = integral over w of V(c + R^T (u - sx, v - sy, w)) dw,   c = (N/2, N/2, N/2),
with R = Rz(psi) Ry(tilt) Rz(rot) (RELION / Heymann et al. 2005: Rz(a) = [[cos a, sin a, 0], [-sin a, cos a, 0],
[0, 0, 1]], Ry(b) = [[cos b, 0, -sin b], [0, 1, 0], [sin b, 0, cos b]]), so that a map point p appears at
(R p).x, (R p).y. V between voxels is a cubic B-spline interpolant (scipy.ndimage.map_coordinates, order 3);
the integral is a Riemann sum with step 1/4 voxel. Written from the definition, not from the Swift code.
"""
import sys

import numpy as np
from scipy.ndimage import map_coordinates


def rz(a):
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, s, 0], [-s, c, 0], [0, 0, 1]])


def ry(b):
    c, s = np.cos(b), np.sin(b)
    return np.array([[c, 0, -s], [0, 1, 0], [s, 0, c]])


def main():
    path, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    vol = np.fromfile(path, dtype="<f4").reshape(n, n, n)  # [z, y, x]
    step = 0.25
    w = np.arange(-n / 2, n / 2, step)
    images = []
    for spec in sys.argv[4:]:
        vals = [float(t) for t in spec.split(",")]
        rot, tilt, psi = np.radians(vals[:3])
        sx, sy = (vals[3], vals[4]) if len(vals) == 5 else (0.0, 0.0)
        r = rz(psi) @ ry(tilt) @ rz(rot)
        u = np.arange(n) - n // 2 - sx
        v = np.arange(n) - n // 2 - sy
        vv, uu, ww = np.meshgrid(v, u, w, indexing="ij")  # [y, x, w]
        pts = np.stack([uu.ravel(), vv.ravel(), ww.ravel()])  # image frame
        m = r.T @ pts + n // 2  # map frame, x y z
        vals3 = map_coordinates(vol, [m[2], m[1], m[0]], order=3, mode="constant", cval=0.0)
        img = vals3.reshape(n, n, len(w)).sum(axis=2) * step  # [y, x]
        images.append(img.astype("<f4"))
    np.concatenate([i.ravel() for i in images]).tofile(out)


if __name__ == "__main__":
    main()
