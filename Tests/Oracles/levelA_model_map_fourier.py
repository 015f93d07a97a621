#!/usr/bin/env python3
"""Test oracle: the model map as phenix defines it for map-model correlations (Afonine et al. 2018; mmtbx
five_cc), by direct Fourier summation with numpy, and phenix's atom radius for masks.

Reads JSON on stdin, either
  {"atoms": [[element, x, y, z, B, occ], ...], "n": [nx, ny, nz], "voxel": [tx, ty, tz], "origin": [ox, oy, oz],
   "resolution": R, "voxels": [[i, j, k], ...]}
    -> prints the map value at each voxel: rho(r) = (1/V) sum_{|s| < 1/R} F(s) exp(2 pi i s.r) over the box's
       reciprocal lattice, F(s) = sum_atoms occ f(s) exp(-B |s|^2 / 4) exp(-2 pi i s.x), with the electron
       scattering factor f(s) = sum a_i exp(-b_i |s|^2 / 4) (International Tables 4.3.2.2 coefficients parsed
       from gemmi's c4322.hpp); V the box volume.
  {"atom_radius": {"resolution": R, "b": B}}
    -> prints twice the first inflection point of a carbon atom's image truncated at R,
       rho(r) = int_0^{1/R} (2/r) s f(s) exp(-B s^2/4) sin(2 pi r s) ds (scipy.integrate.quad), sampled at
       r = 0, 0.01, ... A; the inflection point is the first sample whose second difference is positive,
       placed half a step before it.
"""
import json
import math
import sys
import numpy as np
from scipy.integrate import quad

from levelA_model_map import coefficients   # the c4322.hpp table, parsed once for both oracles


def form_factor(table, element, s2):
    a, b = table[element.upper()]
    return sum(ai * np.exp(-bi * s2 / 4) for ai, bi in zip(a, b))


def model_map(req, table):
    n, t, o = (np.array(req[k], dtype=float) for k in ("n", "voxel", "origin"))
    nx, ny, nz = (int(v) for v in n)
    hx, hy, hz = (np.fft.fftfreq(m) * m for m in (nx, ny, nz))
    sx, sy, sz = np.meshgrid(hx / (nx * t[0]), hy / (ny * t[1]), hz / (nz * t[2]), indexing="ij")
    s2 = sx ** 2 + sy ** 2 + sz ** 2
    keep = s2 < (1 / req["resolution"]) ** 2
    F = np.zeros(s2.shape, dtype=complex)
    for el, x, y, z, b, occ in req["atoms"]:
        phase = np.exp(-2j * np.pi * (sx * (x - o[0]) + sy * (y - o[1]) + sz * (z - o[2])))
        F += occ * form_factor(table, el, s2) * np.exp(-b * s2 / 4) * phase
    F[~keep] = 0
    volume = nx * ny * nz * t[0] * t[1] * t[2]
    rho = np.real(np.fft.ifftn(F)) * (nx * ny * nz) / volume   # ifftn's 1/N undone; sum/V
    for i, j, k in req["voxels"]:
        print("%.10e" % rho[i, j, k])


def atom_radius(req, table):
    R, B = req["resolution"], req["b"]
    def image(r):
        if r < 1e-9:
            return quad(lambda s: 4 * math.pi * s * s * form_factor(table, "C", s * s) * math.exp(-B * s * s / 4), 0, 1 / R)[0]
        return quad(lambda s: 2 / r * s * form_factor(table, "C", s * s) * math.exp(-B * s * s / 4)
                    * math.sin(2 * math.pi * r * s), 0, 1 / R, limit=200)[0]
    step = 0.01
    v = [image(0), image(step)]
    i = 1
    while True:
        v.append(image((i + 1) * step))
        if v[i - 1] + v[i + 1] - 2 * v[i] > 0:
            print("%.6f" % (2 * (i - 0.5) * step))
            return
        i += 1


def main():
    req = json.load(sys.stdin)
    table = coefficients()
    if "atom_radius" in req:
        atom_radius(req["atom_radius"], table)
    else:
        model_map(req, table)


if __name__ == "__main__":
    main()
