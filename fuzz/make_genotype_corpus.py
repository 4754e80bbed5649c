#!/usr/bin/env python3
"""Writes fuzz/corpus/genotype_block_fuzz/: valid, truncated and damaged
genotype-store blocks (layout in docs/formats.md, "Genotypes in the store"),
compressed with the zstd command, plus round-trip seeds.

Usage: make_genotype_corpus.py OUT_DIR"""
import pathlib
import random
import subprocess
import sys


def varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def block(raw, compress=True):
    if not compress:
        return b"\x00" + varint(len(raw)) + raw
    z = subprocess.run(["zstd", "-3", "-q", "-c"], input=raw,
                       capture_output=True, check=True).stdout
    return b"\x01" + varint(len(raw)) + z


def variant_raw(n):
    raw = varint(n)
    for i in range(n):
        raw += varint(2 * 997 * (i + 1))  # zigzag of a positive step
    for i in range(n):
        for s in (f"rs{i}".encode(), b"A", b"G"):
            raw += varint(len(s)) + s
        raw += b"\x00"
    return raw


def genotype_raw(n, dosages, uniform_flags):
    raw = bytes([(1 if dosages else 0) | (0 if uniform_flags else 2)])
    if uniform_flags:
        raw += b"\x01"  # every call phased
    packed = bytearray((n + 3) // 4)
    for i in range(n):
        packed[i // 4] |= (i % 4 if i % 4 < 3 else 3) << (2 * (i % 4))
    raw += bytes(packed)
    if not uniform_flags:
        raw += bytes(i % 3 for i in range(n))
    if dosages:
        raw += b"\x00\x00\x80\x3f" * n  # 1.0f
    return raw


def main():
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    seeds = {}
    for n in (0, 1, 17, 300):
        v = block(variant_raw(n))
        seeds[f"variants_{n}"] = b"\x00" + v
        seeds[f"variants_{n}_truncated"] = b"\x00" + v[: len(v) // 2]
        g = block(genotype_raw(n, n % 2 == 1, n % 3 == 0), compress=n > 20)
        seeds[f"calls_{n}"] = b"\x01" + bytes([n & 255, n >> 8]) + g
        damaged = bytearray(g)
        if len(damaged) > 4:
            damaged[rng.randrange(2, len(damaged))] ^= 0x55
        seeds[f"calls_{n}_damaged"] = b"\x01" + bytes([n & 255, n >> 8]) + damaged
    for k in range(4):
        seeds[f"roundtrip_{k}"] = b"\x02" + bytes(
            rng.randrange(256) for _ in range(4 * 40 * (k + 1) + 1))
    for name, data in seeds.items():
        (out / name).write_bytes(data)


if __name__ == "__main__":
    main()
