#!/usr/bin/env python3
"""analysis/dsp and analysis/eeg_features against scipy.signal and MNE.

Usage: dsp_oracle_test.py DSP_ORACLE_DRIVER SCRATCH_DIR

Runs the C++ driver (dsp_oracle_driver.cc) and scipy/MNE on the same inputs
and compares:
  - Butterworth SOS (low, high, band; several orders) via the frequency
    response, and sosfiltfilt output on a noisy test signal;
  - firwin taps, resample_poly (360 -> 250 Hz and 2/3);
  - Welch PSD vs scipy.signal.welch (Hann/Hamming, overlaps, zero padding);
  - Lomb-Scargle vs scipy.signal.lombscargle;
  - EEG band powers (absolute, relative), alpha peak, spectral edge and line
    noise vs MNE psd_array_welch(window='hann', n_per_seg = 2 s, 50%
    overlap) with the rules of eeg_features.h applied in numpy, on a
    deterministic synthetic EEG and on every channel of
    ../shared/data/edf/S001R03.edf (read by MNE; the same samples are given
    to the driver). The issue requires band powers within 1%; we hold
    them to 1e-9.
Missing numpy/scipy/mne: exit 77 (skip) unless CI=true, then failure.
Missing test data: the EDF part skips (fails under CI=true).
"""
import os
import pathlib
import subprocess
import sys

UNDER_CI = os.environ.get("CI", "").lower() == "true"


def skip_or_fail(message):
    if UNDER_CI:
        print("FAIL (CI=true):", message)
        sys.exit(1)
    print("SKIP:", message)
    sys.exit(77)


try:
    import numpy as np
    from scipy import signal
    import mne
    from mne.time_frequency import psd_array_welch
except ImportError as e:  # pragma: no cover
    skip_or_fail(f"python module missing ({e}); install python3-scipy "
                 "python3-mne (scripts/install-deps)")

DRIVER = sys.argv[1]
SCRATCH = pathlib.Path(sys.argv[2])
SCRATCH.mkdir(parents=True, exist_ok=True)
FAILURES = []
ROWS = []  # (what, max relative difference, tolerance)


def write(name, values):
    path = SCRATCH / name
    np.savetxt(path, np.asarray(values, dtype=float).ravel(), fmt="%.17g")
    return str(path)


def drive(*args):
    out = SCRATCH / "out.txt"
    cmd = [DRIVER, *map(str, args), str(out)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {r.stderr.strip()}")
    return np.loadtxt(out, ndmin=1)


def compare(what, ours, ref, rtol, atol_frac=1e-12):
    """Max |ours - ref| relative to max |ref| (elementwise scale for rtol)."""
    ours = np.asarray(ours, dtype=float)
    ref = np.asarray(ref, dtype=float)
    if ours.shape != ref.shape:
        FAILURES.append(f"{what}: shape {ours.shape} vs {ref.shape}")
        print("FAIL", what, "shape", ours.shape, ref.shape)
        return
    scale = np.maximum(np.abs(ref), atol_frac * max(np.abs(ref).max(), 1e-300))
    rel = float(np.max(np.abs(ours - ref) / scale)) if ours.size else 0.0
    ROWS.append((what, rel, rtol))
    if not rel <= rtol:
        FAILURES.append(f"{what}: max relative difference {rel:.3g} > {rtol}")
        print("FAIL", what, rel)


def test_butter():
    fs = 250.0
    rng = np.random.default_rng(1)
    n = 5000
    t = np.arange(n) / fs
    x = (np.sin(2 * np.pi * 3 * t) + 0.5 * np.sin(2 * np.pi * 40 * t) +
         0.2 * rng.standard_normal(n) + 0.01 * t)
    xin = write("butter_x.txt", x)
    cases = [("low", 4, 30, 0), ("low", 3, 10, 0), ("high", 2, 0.5, 0),
             ("high", 5, 1.0, 0), ("band", 2, 0.5, 40), ("band", 4, 8, 13),
             ("low", 8, 45, 0)]
    worn = np.linspace(0, fs / 2, 200)
    for btype, order, lo, hi in cases:
        wn = lo if btype != "band" else [lo, hi]
        sos = signal.butter(order, wn, btype=btype if btype != "band" else
                            "bandpass", fs=fs, output="sos")
        ours_sos = drive("sos", btype, order, lo, hi, fs).reshape(-1, 6)
        _, h_ref = signal.sosfreqz(sos, worN=worn, fs=fs)
        _, h_ours = signal.sosfreqz(ours_sos, worN=worn, fs=fs)
        err = float(np.max(np.abs(h_ours - h_ref)) / np.abs(h_ref).max())
        ROWS.append((f"butter {btype} N={order} {wn} Hz: response", err, 1e-9))
        if not err <= 1e-9:
            FAILURES.append(f"butter {btype} {order}: response differs {err}")
        y_ref = signal.sosfiltfilt(sos, x)
        y = drive("filtfilt", btype, order, lo, hi, fs, xin)
        err = float(np.max(np.abs(y - y_ref)) / np.abs(y_ref).max())
        ROWS.append((f"sosfiltfilt {btype} N={order} {wn} Hz", err, 1e-9))
        if not err <= 1e-9:
            FAILURES.append(f"sosfiltfilt {btype} {order}: differs {err}")


def test_fir_resample():
    fs = 500.0
    for btype, taps, lo, hi in [("low", 101, 40, 0), ("high", 51, 1, 0),
                                ("band", 201, 8, 30)]:
        cutoff = lo if btype == "low" else ([lo, hi] if btype == "band" else lo)
        ref = signal.firwin(taps, cutoff, pass_zero=(btype == "low"), fs=fs)
        ours = drive("firwin", btype, taps, lo, hi, fs)
        err = float(np.max(np.abs(ours - ref)) / np.abs(ref).max())
        ROWS.append((f"firwin {btype} {taps} taps", err, 1e-12))
        if not err <= 1e-12:
            FAILURES.append(f"firwin {btype}: differs {err}")
    rng = np.random.default_rng(2)
    x = np.cumsum(rng.standard_normal(3600)) + 5 * np.sin(
        2 * np.pi * 5 * np.arange(3600) / 360)
    xin = write("resample_x.txt", x)
    for up, down in [(25, 36), (2, 3), (3, 1), (1, 4)]:
        ref = signal.resample_poly(x, up, down)
        ours = drive("resample", up, down, xin)
        if ours.shape != ref.shape:
            FAILURES.append(f"resample {up}/{down}: {ours.shape} vs {ref.shape}")
            continue
        err = float(np.max(np.abs(ours - ref)) / np.abs(ref).max())
        ROWS.append((f"resample_poly {up}/{down} ({len(x)} -> {len(ref)})",
                     err, 1e-11))
        if not err <= 1e-11:
            FAILURES.append(f"resample {up}/{down}: differs {err}")


def test_welch_lomb():
    rng = np.random.default_rng(3)
    fs = 256.0
    x = rng.standard_normal(10000) + np.sin(2 * np.pi * 10 * np.arange(
        10000) / fs) + 3.0
    xin = write("welch_x.txt", x)
    for nper, nover, nfft, window in [(256, 128, 256, "hann"),
                                      (512, 0, 512, "hamming"),
                                      (300, 100, 1024, "hann"),
                                      (255, 200, 255, "hamming")]:
        _, ref = signal.welch(x, fs=fs, window=window, nperseg=nper,
                              noverlap=nover, nfft=nfft)
        ours = drive("welch", fs, nper, nover, nfft, window, xin)
        compare(f"welch {window} nperseg={nper} noverlap={nover} nfft={nfft}",
                ours, ref, 1e-9)
    # MNE's own defaults: hamming, n_fft=256, no overlap.
    ref, _ = psd_array_welch(x, fs, n_fft=256, verbose="error")
    ours = drive("welch", fs, 256, 0, 256, "hamming", xin)
    compare("welch vs MNE psd_array_welch defaults (hamming, 256, 0)", ours,
            ref, 1e-9)

    t = np.sort(rng.uniform(0, 300, 400))
    y = 50 * np.sin(2 * np.pi * 0.1 * t) + 20 * np.sin(2 * np.pi * 0.3 * t) + \
        800 + rng.standard_normal(400)
    f = np.linspace(0.01, 0.5, 200)
    ref = signal.lombscargle(t, y, 2 * np.pi * f, precenter=True)
    ours = drive("lombscargle", write("ls_t.txt", t), write("ls_y.txt", y),
                 write("ls_f.txt", f))
    compare("lombscargle (400 uneven points, 200 freqs)", ours, ref, 1e-8,
            atol_frac=1e-9)


POWER_RTOL = 1e-9
BANDS = [(1, 4), (4, 8), (8, 13), (13, 30), (30, 45)]


def mne_features(x, fs):
    """The rules of eeg_features.h applied to MNE's PSD."""
    nper = int(round(2.0 * fs))
    nper = min(max(nper, 2), len(x))
    psd, freqs = psd_array_welch(x, fs, n_fft=nper, n_per_seg=nper,
                                 n_overlap=nper // 2, window="hann",
                                 verbose="error")
    df = freqs[1] - freqs[0]
    band = lambda lo, hi: psd[(freqs >= lo) & (freqs < hi)].sum() * df
    absolute = np.array([band(lo, hi) for lo, hi in BANDS])
    total = band(1, 45)
    relative = absolute / total
    sel = np.where((freqs >= 8) & (freqs <= 13))[0]
    k = sel[np.argmax(psd[sel])]
    if psd[k] > psd[k - 1] and psd[k] > psd[k + 1]:
        y0, y1, y2 = psd[k - 1], psd[k], psd[k + 1]
        peak = (k + 0.5 * (y0 - y2) / (y0 - 2 * y1 + y2)) * df
    else:
        peak = np.nan
    sel = np.where((freqs >= 1) & (freqs < 45))[0]
    cum = np.cumsum(psd[sel] * df)
    edge = freqs[sel][np.argmax(cum >= 0.95 * total)]
    return absolute, relative, total, peak, edge, psd, freqs


def check_eeg(label, x, fs):
    ours = drive("eeg", fs, write("eeg_x.txt", x))
    absolute, relative, total, peak, edge, _, _ = mne_features(x, fs)
    # The issue asks for 1%; the implementations agree to rounding, so hold
    # them to 1e-9 to catch any drift.
    compare(f"{label}: absolute band powers vs MNE", ours[0:5], absolute,
            POWER_RTOL)
    compare(f"{label}: relative band powers vs MNE", ours[5:10], relative,
            POWER_RTOL)
    compare(f"{label}: total power 1-45 Hz vs MNE", ours[10:11], [total],
            POWER_RTOL)
    if np.isnan(peak) or np.isnan(ours[11]):
        if not (np.isnan(peak) and np.isnan(ours[11])):
            FAILURES.append(f"{label}: alpha peak {ours[11]} vs MNE {peak}")
    else:
        compare(f"{label}: alpha peak frequency", ours[11:12], [peak], 1e-6)
    compare(f"{label}: spectral edge 95%", ours[12:13], [edge], 1e-9)
    return ours


def test_eeg():
    fs = 160.0
    rng = np.random.default_rng(4)
    n = int(fs * 120)
    t = np.arange(n) / fs
    # 1/f-ish background, alpha burst, beta, mains 50 Hz.
    x = np.cumsum(rng.standard_normal(n)) * 0.5
    x = x - np.convolve(x, np.ones(161) / 161, mode="same")
    x += 15 * np.sin(2 * np.pi * 10.3 * t) * (1 + 0.5 * np.sin(2 * np.pi * 0.1 * t))
    x += 4 * np.sin(2 * np.pi * 21 * t) + 6 * np.sin(2 * np.pi * 50 * t)
    ours = check_eeg("synthetic EEG 160 Hz", x, fs)
    if ours[15] != 50.0:
        FAILURES.append(f"synthetic EEG: line noise {ours[15]} Hz, want 50")
    root = os.environ.get("JUMEAU_TEST_DATA") or os.environ.get(
        "JUMEAU_TEST_DATA_DEFAULT") or str(
            pathlib.Path(__file__).resolve().parents[3] / "shared" / "data")
    edf = pathlib.Path(root) / "edf" / "S001R03.edf"
    if not edf.exists():
        if UNDER_CI:
            FAILURES.append(f"test data missing under CI: {edf}")
        else:
            print("SKIP part: test data missing (set JUMEAU_TEST_DATA):", edf)
        return
    raw = mne.io.read_raw_edf(edf, preload=True, verbose="error")
    data = raw.get_data() * 1e6  # uV
    worst = {}
    for i, name in enumerate(raw.ch_names):
        before = len(ROWS)
        check_eeg(f"S001R03 {name}", data[i], raw.info["sfreq"])
        for what, rel, tol in ROWS[before:]:
            key = what.split(": ", 1)[1]
            worst[key] = max(worst.get(key, 0.0), rel)
        del ROWS[before:]
    for key, rel in worst.items():
        ROWS.append((f"S001R03 all {len(raw.ch_names)} channels: {key} (worst)",
                     rel, POWER_RTOL if "power" in key else 1e-6))


def main():
    for test in (test_butter, test_fir_resample, test_welch_lomb, test_eeg):
        try:
            test()
        except Exception as e:  # report, keep going
            FAILURES.append(f"{test.__name__}: {e!r}")
            print("FAIL", test.__name__, repr(e))
    print(f"{'comparison':<78} {'max rel diff':>12} {'tolerance':>9}")
    for what, rel, tol in ROWS:
        print(f"{what:<78} {rel:12.3g} {tol:9.0e}")
    print(f"numpy {np.__version__}, scipy {__import__('scipy').__version__}, "
          f"mne {mne.__version__}")
    if FAILURES:
        print(f"{len(FAILURES)} failure(s)")
        for f in FAILURES:
            print("  ", f)
        return 1
    print("all comparisons within tolerance")
    return 0


if __name__ == "__main__":
    sys.exit(main())
