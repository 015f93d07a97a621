#!/usr/bin/env python3
"""Test oracle: EMRinger (Barad et al. 2015) with the conventions of phenix.emringer, written from their
definitions with numpy + scipy + mrcfile (independent of the Swift code).

Usage: levelA_emringer.py MAP.mrc MODEL.pdb
For every residue named ARG ASN ASP CYS GLN GLU HIS LEU LYS MET PHE SER TRP TYR SEC PYL with N, CA, CB and the
chi1 gamma atom (CG; OG for SER, SG for CYS, SE for SEC), the gamma atom is rotated about the CA->CB axis
(Rodrigues) to chi1 = 0, 5, ..., 355 degrees and the map is interpolated trilinearly there
(scipy.ndimage.map_coordinates, order 1). A residue with a sample outside the map is not scanned.
Peak: the first sample of the largest density. Thresholds t_i = A + i (M - A)/20, i = 0..19, A the mean of the
residues' mean densities, M the largest density. At each threshold, in increasing order: n = peaks strictly
above t, m = those within 30 degrees (inclusive) of 60, 180 or 300; stop at the first threshold with m = 0;
Z = (m - n p)/sqrt(n p (1 - p)), p = 39/72; score = 10 Z / sqrt(N), N the number of scanned residues.
Prints JSON: {"n_scanned", "per_threshold": [{threshold, residues_above, rotameric, score}], "best"}.
"""
import json
import sys
import mrcfile
import numpy as np
from scipy.ndimage import map_coordinates

GAMMA = {"ARG": "CG", "ASN": "CG", "ASP": "CG", "CYS": "SG", "GLN": "CG", "GLU": "CG", "HIS": "CG", "LEU": "CG",
         "LYS": "CG", "MET": "CG", "PHE": "CG", "SER": "OG", "TRP": "CG", "TYR": "CG", "SEC": "SE", "PYL": "CG"}


def dihedral(a, b, c, d):
    b0, b1, b2 = a - b, c - b, d - c
    n1 = b1 / np.linalg.norm(b1)
    v = b0 - np.dot(b0, n1) * n1
    w = b2 - np.dot(b2, n1) * n1
    return np.degrees(np.arctan2(np.dot(np.cross(n1, v), w), np.dot(v, w))) % 360


def rotate(p, origin, axis, deg):
    k = axis / np.linalg.norm(axis)
    v = p - origin
    t = np.radians(deg)
    return origin + v * np.cos(t) + np.cross(k, v) * np.sin(t) + k * np.dot(k, v) * (1 - np.cos(t))


def main():
    path, pdb = sys.argv[1], sys.argv[2]
    with mrcfile.open(path, permissive=True) as m:
        data = np.asarray(m.data, dtype=np.float64)
        vs = np.array([m.voxel_size.x, m.voxel_size.y, m.voxel_size.z], dtype=np.float64)
        origin = np.array([m.header.origin.x, m.header.origin.y, m.header.origin.z], dtype=np.float64)
    residues = {}
    order = []
    for line in open(pdb):
        if line.startswith("ENDMDL"):
            break
        if not line.startswith(("ATOM", "HETATM")) or line[16] not in (" ", "A"):
            continue
        key = (line[21], line[22:27])
        if key not in residues:
            residues[key] = {"name": line[17:20].strip(), "atoms": {}}
            order.append(key)
        residues[key]["atoms"].setdefault(line[12:16].strip(),
                                          np.array([float(line[30:38]), float(line[38:46]), float(line[46:54])]))
    shape = np.array(data.shape[::-1])   # x, y, z
    scans = []
    for key in order:
        r = residues[key]
        g = GAMMA.get(r["name"])
        if g is None or not all(a in r["atoms"] for a in ("N", "CA", "CB", g)):
            continue
        n, ca, cb, gamma = (r["atoms"][a] for a in ("N", "CA", "CB", g))
        chi0 = dihedral(n, ca, cb, gamma)
        points = []
        for k in range(72):
            p = rotate(gamma, cb, cb - ca, 5 * k - chi0)
            assert abs(((dihedral(n, ca, cb, p) - 5 * k) + 180) % 360 - 180) < 1e-6
            points.append((p - origin) / vs)
        u = np.array(points)
        if np.any(u < 0) or np.any(u > shape - 1):
            continue
        dens = map_coordinates(data, [u[:, 2], u[:, 1], u[:, 0]], order=1)
        scans.append(dens)
    N = len(scans)
    peaks = [(int(np.argmax(d)), float(np.max(d))) for d in scans]
    mean = float(np.mean([np.mean(d) for d in scans]))
    top = max(p[1] for p in peaks)
    rot = [min(abs(5 * i - c) for c in (60, 180, 300)) <= 30 for i, _ in peaks]
    p = 39 / 72
    rows = []
    for i in range(20):
        t = mean + i * (top - mean) / 20
        above = [j for j, (_, v) in enumerate(peaks) if v > t]
        nn, mm = len(above), sum(rot[j] for j in above)
        if mm == 0:
            break
        z = (mm - nn * p) / np.sqrt(nn * p * (1 - p))
        rows.append({"threshold": t, "residues_above": nn, "rotameric": mm, "score": 10 * z / np.sqrt(N)})
    best = max((r["score"] for r in rows), default=None)
    print(json.dumps({"n_scanned": N, "per_threshold": rows, "best": best}))


if __name__ == "__main__":
    main()
