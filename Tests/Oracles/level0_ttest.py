#!/usr/bin/env python3
"""Oracle for the one-sample t-test of the background (emvalidate tests, Level 0).

Usage: level0_ttest.py VALUES_FILE
VALUES_FILE holds float32 little-endian values (the background voxels). Prints
{"n", "mean", "std", "t", "p", "outliers_5sigma"} from numpy / scipy.stats.ttest_1samp (popmean 0),
std with ddof=1, outliers = count of |v| > 5 std.
"""
import json
import sys

import numpy as np
from scipy import stats

v = np.fromfile(sys.argv[1], dtype="<f4").astype(np.float64)
res = stats.ttest_1samp(v, 0.0)
std = float(np.std(v, ddof=1))
print(json.dumps({"n": int(v.size), "mean": float(np.mean(v)), "std": std, "t": float(res.statistic),
                  "p": float(res.pvalue), "outliers_5sigma": int(np.sum(np.abs(v) > 5 * std))}))
