#!/usr/bin/env python3
"""Independent numpy oracle for the Fourier machinery (tests only).

Usage: fourier_oracle.py NX NY NZ TX TY TZ A.f32 [B.f32]
A and B are raw float32 volumes, x fastest (numpy shape (NZ, NY, NX)). Prints JSON with:
  rfft: the first coefficients of numpy.fft.rfftn(A) in the [z][y][x] layout (re, im interleaved),
  shells: shell index per coefficient uses the FULL spectrum (numpy.fft.fftn), Δs = 1/max(n·T),
          shell = round(|s|/Δs); count, mean |F|, mean |F|² per shell;
  sums (if B): Σ Re(F1·conj F2), Σ|F1|², Σ|F2|² per shell over the full spectrum.
"""
import json
import sys

import numpy as np

nx, ny, nz = (int(v) for v in sys.argv[1:4])
tx, ty, tz = (float(v) for v in sys.argv[4:7])
a = np.fromfile(sys.argv[7], dtype=np.float32).astype(np.float64).reshape(nz, ny, nx)
b = None
if len(sys.argv) > 8:
    b = np.fromfile(sys.argv[8], dtype=np.float32).astype(np.float64).reshape(nz, ny, nx)

out = {}
r = np.fft.rfftn(a).ravel()
out["rfft"] = [float(v) for c in r[:200] for v in (c.real, c.imag)]

fa = np.fft.fftn(a)
sz = np.fft.fftfreq(nz, d=tz)[:, None, None]
sy = np.fft.fftfreq(ny, d=ty)[None, :, None]
sx = np.fft.fftfreq(nx, d=tx)[None, None, :]
s = np.sqrt(sx**2 + sy**2 + sz**2)
ds = 1.0 / max(nx * tx, ny * ty, nz * tz)
shell = np.rint(s / ds).astype(int).ravel()
n = shell.max() + 1
count = np.bincount(shell, minlength=n).astype(float)
amp = np.bincount(shell, weights=np.abs(fa).ravel(), minlength=n)
pw = np.bincount(shell, weights=(np.abs(fa) ** 2).ravel(), minlength=n)
with np.errstate(invalid="ignore", divide="ignore"):
    out["count"] = count.tolist()
    out["mean_amplitude"] = np.where(count > 0, amp / np.maximum(count, 1), 0).tolist()
    out["mean_power"] = np.where(count > 0, pw / np.maximum(count, 1), 0).tolist()
if b is not None:
    fb = np.fft.fftn(b)
    out["cross"] = np.bincount(shell, weights=(fa * np.conj(fb)).real.ravel(), minlength=n).tolist()
    out["power1"] = pw.tolist()
    out["power2"] = np.bincount(shell, weights=(np.abs(fb) ** 2).ravel(), minlength=n).tolist()
print(json.dumps(out))
