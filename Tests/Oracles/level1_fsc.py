#!/usr/bin/env python3
"""Independent numpy oracle for the FSC, DPR, information thresholds and crossings (tests only).

Usage: level1_fsc.py N T A.f32 B.f32
A and B are raw float32 cubic volumes of N³ voxels of T Å, x fastest. Over the FULL spectrum
(numpy.fft.fftn), shell = round(|k|) (k in voxels); keeps shells 0 … N//2. Prints JSON:
  fsc, count per shell; dpr per shell (sqrt(Σ w Δφ² / Σ w), w = |F1| + |F2|, Δφ in degrees);
  half_bit, one_bit thresholds (van Heel & Schatz 2005, eq. 17, S = 0.2071 and 0.5);
  crossing_0143 and crossing_half_bit: first pair (s-1, s), s ≥ 3, with fsc - t ≥ 0 then < 0, the
  frequency (1/Å) interpolated linearly; null if none.
"""
import json
import sys

import numpy as np

n = int(sys.argv[1]); t = float(sys.argv[2])
a = np.fromfile(sys.argv[3], dtype=np.float32).astype(np.float64).reshape(n, n, n)
b = np.fromfile(sys.argv[4], dtype=np.float32).astype(np.float64).reshape(n, n, n)
fa, fb = np.fft.fftn(a), np.fft.fftn(b)
k = np.fft.fftfreq(n) * n
kk = np.sqrt(k[:, None, None] ** 2 + k[None, :, None] ** 2 + k[None, None, :] ** 2)
shell = np.rint(kk).astype(int).ravel()
m = n // 2 + 1
keep = shell < m
sh = shell[keep]
A = fa.ravel()[keep]; B = fb.ravel()[keep]
cross = np.bincount(sh, weights=(A * np.conj(B)).real, minlength=m)
p1 = np.bincount(sh, weights=np.abs(A) ** 2, minlength=m)
p2 = np.bincount(sh, weights=np.abs(B) ** 2, minlength=m)
count = np.bincount(sh, minlength=m).astype(float)
fsc = np.where(p1 * p2 > 0, cross / np.sqrt(np.maximum(p1 * p2, 1e-300)), 0.0)
w = np.abs(A) + np.abs(B)
dphi = np.degrees(np.angle(A * np.conj(B)))
num = np.bincount(sh, weights=w * dphi ** 2, minlength=m)
den = np.bincount(sh, weights=w, minlength=m)
dpr = np.where(den > 0, np.sqrt(num / np.maximum(den, 1e-300)), 0.0)


def info(snr):
    r = np.sqrt(count); q = np.sqrt(snr)
    return (snr + (2 * q + 1) / r) / (snr + 1 + 2 * q / r)


freq = np.arange(m) / (n * t)


def crossing(thr):
    for s in range(3, m):
        d0 = fsc[s - 1] - thr[s - 1]; d1 = fsc[s] - thr[s]
        if d0 >= 0 and d1 < 0:
            return float(freq[s - 1] + d0 / (d0 - d1) * (freq[s] - freq[s - 1]))
    return None


hb = info(0.2071)
print(json.dumps({"fsc": fsc.tolist(), "count": count.tolist(), "dpr": dpr.tolist(),
                  "half_bit": hb.tolist(), "one_bit": info(0.5).tolist(),
                  "crossing_0143": crossing(np.full(m, 0.143)), "crossing_half_bit": crossing(hb)}))
