#!/usr/bin/env python3
"""scipy's side of bench/dsp_bench.cc: the same work timed with scipy.signal.

Usage: /usr/bin/python3 bench/dsp_scipy_bench.py
Prints CPU time (process_time, as Google Benchmark reports) and samples/s for Welch (64 x 1 h x 512 Hz, Hann, 1024-sample segments,
50% overlap; the same hour for each channel as in dsp_bench), sosfiltfilt
(band-pass 0.5-40 Hz, order 4) and resample_poly(25, 36) on 1 h at 512 Hz.
"""
import time

import numpy as np
from scipy import signal

FS = 512
rng = np.random.default_rng(5)
n = FS * 3600
t = np.arange(n)
x = 20 * np.sin(2 * np.pi * 10 * t / FS) + rng.normal(0, 5, n)


def timed(label, fn, samples, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    print(f"{label:<40} {best * 1e3:10.1f} ms  {samples / best / 1e6:8.1f} M samples/s")


timed("scipy welch 64ch x 1h x 512Hz",
      lambda: [signal.welch(x, fs=FS, nperseg=1024) for _ in range(64)], 64 * n,
      repeat=1)
sos = signal.butter(4, [0.5, 40], btype="bandpass", fs=FS, output="sos")
timed("scipy sosfiltfilt band 0.5-40 N=4", lambda: signal.sosfiltfilt(sos, x), n)
timed("scipy resample_poly 25/36", lambda: signal.resample_poly(x, 25, 36), n)
