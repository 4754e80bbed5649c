#!/usr/bin/env python3
"""Replicates the records of a VCF into a bigger synthetic VCF with the same
samples, for the ingest benchmarks (bench/ingest_clinical.sh). Standard
library only; pipe the output through bgzip.

Usage: bench/make_vcf_copies.py IN.vcf[.gz] COPIES > OUT.vcf

Each record is written COPIES times, at positions q, q+1, ..., q+COPIES-1,
where q is the record's position moved forward just enough to leave room
for the copies before the chromosome's next record (q_i = max(pos_i,
q_{i-1} + COPIES)). Chromosomes keep their order in the input, so the output
is sorted whenever the input is grouped by chromosome and sorted within
each. IDs become chrom:pos:ref:alt with the new position; genotypes, REF and
ALT are copied unchanged (so REF no longer matches the reference genome: the
data are synthetic). A ##jumeau_synthetic header line says so.
"""

import gzip
import sys


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    path, copies = argv[1], int(argv[2])
    if copies < 1:
        sys.stderr.write("COPIES must be at least 1\n")
        return 2
    opener = gzip.open if path.endswith(".gz") else open
    out = sys.stdout
    chrom, last = None, 0
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("##"):
                out.write(line)
                continue
            if line.startswith("#"):
                out.write(
                    "##jumeau_synthetic=<Description=\"SYNTHETIC: every record "
                    "of %s repeated %d times at consecutive positions by "
                    "jumeau bench/make_vcf_copies.py; not real variants\">\n"
                    % (path.rsplit("/", 1)[-1], copies))
                out.write(line)
                continue
            fields = line.split("\t", 9)
            if fields[0] != chrom:
                chrom, last = fields[0], -copies
            q = max(int(fields[1]), last + copies)
            last = q
            rest = "\t".join(fields[2:])[len(fields[2]):]  # from REF's tab
            for k in range(copies):
                pos = str(q + k)
                out.write("%s\t%s\t%s:%s:%s:%s%s" %
                          (chrom, pos, chrom, pos, fields[3], fields[4], rest))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
