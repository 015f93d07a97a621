#!/usr/bin/env python3
"""Oracle for the Student-t two-sided p-value (emvalidate tests, Level 0).

Usage: level0_student_t.py t1,df1 t2,df2 ...
Prints one JSON object: {"cases": [{"t", "df", "p", "log10_p", "source"}]}.
p = 2 * scipy.stats.t.sf(|t|, df). When it underflows (p == 0) log10_p comes from mpmath (50 digits)
if mpmath is installed, else it is null.
"""
import json
import math
import sys

from scipy import stats

try:
    import mpmath
    mpmath.mp.dps = 50
except ImportError:  # mpmath is optional: only the underflowing cases need it
    mpmath = None

cases = []
for arg in sys.argv[1:]:
    t_str, df_str = arg.split(",")
    t, df = float(t_str), float(df_str)
    p = 2.0 * stats.t.sf(abs(t), df)
    if p > 0:
        cases.append({"t": t, "df": df, "p": p, "log10_p": math.log10(p), "source": "scipy"})
        continue
    log10_p = None
    if mpmath is not None:
        # Two-sided p = I_x(df/2, 1/2), x = df/(df + t^2).
        x = mpmath.mpf(df) / (mpmath.mpf(df) + mpmath.mpf(t) ** 2)
        val = mpmath.betainc(mpmath.mpf(df) / 2, mpmath.mpf(1) / 2, 0, x, regularized=True)
        log10_p = float(mpmath.log10(val))
    cases.append({"t": t, "df": df, "p": 0.0, "log10_p": log10_p, "source": "mpmath"})
print(json.dumps({"cases": cases}))
