#!/usr/bin/env python3
"""Oracle for ParticleAnalysis.KolmogorovSmirnov (section 3.c): the two-sample Kolmogorov-Smirnov statistic and
its exact two-sided p-value from scipy.stats.ks_2samp(method="exact").

stdin: JSON list of [sample_a, sample_b] pairs. stdout: JSON list of [D, p], one per pair.
"""
import json
import sys

from scipy import stats

pairs = json.load(sys.stdin)
out = []
for a, b in pairs:
    r = stats.ks_2samp(a, b, alternative="two-sided", method="exact")
    out.append([float(r.statistic), float(r.pvalue)])
json.dump(out, sys.stdout)
