#!/usr/bin/env python3
"""Regenerates fuzz/corpus/vcf_fuzz/ and fuzz/corpus/pgs_fuzz/.

vcf_fuzz: a small slice of the public tiny1000G.vcf.gz (first records, first
samples) as text, BGZF and gzip, truncated and byte-mutated copies, a raw
prefix of the real bgzipped file, generated edge cases (multi-allelic sites,
dosages, haploid and half calls, broken records and headers), and BCF copies
made with bcftools when it is installed.
pgs_fuzz: the public PGS000001 scoring files (harmonized text, gzip), their
truncated and mutated copies, and generated files for each column and flag.
Deterministic; stdlib only (bcftools optional). Files named lf_* (inputs that
libFuzzer runs added coverage with, merged with -merge=1) are left alone.

Usage: fuzz/make_vcf_corpus.py [DATA_DIR] [OUT_ROOT]
  DATA_DIR defaults to ../shared/data next to the source root,
  OUT_ROOT to fuzz/corpus.
"""
import gzip
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data")
OUT_ROOT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "corpus")
MAX_FILE = 64 * 1024

BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


def bgzf(data, eof=True):
    """BGZF-compresses `data` as bgzip does (blocks of at most 60000 bytes)."""
    out = b""
    for start in range(0, max(len(data), 1), 60000):
        chunk = data[start:start + 60000]
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        deflated = comp.compress(chunk) + comp.flush()
        size = 18 + len(deflated) + 8
        out += b"\x1f\x8b\x08\x04\x00\x00\x00\x00\x00\xff\x06\x00BC\x02\x00"
        out += struct.pack("<H", size - 1) + deflated
        out += struct.pack("<II", zlib.crc32(chunk) & 0xFFFFFFFF, len(chunk))
    return out + (BGZF_EOF if eof else b"")


def gz(data):
    return gzip.compress(data, mtime=0)


def mutate(data, rng, count):
    b = bytearray(data)
    for _ in range(count):
        if not b:
            break
        i = rng.randrange(len(b))
        b[i] = rng.choice([0, 9, 10, 0x2E, 0x7C, 0x2F, 0x3A, 0x30, 0x31, 0x39, 0xFF, rng.randrange(256)])
    return bytes(b)


def write(out_dir, name, data):
    assert len(data) <= MAX_FILE, (name, len(data))
    with open(os.path.join(out_dir, name), "wb") as f:
        f.write(data)


# ---------------------------------------------------------------------------
# VCF

HEADER = (
    "##fileformat=VCFv4.2\n"
    "##contig=<ID=1,length=248956422,assembly=GRCh38>\n"
    "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n"
    "##FORMAT=<ID=DS,Number=A,Type=Float,Description=\"Dosage\">\n"
    "##INFO=<ID=AF,Number=A,Type=Float,Description=\"Frequency\">\n"
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2\tS3\n"
)

GENERATED_VCF = {
    "gen_valid": HEADER + "1\t100\trs1\tA\tG\t50\tPASS\tAF=0.5\tGT:DS\t0|1:1\t1|1:2\t0/0:0\n"
                          "1\t200\t.\tC\tT\t.\t.\t.\tGT\t0/1\t./.\t1|0\n",
    "gen_multiallelic": HEADER + "1\t100\trs1\tA\tG,T,<DEL>\t.\t.\tAF=0.1,0.2,0.3\tGT:DS\t1|2:0.5,0.7,0\t3/3:.\t0|0:0,0,0\n",
    "gen_haploid_half": HEADER + "1\t100\trs1\tA\tG\t.\t.\t.\tGT\t0\t1\t.\n1\t101\trs2\tA\tG\t.\t.\t.\tGT\t0/.\t.|1\t./.\n",
    "gen_no_alt": HEADER + "1\t100\trs1\tA\t.\t.\t.\t.\tGT\t0/0\t0|0\t0\n",
    "gen_spanning": HEADER + "1\t100\trs1\tAT\t*,A\t.\t.\t.\tGT\t1/2\t0/1\t2|2\n",
    "gen_bad_gt": HEADER + "1\t100\trs1\tA\tG\t.\t.\t.\tGT\t0|x\t1|1\t0|0\n",
    "gen_bad_allele": HEADER + "1\t100\trs1\tA\tG\t.\t.\t.\tGT\t0|7\t1|1\t0|0\n",
    "gen_bad_pos": HEADER + "1\tabc\trs1\tA\tG\t.\t.\t.\tGT\t0|1\t1|1\t0|0\n",
    "gen_zero_pos": HEADER + "1\t0\trs1\tA\tG\t.\t.\t.\tGT\t0|1\t1|1\t0|0\n",
    "gen_huge_pos": HEADER + "1\t9999999999999999999999\trs1\tA\tG\t.\t.\t.\tGT\t0|1\t1|1\t0|0\n",
    "gen_few_columns": HEADER + "1\t100\trs1\tA\tG\t.\t.\t.\tGT\t0|1\n1\t100\n",
    "gen_many_columns": HEADER + "1\t100\trs1\tA\tG\t.\t.\t.\tGT\t0|1\t0|1\t0|1\t0|1\t1|1\n",
    "gen_triploid": HEADER + "1\t100\trs1\tA\tG\t.\t.\t.\tGT\t0/1/1\t1/1/1\t0/0/0\n",
    "gen_bad_ds": HEADER + "1\t100\trs1\tA\tG\t.\t.\t.\tGT:DS\t0|1:7\t1|1:-1\t0|0:nan\n",
    "gen_no_gt": HEADER + "1\t100\trs1\tA\tG\t.\t.\t.\tDS\t0.5\t1\t2\n",
    "gen_no_format": HEADER + "1\t100\trs1\tA\tG\t.\t.\t.\n",
    "gen_late_header": HEADER + "1\t100\trs1\tA\tG\t.\t.\t.\tGT\t0|1\t1|1\t0|0\n##INFO=<ID=X>\n",
    "gen_crlf_blank": (HEADER + "1\t100\trs1\tA\tG\t.\t.\t.\tGT\t0|1\t1|1\t0|0\n\n\n").replace("\n", "\r\n"),
    "gen_undefined_tags": HEADER + "2\t100\trs1\tA\tG\t.\tq10\tFOO=1;BAR\tGT:XX\t0|1:3\t1|1:4\t0|0:5\n",
    "gen_sites_only": "##fileformat=VCFv4.3\n##reference=file:///ref/hs37d5.fa\n"
                      "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\t100\trs1\tA\tG\t.\t.\t.\n",
    "gen_ds_integer": HEADER.replace("Type=Float,Description=\"Dosage", "Type=Integer,Description=\"Dosage")
                      + "1\t100\trs1\tA\tG\t.\t.\t.\tGT:DS\t0|1:1\t1|1:2\t0|0:0\n",
    "gen_header_only": HEADER,
    "gen_header_ends": "##fileformat=VCFv4.2\n##source=x\n",
    "gen_no_chrom_line": "##fileformat=VCFv4.2\n1\t100\trs1\tA\tG\t.\t.\t.\n",
    "gen_bad_chrom_line": "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\n",
    "gen_dup_samples": "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tA\n",
    "gen_bad_meta": "##fileformat=VCFv4.2\n##FORMAT=<ID=GT,Number=1,Type=Strin\n##INFO=<ID\n"
                    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n",
    "gen_no_header": "1\t100\trs1\tA\tG\t.\t.\t.\tGT\t0|1\n",
    "gen_empty": "",
    "gen_chr_prefix": HEADER.replace("ID=1,", "ID=chr1,") + "chr1\t150\trs1\tA\tG\t.\t.\t.\tGT\t0|1\t1|1\t0|0\n",
}


def tiny_slice(text, records, samples):
    """The header and the first `records` records of tiny1000G, cut to the
    first `samples` samples."""
    out = []
    count = 0
    for line in text.split("\n"):
        if not line:
            continue
        if line.startswith("##"):
            out.append(line)
            continue
        fields = line.split("\t")
        out.append("\t".join(fields[:9 + samples]))
        if not line.startswith("#"):
            count += 1
            if count >= records:
                break
    # BCF needs every contig declared: add ##contig lines after line 1.
    chroms = []
    for line in out:
        if not line.startswith("#"):
            chrom = line.split("\t")[0]
            if chrom not in chroms:
                chroms.append(chrom)
    out[1:1] = ["##contig=<ID=%s>" % c for c in chroms]
    return "\n".join(out) + "\n"


def make_vcf(out_dir):
    rng = random.Random(20240611)
    for name, text in GENERATED_VCF.items():
        data = text.encode("latin-1")
        write(out_dir, name + ".vcf", data)
        if name in ("gen_valid", "gen_multiallelic", "gen_bad_gt"):
            write(out_dir, name + ".vcf.gz", bgzf(data))
            write(out_dir, name + ".gzip.vcf.gz", gz(data))

    tiny_path = os.path.join(DATA, "vcf", "tiny1000G.vcf.gz")
    if os.path.exists(tiny_path):
        raw = open(tiny_path, "rb").read()
        text = gzip.decompress(raw).decode("latin-1")
        small = tiny_slice(text, 40, 40).encode()
        write(out_dir, "tiny_slice.vcf", small)
        write(out_dir, "tiny_slice.vcf.gz", bgzf(small))
        write(out_dir, "tiny_slice_noeof.vcf.gz", bgzf(small, eof=False))
        wide = tiny_slice(text, 3, 600).encode()
        write(out_dir, "tiny_wide.vcf", wide)
        comp = bgzf(small)
        for i, cut in enumerate((30, len(comp) // 3, len(comp) - 40)):
            write(out_dir, "tiny_slice_cut_%d.vcf.gz" % i, comp[:cut])
        for i, cut in enumerate((100, len(small) // 2, len(small) - 7)):
            write(out_dir, "tiny_slice_cut_%d.vcf" % i, small[:cut])
        for i in range(6):
            write(out_dir, "tiny_slice_mutated_%d.vcf" % i, mutate(small, rng, 4 + i))
        for i in range(3):
            write(out_dir, "tiny_slice_mutated_%d.vcf.gz" % i, mutate(comp, rng, 2 + i))
        write(out_dir, "tiny_raw_prefix.vcf.gz", raw[:MAX_FILE])

    if shutil.which("bcftools"):
        with tempfile.TemporaryDirectory() as tmp:
            sources = ["gen_valid", "gen_multiallelic"]
            if os.path.exists(os.path.join(out_dir, "tiny_slice.vcf")):
                sources.append("tiny_slice")
            for name in sources:
                src = os.path.join(out_dir, name + ".vcf")
                for fmt, ext in (("b", ".bcf"), ("u", ".ubcf")):
                    dst = os.path.join(tmp, name + ext)
                    subprocess.run(["bcftools", "view", "--no-version", "-O" + fmt, "-o", dst, src],
                                   check=True, capture_output=True)
                    data = open(dst, "rb").read()
                    write(out_dir, name + ext, data)
                    if name == "tiny_slice" and fmt == "b":
                        write(out_dir, name + "_cut.bcf", data[:len(data) // 2])
                        write(out_dir, name + "_mutated.ubcf", mutate(open(os.path.join(tmp, name + ".bcf"), "rb").read(), rng, 3))
    else:
        print("bcftools not installed: no BCF inputs", file=sys.stderr)


# ---------------------------------------------------------------------------
# PGS

PGS_HEADER = ("###PGS CATALOG SCORING FILE - generated\n#format_version=2.0\n#pgs_id=PGS999999\n"
              "#genome_build=GRCh37\n#HmPOS_build=GRCh38\n#variants_number=4\n")

GENERATED_PGS = {
    "gen_flags": PGS_HEADER + "rsID\tchr_name\tchr_position\teffect_allele\tother_allele\teffect_weight\t"
                              "is_dominant\tis_recessive\tallelefrequency_effect\thm_chr\thm_pos\thm_inferOtherAllele\n"
                              "rs1\t11\t69516650\tT\tC\t0.5\tTrue\tFalse\t0.2\t11\t69516650\t\n"
                              "rs2\t5\t1282204\tA\t\t-1\tFalse\tTrue\t\t5\t1282204\tC\n"
                              "rs3\t1\t100\tT\tA\t2\t\t\tNA\tchr1\t100\tA/G\n"
                              "rs4\tX\t200\tC\tT\t1e-3\tFALSE\tFALSE\t1.5\tX\t200\t\n",
    "gen_haplotype": PGS_HEADER + "rsID\teffect_allele\teffect_weight\tis_haplotype\nrs1\tA\t1\tTrue\n",
    "gen_dosage_weights": PGS_HEADER + "rsID\teffect_allele\tdosage_0_weight\tdosage_1_weight\tdosage_2_weight\n"
                                       "rs1\tA\t0\t1\t3\n",
    "gen_bad_weight": PGS_HEADER + "rsID\teffect_allele\teffect_weight\nrs1\tA\tx\n",
    "gen_bad_position": PGS_HEADER + "chr_name\tchr_position\teffect_allele\teffect_weight\n1\t-3\tA\t1\n",
    "gen_bad_columns": PGS_HEADER + "rsID\teffect_allele\teffect_weight\nrs1\tA\n",
    "gen_no_effect": PGS_HEADER + "rsID\teffect_weight\nrs1\t1\n",
    "gen_dup_column": PGS_HEADER + "effect_allele\teffect_allele\teffect_weight\n",
    "gen_header_only": PGS_HEADER,
    "gen_empty": "",
    "gen_crlf": (PGS_HEADER + "rsID\tchr_name\tchr_position\teffect_allele\tother_allele\teffect_weight\n"
                              "rs1\t11\t69516650\tt\tc\t0.1\n").replace("\n", "\r\n"),
    "gen_old_format": "### PGS CATALOG SCORING FILE\n# PGS ID = PGS000001\nrsID\tchr_name\teffect_allele\t"
                      "reference_allele\teffect_weight\nrs1\t1\tA\tG\t0.1\n",
    "gen_interaction": PGS_HEADER + "rsID\teffect_allele\teffect_weight\tis_interaction\nrs1\tA\t1\tmaybe\n",
}


def make_pgs(out_dir):
    rng = random.Random(20240612)
    for name, text in GENERATED_PGS.items():
        data = text.encode("latin-1")
        write(out_dir, name + ".txt", data)
        if name in ("gen_flags", "gen_crlf"):
            write(out_dir, name + ".txt.gz", gz(data))
            write(out_dir, name + ".bgz.txt.gz", bgzf(data))
    hm_path = os.path.join(DATA, "pgs", "PGS000001_hmPOS_GRCh38.txt")
    if os.path.exists(hm_path):
        hm = open(hm_path, "rb").read()
        write(out_dir, "PGS000001_hmPOS_GRCh38.txt", hm)
        for i, cut in enumerate((200, len(hm) // 2, len(hm) - 5)):
            write(out_dir, "PGS000001_hm_cut_%d.txt" % i, hm[:cut])
        for i in range(6):
            write(out_dir, "PGS000001_hm_mutated_%d.txt" % i, mutate(hm, rng, 3 + i))
    orig_path = os.path.join(DATA, "pgs", "PGS000001.txt.gz")
    if os.path.exists(orig_path):
        orig = open(orig_path, "rb").read()
        write(out_dir, "PGS000001.txt.gz", orig)
        for i, cut in enumerate((20, len(orig) // 2, len(orig) - 4)):
            write(out_dir, "PGS000001_cut_%d.txt.gz" % i, orig[:cut])
        for i in range(3):
            write(out_dir, "PGS000001_mutated_%d.txt.gz" % i, mutate(orig, rng, 1 + i))


def main():
    for target, make in (("vcf_fuzz", make_vcf), ("pgs_fuzz", make_pgs)):
        out_dir = os.path.join(OUT_ROOT, target)
        os.makedirs(out_dir, exist_ok=True)
        # lf_* files are coverage-merged inputs from libFuzzer runs: kept.
        for f in os.listdir(out_dir):
            if not f.startswith("lf_"):
                os.remove(os.path.join(out_dir, f))
        make(out_dir)
        files = os.listdir(out_dir)
        total = sum(os.path.getsize(os.path.join(out_dir, f)) for f in files)
        print("%s: %d files, %d bytes" % (out_dir, len(files), total))


if __name__ == "__main__":
    main()
