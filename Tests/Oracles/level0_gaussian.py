#!/usr/bin/env python3
"""Oracle for Gaussian smoothing with zero outside the box (emvalidate tests, Level 0).

Usage: level0_gaussian.py IN_FILE NX NY NZ SIGMA OUT_FILE
IN_FILE holds NX*NY*NZ float32 little-endian values, x fastest. Writes
scipy.ndimage.gaussian_filter(mode="constant", cval=0, truncate=4) as float32 to OUT_FILE.
"""
import sys

import numpy as np
from scipy import ndimage

in_file, nx, ny, nz, sigma, out_file = sys.argv[1], *map(int, sys.argv[2:5]), float(sys.argv[5]), sys.argv[6]
vol = np.fromfile(in_file, dtype="<f4").reshape(nz, ny, nx).astype(np.float64)
out = ndimage.gaussian_filter(vol, sigma, mode="constant", cval=0.0, truncate=4.0)
out.astype("<f4").tofile(out_file)
