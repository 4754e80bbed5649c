#!/usr/bin/env python3
"""Regenerates the seed corpora of the three WFDB fuzz targets.

Files named found_* were added from libFuzzer runs (clang, -merge=1) and are
kept as they are.

fuzz/corpus/wfdb_header_fuzz/, wfdb_signal_fuzz/ and wfdb_annotation_fuzz/
get small prefixes and mutations of the public PhysioNet files in the shared
test data (never more than 16 KiB each) plus hand-made edge cases.
Deterministic: a fixed seed. Usage:
  python3 fuzz/make_wfdb_corpus.py [DATA_ROOT]   (default ../shared/data)
"""
import os
import random
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "shared", "data")
rng = random.Random(20240611)


def out_dir(target):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for name in os.listdir(d):
        # found_*: inputs kept from libFuzzer runs (merged for coverage); not
        # regenerated here.
        if not name.startswith("found_"):
            os.remove(os.path.join(d, name))
    return d


def write(d, name, data):
    assert len(data) <= 64 * 1024, name
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read(rel, limit=None):
    with open(os.path.join(DATA, rel), "rb") as f:
        return f.read() if limit is None else f.read(limit)


def mutate(b, n=4):
    b = bytearray(b)
    for _ in range(n):
        if not b:
            break
        i = rng.randrange(len(b))
        b[i] = rng.randrange(256)
    return bytes(b)


# ---- headers ----
d = out_dir("wfdb_header_fuzz")
heads = {}
for r in ["100", "102", "104", "108", "114", "119"]:
    heads["mitdb_" + r] = read("wfdb/mitdb/%s.hea" % r)
heads["03700181"] = read("wfdb/other/03700181.hea")
heads["v131l"] = read("wfdb/other/v131l.hea")
heads.update({
    "multi": b"multi/3 2 360 45000\n100s 21600\n~ 1800\n100s 21600\n",
    "layout": b"m/3 1 100 4\nlay 0\np 2\np 2\n",
    "counter": b"rec 1 128.5/1000(-2.5) 10 1:2:3.25 29/2/2000\nrec.dat 16x2:3+512 100(-5)/mmHg 16 0 1 2 0 A B C\n",
    "defaults": b"r 4\na.dat 8\nb.dat 80\nc.dat 310 0\nd.dat 311 50 0 7\n",
    "nulls": b"r 2 100 1000000\n~ 0 100 16 0 0 0 0 N\n~ 0\n",
    "utf8": "r 1 250 10\nr.dat 24 100/\u00b5V 24 0 0 0 0 Temp\u00e9rature\n# caf\u00e9\n".encode(),
    "formats": b"r 6 500 64\na.dat 212\na.dat 212\nb.dat 310\nc.dat 311x3\nd.dat 61:1\ne.dat 160+2\n",
    "unknown_format": b"r 1 360\nr.dat 999\n",
    "flac": b"r 1 360\nr.dat 516\n",
    "bad_freq": b"r 1 0\n",
    "bad_date": b"r 1 360 10 10:00:00 31/02/2000\n",
    "crlf_comments": b"# c\r\n\r\nr 1 360 5\r\nr.dat 16 200 16 0 1 15 0 x\r\n# end\r\n",
    "huge": b"r 1 1e300 999999999999\nr.dat 32x1048576:281474976710655+281474976710655\n",
    # Regressions found by libFuzzer: a skew larger than one decoded chunk
    # (heap overflow), a base date whose Time overflowed.
    "regress_big_skew": b"res 1 128.5/1000(-2.5) 10 1:23.25 29/2/2080\nrec.dat 16x2:037001813+512 100(-5)/mmHg 08 0 1 2 0 A B ",
    "regress_year0": b"r 1 360 10 0:0:0 1/1/0\nr.dat 16\n",
    "regress_late_long": b"r 1 0.000001 900000000000 0:0:0 1/1/2261\n~ 0\n",
})
for name, text in heads.items():
    write(d, name + ".hea", text)
for name in ["mitdb_100", "03700181", "v131l", "counter"]:
    text = heads[name]
    for k in range(3):
        write(d, "%s_cut%d.hea" % (name, k), text[: rng.randrange(1, len(text))])
        write(d, "%s_mut%d.hea" % (name, k), mutate(text, 3))

# ---- signal decoding ----
# Byte 0: format index in [8,16,24,32,61,80,160,212,310,311]; byte 1: bits
# 0-1 samples per frame - 1, 2-4 skew, 5 length declared, 6-7 byte offset;
# byte 2: declared length; then the signal file.
d = out_dir("wfdb_signal_fuzz")
FORMATS = [8, 16, 24, 32, 61, 80, 160, 212, 310, 311]


def sig(fmt, spf=1, skew=0, declared=False, length=0, offset=0, body=b""):
    b1 = (spf - 1) | (skew << 2) | (0x20 if declared else 0) | (offset << 6)
    return bytes([FORMATS.index(fmt), b1, length]) + body


write(d, "mitdb100_212", sig(212, body=read("wfdb/mitdb/100.dat", 3000)))
write(d, "mitdb100_212_len", sig(212, declared=True, length=200, body=read("wfdb/mitdb/100.dat", 900)))
write(d, "mitdb100_212_short", sig(212, declared=True, length=255, body=read("wfdb/mitdb/100.dat", 600)))
write(d, "mimic_212_spf_skew", sig(212, spf=4, skew=4, body=read("wfdb/other/03700181.dat", 4500)))
write(d, "mimic_212_skew_len", sig(212, spf=2, skew=3, declared=True, length=100, body=read("wfdb/other/03700181.dat", 1200)))
write(d, "v131l_16_prefix", sig(16, offset=0, body=read("wfdb/other/v131l.mat", 4024)))
write(d, "v131l_16_offset", sig(16, spf=2, offset=3, body=read("wfdb/other/v131l.mat", 2048)))
for fmt in FORMATS:
    body = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 600)))
    write(d, "random_%d" % fmt, sig(fmt, spf=rng.randrange(1, 5), skew=rng.randrange(8),
                                    declared=rng.random() < 0.5, length=rng.randrange(256),
                                    offset=rng.randrange(4), body=body))
    for k in range(1, 4):  # partial trailing units
        write(d, "tail%d_%d" % (k, fmt), sig(fmt, body=bytes(range(12 + k))))
for k in range(4):
    write(d, "mut%d" % k, mutate(sig(212, spf=1 + k, skew=k, body=read("wfdb/other/03700181.dat", 2000)), 8))

# ---- annotations ----
d = out_dir("wfdb_annotation_fuzz")
write(d, "100.atr", read("wfdb/mitdb/100.atr"))
write(d, "104.atr", read("wfdb/mitdb/104.atr"))
write(d, "119.atr", read("wfdb/mitdb/119.atr"))
write(d, "03700181.gqrsh", read("wfdb/other/03700181.gqrsh"))
write(d, "03700181.sqrs", read("wfdb/other/03700181.sqrs"))
write(d, "v131l.wabp2", read("wfdb/other/v131l.wabp2"))
write(d, "S001R03.edf.event", read("edf/S001R03.edf.event"))


def words(*ws):
    return b"".join(struct.pack("<H", w) for w in ws)


def ann(code, interval):
    return (code << 10) | interval


def aux(text):
    t = text.encode()
    return words(ann(63, len(t))) + t + (b"\0" if len(t) % 2 else b"")


edge = (words(ann(1, 10), ann(61, 3), ann(62, 1), ann(60, 1023)) + aux("abc") +
        words(ann(59, 0), 0x0001, 0x0000, ann(5, 4), ann(59, 0), 0xFFFF, 0xFFF0) +
        words(ann(28, 0)) + aux("(N") + words(ann(55, 1), 0))
write(d, "edge_pseudo", edge)
table = (words(ann(22, 0)) + aux("## time resolution: 1000") + words(ann(22, 0)) +
         aux("42 W Wiggle wave") + words(ann(59, 0), 0xFFFF, 0xFFFF, 0x0001) +
         words(ann(22, 0)) + aux("note") + words(ann(42, 500), 0))
write(d, "edge_table", table)
write(d, "edge_latin1", words(ann(22, 5)) + b"\x03\xfc\xe9t\xe9\x00" + words(0))
write(d, "edge_bigskip", words(ann(59, 0), 0x7FFF, 0xFFFF, ann(1, 0), ann(59, 0), 0x7FFF, 0xFFFF, ann(1, 0), 0))
write(d, "edge_noeof", words(ann(1, 10), ann(1, 10)))
write(d, "edge_empty", b"")
for name in ["100.atr", "03700181.gqrsh", "S001R03.edf.event"]:
    full = open(os.path.join(d, name), "rb").read()
    for k in range(2):
        write(d, "%s_cut%d" % (name, k), full[: rng.randrange(1, len(full))])
        write(d, "%s_mut%d" % (name, k), mutate(full, 6))

total = 0
for target in ["wfdb_header_fuzz", "wfdb_signal_fuzz", "wfdb_annotation_fuzz"]:
    p = os.path.join(HERE, "corpus", target)
    size = sum(os.path.getsize(os.path.join(p, f)) for f in os.listdir(p))
    total += size
    print("%s: %d files, %d bytes" % (target, len(os.listdir(p)), size))
print("total %d bytes" % total)
