#!/usr/bin/env python3
"""Test oracle: model-map density at chosen points, by brute force with numpy.

Reads JSON on stdin: {"atoms": [[element, x, y, z, B, occ], ...], "blur_B": Bb, "points": [[x, y, z], ...]}
Prints one density value per point. Coefficients are parsed directly from gemmi's c4322.hpp (International
Tables Vol. C 4.3.2.2); density = sum over atoms and Gaussians of occ*a*(4pi/Bt)^1.5*exp(-4pi^2 r^2/Bt),
Bt = b + B + Bb (no cut-off radius).
"""
import json, re, sys
import numpy as np

def coefficients():
    table = {}
    for line in open("/usr/include/gemmi/c4322.hpp"):
        m = re.match(r"\s*\{([^}]*)\},\s*//\s*(\S+)", line)
        if m:
            vals = [float(v) for v in m.group(1).split(",")]
            name = m.group(2).upper()
            if name not in table and len(vals) == 10:
                table[name] = (np.array(vals[:5]), np.array(vals[5:]))
    return table

def main():
    req = json.load(sys.stdin)
    table = coefficients()
    pts = np.array(req["points"], dtype=float)
    rho = np.zeros(len(pts))
    for el, x, y, z, b, occ in req["atoms"]:
        a, bb = table[el.upper()]
        r2 = ((pts - np.array([x, y, z])) ** 2).sum(axis=1)
        for ai, bi in zip(a, bb):
            bt = bi + b + req["blur_B"]
            rho += occ * ai * (4 * np.pi / bt) ** 1.5 * np.exp(-4 * np.pi ** 2 * r2 / bt)
    for v in rho:
        print("%.10e" % v)

if __name__ == "__main__":
    main()
