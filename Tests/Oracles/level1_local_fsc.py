#!/usr/bin/env python3
"""Independent numpy oracle for the local FSC of section 1.c (BlocRes, Cardone et al. 2013; tests only).

Usage: level1_local_fsc.py N T W STEP THRESHOLD A.f32 B.f32 MASK.u8
A and B: raw float32 half maps of N³ voxels of T Å, x fastest; MASK: N³ bytes (1 = mask).
Written from the method text (docs/methods.md, 1.c), not from our Swift code:
- grid point (i, j, k) every STEP voxels, centred on voxel (i·STEP + STEP//2, …); a point is evaluated when a
  grid cell (voxels [i·STEP, (i+1)·STEP) per axis) within one cell of it (26-neighbourhood or itself) holds a
  mask voxel;
- window: the W³ cube starting at centre − W//2 (periodic), times a spherical raised cosine around voxel W/2
  of the window (1 up to W/4, 0 from W/2);
- FSC over the full spectrum (numpy.fft.fftn), shell = round(|k|), shells 0 … W//2;
- resolution: the first downward crossing of THRESHOLD after shell 0: shell 1's resolution if FSC(1) is
  already below; else the first s ≥ 2 with FSC(s) < THRESHOLD, interpolated linearly in frequency between
  s − 1 and s; the window's Nyquist resolution when never crossed.
Prints JSON {"dims": [gx, gy, gz], "values": [... gx·gy·gz, x fastest, null where not evaluated]} in Å.
"""
import json
import sys

import numpy as np

n, t, w, step, thr = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
# Arrays indexed [z, y, x] (x fastest in the files).
a = np.fromfile(sys.argv[6], dtype=np.float32).astype(np.float64).reshape(n, n, n)
b = np.fromfile(sys.argv[7], dtype=np.float32).astype(np.float64).reshape(n, n, n)
mask = np.fromfile(sys.argv[8], dtype=np.uint8).reshape(n, n, n) > 0

g = (n + step - 1) // step
cells = np.zeros((g, g, g), dtype=bool)
zz, yy, xx = np.nonzero(mask)
cells[zz // step, yy // step, xx // step] = True
near = np.zeros_like(cells)
for dz in (-1, 0, 1):
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            shifted = np.zeros_like(cells)
            src = cells[max(0, dz):g + min(0, dz), max(0, dy):g + min(0, dy), max(0, dx):g + min(0, dx)]
            shifted[max(0, -dz):g + min(0, -dz), max(0, -dy):g + min(0, -dy), max(0, -dx):g + min(0, -dx)] = src
            near |= shifted

c = w / 2.0
q = np.arange(w)
d = np.sqrt((q[:, None, None] - c) ** 2 + (q[None, :, None] - c) ** 2 + (q[None, None, :] - c) ** 2)
taper = np.where(d <= w / 4, 1.0, np.where(d >= w / 2, 0.0, 0.5 * (1 + np.cos(np.pi * (d - w / 4) / (w / 4)))))
k = np.fft.fftfreq(w) * w
shell = np.rint(np.sqrt(k[:, None, None] ** 2 + k[None, :, None] ** 2 + k[None, None, :] ** 2)).astype(int)
ns = w // 2 + 1
keep = shell < ns
freqs = np.arange(ns) / (w * t)

values = [None] * (g * g * g)
for kz in range(g):
    for ky in range(g):
        for kx in range(g):
            if not near[kz, ky, kx]:
                continue
            cz, cy, cx = kz * step + step // 2, ky * step + step // 2, kx * step + step // 2
            iz = (cz - w // 2 + q) % n; iy = (cy - w // 2 + q) % n; ix = (cx - w // 2 + q) % n
            wa = a[np.ix_(iz, iy, ix)] * taper
            wb = b[np.ix_(iz, iy, ix)] * taper
            fa, fb = np.fft.fftn(wa)[keep], np.fft.fftn(wb)[keep]
            sh = shell[keep]
            cross = np.bincount(sh, weights=(fa * np.conj(fb)).real, minlength=ns)
            p1 = np.bincount(sh, weights=np.abs(fa) ** 2, minlength=ns)
            p2 = np.bincount(sh, weights=np.abs(fb) ** 2, minlength=ns)
            fsc = np.where((p1 > 0) & (p2 > 0), cross / np.sqrt(np.maximum(p1 * p2, 1e-300)), 0.0)
            if fsc[1] < thr:
                f = freqs[1]
            else:
                f = freqs[-1]
                for s in range(2, ns):
                    if fsc[s] < thr:
                        d0, d1 = fsc[s - 1] - thr, fsc[s] - thr
                        f = freqs[s - 1] + d0 / (d0 - d1) * (freqs[s] - freqs[s - 1])
                        break
            values[kx + g * (ky + g * kz)] = 1.0 / f
print(json.dumps({"dims": [g, g, g], "values": values}))
