#!/usr/bin/env python3
"""Regenerates fuzz/corpus/edf_fuzz/: small prefixes of the public EDF/BDF
files in shared/data/edf (header + a few records, record count patched),
truncated and byte-mutated variants, and generated edge cases (EDF+D gaps,
overlaps, malformed TALs, odd header numbers). Deterministic; stdlib only.

Usage: fuzz/make_edf_corpus.py [DATA_DIR] [OUT_DIR]
  DATA_DIR defaults to ../shared/data/edf next to the source root,
  OUT_DIR to fuzz/corpus/edf_fuzz.
"""
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data", "edf")
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "corpus", "edf_fuzz")
MAX_FILE = 64 * 1024


def field(text, width):
    data = text.encode("latin-1") if isinstance(text, str) else text
    return (data + b" " * width)[:width]


def header(signals, records=b"2", duration=b"1", reserved=b"EDF+C", bdf=False,
           date=b"02.03.02", time=b"10.15.00", recording=b"Startdate 02-MAR-2002 X X fuzz",
           header_bytes=None, signal_count=None):
    """signals: list of (label, spr, pmin, pmax, dmin, dmax, unit)."""
    ns = len(signals)
    h = b"\xffBIOSEMI" if bdf else field("0", 8)
    h += field("X X X X", 80) + field(recording, 80) + field(date, 8) + field(time, 8)
    h += field(header_bytes or str(256 * (ns + 1)), 8)
    h += field(reserved, 44) + field(records, 8) + field(duration, 8)
    h += field(signal_count or str(ns), 4)
    h += b"".join(field(s[0], 16) for s in signals)
    h += b" " * (80 * ns)
    h += b"".join(field(s[6], 8) for s in signals)
    for k in (2, 3, 4, 5):
        h += b"".join(field(str(s[k]), 8) for s in signals)
    h += b" " * (80 * ns)
    h += b"".join(field(str(s[1]), 8) for s in signals)
    h += b" " * (32 * ns)
    return h


def sig(label, spr, bdf=False):
    lo, hi = (-8388608, 8388607) if bdf else (-32768, 32767)
    return (label, spr, -100, 100, lo, hi, "uV")


def annot(spr, bdf=False):
    lo, hi = (-8388608, 8388607) if bdf else (-32768, 32767)
    return ("BDF Annotations" if bdf else "EDF Annotations", spr, -1, 1, lo, hi, "")


def samples(values, bdf=False):
    width = 3 if bdf else 2
    return b"".join((v & ((1 << (8 * width)) - 1)).to_bytes(width, "little") for v in values)


def tal(text, nbytes):
    return (text + b"\0" * nbytes)[:nbytes]


def small_record(r, tals, bdf=False, tal_bytes=60):
    return (samples([10 * r + k for k in range(4)], bdf) + samples([-r, -r - 1], bdf)
            + tal(tals, tal_bytes))


def prefix_of(path, records):
    """Header (record count patched) + the first `records` data records."""
    with open(path, "rb") as f:
        data = f.read()
    ns = int(data[252:256])
    hdr = bytearray(data[:256 * (ns + 1)])
    spr = [int(hdr[256 + 216 * ns + 8 * i: 256 + 216 * ns + 8 * i + 8]) for i in range(ns)]
    width = 3 if data[0] == 0xFF else 2
    rb = sum(spr) * width
    hdr[236:244] = field(str(records), 8)
    return bytes(hdr), data[len(hdr): len(hdr) + records * rb], rb


def mutate(data, rng, count):
    out = bytearray(data)
    for _ in range(count):
        i = rng.randrange(len(out))
        out[i] = rng.choice([0, 0x14, 0x15, 0x20, 0x2B, 0x2D, 0x2E, 0x30, 0x39, 0xFF, rng.randrange(256)])
    return bytes(out)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        os.remove(os.path.join(OUT, name))
    rng = random.Random(20240611)
    files = {}

    # Prefixes of the real files.
    real = {
        "s001r03": ("S001R03.edf", 2),
        "generator": ("test_generator_2.edf", 3),
        "bdf_stim": ("test_bdf_stim_channel.bdf", 3),
    }
    for key, (name, records) in real.items():
        path = os.path.join(DATA, name)
        if not os.path.exists(path):
            print("skipping missing", path)
            continue
        hdr, body, rb = prefix_of(path, records)
        files[key + "_prefix"] = hdr + body
        # Truncated: the original record count with 1.5 records present.
        with open(path, "rb") as f:
            original = f.read(len(hdr) + rb + rb // 2)
        files[key + "_truncated"] = original
        files[key + "_header_only"] = original[:len(hdr)]
        files[key + "_half_header"] = original[:len(hdr) // 2]
        for k in range(2 if key == "s001r03" else 3):
            files["%s_mutated_header_%d" % (key, k)] = mutate(hdr, rng, 3) + body[: rb]
        for k in range(1 if key == "s001r03" else 2):
            files["%s_mutated_data_%d" % (key, k)] = hdr[:236] + field("1", 8) + hdr[244:] + mutate(body[:rb], rng, 40)
    hyp = os.path.join(DATA, "SC4001EC-Hypnogram.edf")
    if os.path.exists(hyp):
        with open(hyp, "rb") as f:
            data = f.read()
        files["hypnogram"] = data
        for k in range(4):
            # Mutate the TAL area only.
            files["hypnogram_mutated_%d" % k] = data[:512] + mutate(data[512:], rng, 25)

    # Generated edge cases.
    small = [sig("A", 4), sig("B", 2), annot(30)]
    r0 = b"+0\x14\x14\0+0.5\x151.5\x14Spike\x14\0"
    two = small_record(0, r0) + small_record(1, b"+1\x14\x14\0")
    files["gen_small"] = header(small) + small_record(0, r0) + small_record(1, b"+1\x14\x14\0")
    files["gen_edfd_gaps"] = (header(small, records=b"4", reserved=b"EDF+D")
                              + small_record(0, b"+0\x14\x14\0") + small_record(1, b"+1\x14\x14\0")
                              + small_record(2, b"+5\x14\x14\0+5.25\x14After gap\x14\0")
                              + small_record(3, b"+6.5\x14\x14\0"))
    files["gen_edfd_overlap"] = (header(small, reserved=b"EDF+D") + small_record(0, b"+0\x14\x14\0")
                                 + small_record(1, b"+0.5\x14\x14\0"))
    files["gen_edfd_no_timekeeping"] = (header(small, reserved=b"EDF+D") + small_record(0, b"+0\x14\x14\0")
                                        + small_record(1, b"\0" * 10))
    files["gen_edfc_gap"] = (header(small, records=b"3") + small_record(0, b"+0\x14\x14\0")
                             + small_record(1, b"+1.001\x14\x14\0") + small_record(2, b"+3\x14\x14\0"))
    files["gen_subsecond"] = header(small, records=b"1") + small_record(0, b"+0.25\x14\x14\0+1.125\x14Late\x14\0")
    files["gen_bad_tals"] = header(small, records=b"1") + small_record(
        0, b"+0\x14\x14\0" + b"12\x14NoSign\x14\0" + b"+2\x15x\x14BadDur\x14\0" + b"+3\x14Caf\xe9\x14\0"
        + b"+4\x14Ok\x14\0" + b"+99999999999999\x14Huge\x14")
    files["gen_unterminated_tal"] = header(small, records=b"1") + small_record(0, b"+0\x14\x14\0+1\x14" + b"x" * 60)
    files["gen_records_minus_one"] = header(small, records=b"-1") + small_record(0, r0) + b"xyz"
    files["gen_zero_records"] = header(small, records=b"0")
    files["gen_duration_zero_annotations_only"] = header([annot(40)], records=b"1", duration=b"0") + tal(
        b"+0\x14\x14\0+0\x1530\x14Sleep stage W\x14\0+30\x1530\x14Sleep stage 1\x14\0", 80)
    files["gen_duration_zero_with_signal"] = header(small, duration=b"0") + two
    files["gen_duration_fraction"] = header(small, duration=b"0.001953") + two
    files["gen_duration_exponent"] = header(small, duration=b"1e-3") + two
    files["gen_bdf_plus"] = (header([sig("A", 4, True), sig("B", 2, True), annot(20, True)], reserved=b"BDF+C", bdf=True)
                             + small_record(0, r0, True) + small_record(1, b"+1\x14\x14\0", True))
    files["gen_plain_edf"] = header([sig("A", 37)], records=b"1", reserved=b"") + samples(
        [(-32768 if i % 3 == 0 else 32767 if i % 3 == 1 else i * 1000 - 18000) for i in range(37)])
    files["gen_plain_bdf"] = header([sig("A", 37, True)], records=b"1", reserved=b"24BIT", bdf=True) + samples(
        [(-8388608 if i % 3 == 0 else 8388607 if i % 3 == 1 else i * 200000 - 3600000) for i in range(37)], True)
    files["gen_wrong_header_size"] = header(small, header_bytes="768") + small_record(0, r0)
    files["gen_many_signals"] = header([sig("S%d" % i, 1) for i in range(100)], records=b"1") + samples([0] * 100)
    files["gen_huge_spr"] = header([sig("A", 99999999)], records=b"1")
    files["gen_signal_count_huge"] = header(small, signal_count="9999")
    files["gen_yy_year"] = header(small, date=b"02.03.yy", recording=b"Startdate 02-MAR-2091 X X fuzz") + two
    # Regression (libFuzzer): a 4-digit year outside int64 nanoseconds.
    files["gen_startdate_1589"] = header(small, date=b"24.04.89", recording=b"Startdate 24-APR-1589 X X fuzz") + two
    files["gen_span_too_long"] = header([sig("A", 1), annot(6)], records=b"40", duration=b"99999999") + (samples([1]) + tal(b"+0\x14\x14\0", 12)) * 40
    files["gen_bad_date"] = header(small, date=b"31.02.02") + two
    files["gen_equal_physical"] = header([("A", 4, 5, 5, -10, 10, "mV"), sig("B", 2), annot(30)]) + two
    files["gen_nonascii"] = header(small, recording=b"Startdate 02-MAR-2002 Jos\xe9 X X") + two

    total = 0
    for name, data in sorted(files.items()):
        data = data[:MAX_FILE]
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        total += len(data)
    print("%d files, %d bytes in %s" % (len(files), total, OUT))


if __name__ == "__main__":
    main()
