#!/usr/bin/env python3
"""Regenerates fuzz/corpus/connectome_fuzz/: small TVB connectomes (3-6
regions) as zips and as "== NAME ==" member texts, edge cases (missing files,
wrong counts, negative and non-numeric values, CRLF, commas, a subfolder in
the zip, compressed members), truncated and byte-mutated variants, and a
truncated prefix of the shared connectivity_76.zip (at most 16 KiB).
Deterministic; stdlib only. Usage:
  python3 fuzz/make_connectome_corpus.py [DATA_ROOT]   (default ../shared/data)
"""
import io
import os
import random
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "shared", "data")
OUT = os.path.join(HERE, "corpus", "connectome_fuzz")
rng = random.Random(20261129)
os.makedirs(OUT, exist_ok=True)
for name in os.listdir(OUT):
    if not name.startswith("found_"):
        os.remove(os.path.join(OUT, name))


def members(n, crlf=False, sep=" "):
    nl = "\r\n" if crlf else "\n"
    w = [[0 if i == j else float((i * 7 + j * 3) % 4) for j in range(n)] for i in range(n)]
    l = [[0 if i == j else 10.0 + abs(i - j) * 12.5 for j in range(n)] for i in range(n)]
    m = lambda a: nl.join(sep.join(f"{v:.6e}" for v in row) for row in a) + nl
    return {
        "weights.txt": m(w),
        "tract_lengths.txt": m(l),
        "centres.txt": nl.join(f"r{i} {i * 10.0} {-i * 5.0} {i * 2.5}" for i in range(n)) + nl,
        "cortical.txt": nl.join("1" if i % 2 else "0" for i in range(n)) + nl,
        "areas.txt": nl.join(f"{100.0 + i}" for i in range(n)) + nl,
    }


def as_text(files):
    return "".join(f"== {k} ==\n{v}" for k, v in files.items()).encode()


def as_zip(files, folder=""):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for k, v in files.items():
            z.writestr(folder + k, v)
    return b.getvalue()


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data[:64 * 1024])


cases = {
    "ok3": members(3),
    "ok6_crlf": members(6, crlf=True),
    "ok4_commas": members(4, sep=","),
}
bad = dict(members(4))
bad["weights.txt"] = bad["weights.txt"].replace("0.000000e+00", "-1", 1)
cases["negative_weight"] = bad
bad = dict(members(4))
bad["tract_lengths.txt"] = bad["tract_lengths.txt"].replace("e+01", "x", 1)
cases["not_a_number"] = bad
bad = dict(members(4))
del bad["centres.txt"]
cases["no_centres"] = bad
bad = dict(members(4))
bad["centres.txt"] += "extra 1 2 3\n"
cases["count_mismatch"] = bad
bad = dict(members(3))
bad["cortical.txt"] = "1\n2\n0\n"
cases["bad_flag"] = bad
bad = dict(members(3))
bad["weights.txt"] = "nan inf 1\n1 1 1\n1 1 1\n"
cases["non_finite"] = bad
for name, files in cases.items():
    write(f"gen_{name}.txt", as_text(files))
    write(f"gen_{name}.zip", as_zip(files))
write("gen_subfolder.zip", as_zip(members(3), "connectivity_3/"))
write("gen_bz2_member.zip", as_zip({"weights.txt.bz2": "BZh9", "centres.txt": "a 1 2 3\n"}))
write("gen_empty.zip", as_zip({}))
base_text = as_text(members(5))
base_zip = as_zip(members(5))
for k in range(12):
    d = bytearray(base_text)
    for _ in range(rng.randint(1, 6)):
        d[rng.randrange(len(d))] = rng.choice(b"0123456789.-e \n=x")
    write(f"gen_mut_text_{k:02d}.txt", bytes(d))
    z = bytearray(base_zip)
    for _ in range(rng.randint(1, 4)):
        z[rng.randrange(len(z))] = rng.randrange(256)
    write(f"gen_mut_zip_{k:02d}.zip", bytes(z))
    write(f"gen_trunc_zip_{k:02d}.zip", base_zip[: rng.randrange(2, len(base_zip))])
real = os.path.join(DATA, "connectome", "connectivity_76.zip")
if os.path.exists(real):
    with open(real, "rb") as f:
        write("real_connectivity_76_prefix.zip", f.read(16 * 1024))
print(f"{len(os.listdir(OUT))} files in {OUT}")
