#!/usr/bin/env python3
"""Benchmark peer for `make bench` (never run by the product): a straightforward numpy/scipy implementation of
the masks and sections 0.a-0.c as SPEC defines them (raw mask, largest 26-connected component dilated by a ball
of ceil(2 A / Ts) voxels, soft mask with a Gaussian of sigma 2 voxels; extents and centre of mass; components
and the 24-threshold sweep; background t-test and 5-sigma outliers), timed from reading the file to the last
number. EMBench runs it on the same file as `emvalidate report --sections 0.a,0.b,0.c`.

usage: bench_level0_core.py MAP THRESHOLD
"""
import math
import sys
import time

t0 = time.perf_counter()
import mrcfile  # noqa: E402
import numpy as np  # noqa: E402
from scipy import ndimage, stats  # noqa: E402

path, threshold = sys.argv[1], float(sys.argv[2])
with mrcfile.open(path, permissive=True) as m:
    v = np.asarray(m.data, dtype=np.float32)          # (z, y, x)
    ts = float(m.voxel_size.x)

# Masks.
raw = v >= threshold
labels, count = ndimage.label(raw, structure=np.ones((3, 3, 3), dtype=bool))
sizes = np.bincount(labels.ravel())
sizes[0] = 0
largest = labels == int(np.argmax(sizes))
r = max(1, math.ceil(2.0 / ts))
g = np.arange(-r, r + 1)
ball = (g[:, None, None] ** 2 + g[None, :, None] ** 2 + g[None, None, :] ** 2) <= r * r
hard = ndimage.binary_dilation(largest, structure=ball)
soft = np.clip(ndimage.gaussian_filter(hard.astype(np.float32), 2.0), 0, 1)

# 0.a: extents of the hard mask per axis and the centre of mass of the map values.
extents = []
for axis in range(3):
    other = tuple(a for a in range(3) if a != axis)
    idx = np.nonzero(hard.any(axis=other))[0]
    extents.append((int(idx[0]), int(idx[-1])))
com = ndimage.center_of_mass(v)

# 0.b: components of the raw mask by size, cumulative share, the 24-threshold sweep.
comp = np.sort(sizes[1:])[::-1]
cumulative = np.cumsum(comp) / max(1, comp.sum())
needed = int(np.searchsorted(cumulative, 0.95) + 1)
vmax = float(v.max())
sweep = [int((v >= k * vmax / 25).sum()) for k in range(1, 25)]
overlap = float((raw & hard).sum()) / max(1, int(raw.sum()))

# 0.c: background outside the hard mask.
bg = v[~hard].astype(np.float64)
mean, sd = bg.mean(), bg.std(ddof=1)
t = mean / (sd / math.sqrt(bg.size))
p = 2 * stats.t.sf(abs(t), bg.size - 1)
outliers = float((np.abs(bg) > 5 * sd).mean())

elapsed = time.perf_counter() - t0
print(f"components {count}, needed for 95 % {needed}, overlap {overlap:.4f}, extents {extents}, "
      f"centre of mass {tuple(round(c, 2) for c in com)}, background mean {mean:.6g} sd {sd:.6g} t {t:.4g} p {p:.3g}, "
      f"outliers {outliers:.3g}, sweep[0] {sweep[0]}; soft mask sum {float(soft.sum()):.6g}")
print(f"elapsed {elapsed:.3f} s")
