#!/usr/bin/env python3
"""Regenerates the seed corpus of cohort_csv_fuzz (fuzz/corpus/cohort_csv_fuzz/).

Small prefixes (at most 2 KiB, cut at a line end) of Leaspy's public
synthetic tables from the shared test data, hand-made edge cases (missing
values, NA, quotes, CRLF, BOM, unsorted and duplicated visits, split
subjects, bad numbers, wrong field counts, empty header) and byte-mutated
variants. Files named found_* are kept. Deterministic; stdlib only. Usage:
  python3 fuzz/make_cohort_csv_corpus.py [DATA_ROOT]   (default ../shared/data)
"""
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "shared", "data")
rng = random.Random(20261129)
OUT = os.path.join(HERE, "corpus", "cohort_csv_fuzz")
os.makedirs(OUT, exist_ok=True)
for name in os.listdir(OUT):
    if not name.startswith("found_"):
        os.remove(os.path.join(OUT, name))

seeds = {}
for name in ("leaspy_alzheimer.csv", "leaspy_parkinson-putamen.csv"):
    path = os.path.join(DATA, "cohort", name)
    if os.path.exists(path):
        with open(path, "rb") as f:
            head = f.read(2048)
        seeds["prefix_" + name] = head[: head.rfind(b"\n") + 1]

seeds.update({
    "missing.csv": b"ID,TIME,a,b\nP1,60,0.1,\nP1,61,NA,0.2\nP2,70,nan,NaN\nP2,71,0.4,0.5\n",
    "quoted.csv": b'ID,TIME,"a,b",c\n"P 1",60,0.1,0.2\n"P ""2""",61,0.3,0.4\n',
    "crlf_bom.csv": b"\xef\xbb\xbfid,time,x\r\nA,1,2\r\nA,2,3\r\n",
    "unsorted.csv": b"ID,TIME,a\nP1,61,0.1\nP1,60,0.2\n",
    "duplicated.csv": b"ID,TIME,a\nP1,60,0.1\nP1,60,0.2\n",
    "split.csv": b"ID,TIME,a\nP1,60,0.1\nP2,60,0.2\nP1,61,0.3\n",
    "bad_number.csv": b"ID,TIME,a\nP1,60,1e999\nP1,61,0x10\n",
    "fields.csv": b"ID,TIME,a,b\nP1,60,0.1\nP1,61,0.1,0.2,0.3\n",
    "no_value.csv": b"ID,TIME,a\nP1,60,\n",
    "header_only.csv": b"ID,TIME,a\n",
    "bad_header.csv": b"SUBJECT,AGE,a\nP1,60,0.1\n",
    "dup_feature.csv": b"ID,TIME,a,a\nP1,60,0.1,0.2\n",
    "empty.csv": b"",
})

for name, data in seeds.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)

base = list(seeds.items())
for i in range(24):
    name, data = rng.choice(base)
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not b:
            break
        op = rng.randrange(3)
        pos = rng.randrange(len(b))
        if op == 0:
            b[pos] = rng.choice(b",\n\"-.e0123456789 \r")
        elif op == 1:
            del b[pos : pos + rng.randint(1, 8)]
        else:
            b[pos:pos] = bytes(b[pos : pos + rng.randint(1, 16)])
    with open(os.path.join(OUT, "mut%02d_%s" % (i, name)), "wb") as f:
        f.write(bytes(b))
