#!/usr/bin/env python3
"""Oracle for connected-component labelling (emvalidate tests, Level 0).

Usage: level0_label.py MASK_FILE NX NY NZ CONNECTIVITY OUT_FILE
MASK_FILE holds NX*NY*NZ bytes (0/1), x fastest. CONNECTIVITY is 6, 18 or 26.
Writes scipy.ndimage.label's labels as int32 little-endian (x fastest) to OUT_FILE and prints
{"count": n, "sizes": [size of label 1, 2, ...]}.
"""
import json
import sys

import numpy as np
from scipy import ndimage

mask_file, nx, ny, nz, conn, out_file = sys.argv[1], *map(int, sys.argv[2:6]), sys.argv[6]
mask = np.fromfile(mask_file, dtype=np.uint8).reshape(nz, ny, nx).astype(bool)
rank = {6: 1, 18: 2, 26: 3}[conn]
structure = ndimage.generate_binary_structure(3, rank)
labels, count = ndimage.label(mask, structure=structure)
labels.astype("<i4").tofile(out_file)
sizes = np.bincount(labels.ravel(), minlength=count + 1)[1:]
print(json.dumps({"count": int(count), "sizes": [int(s) for s in sizes]}))
