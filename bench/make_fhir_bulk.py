#!/usr/bin/env python3
"""Replicates a FHIR Bulk Data export into a bigger synthetic one, for the
ingest benchmarks (bench/ingest_clinical.sh). Standard library only.

Usage: bench/make_fhir_bulk.py SRC_FOLDER OUT_FOLDER COPIES

Every <Type>.NNN.ndjson of SRC_FOLDER becomes <Type>.000.ndjson in OUT_FOLDER
holding COPIES copies of its lines (copy 0 first, then copy 1, ...). In copy k
every UUID anywhere in a line (resource ids, references such as
"Patient/<uuid>" or "Encounter/<uuid>", "urn:uuid:<uuid>", conditional
references "...|<uuid>", identifier values equal to an id) gets the suffix
"-c<k>" (six digits), and so does every Patient.identifier value that is not a
UUID (SSN, driver's licence, passport), so that copies are distinct patients
with distinct resources that the store does not link to one another. Bytes
are otherwise kept as they are. Deterministic: the same input and COPIES give
the same bytes. log.ndjson (the export's log, not resources) is copied once.
A README.md in OUT_FOLDER labels the result synthetic.
"""

import json
import os
import re
import sys

UUID = re.compile(
    r"(?<![0-9A-Fa-f])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
    r"[0-9a-f]{12}(?![0-9A-Fa-f])")
MARK = "\x01"  # never in JSON text unescaped; replaced by the copy suffix


def template(line):
    """The line with MARK after every UUID and every Patient identifier."""
    out = UUID.sub(lambda m: m.group(0) + MARK, line)
    try:
        resource = json.loads(line)
    except ValueError:
        return out
    if resource.get("resourceType") != "Patient":
        return out
    for ident in resource.get("identifier", []):
        value = ident.get("value")
        if not isinstance(value, str) or UUID.fullmatch(value):
            continue
        quoted = json.dumps(value, ensure_ascii=False)[1:-1]
        for sep in ('":"', '": "'):
            needle = '"value' + sep + quoted + '"'
            out = out.replace(needle, needle[:-1] + MARK + '"')
    return out


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    src, dst, copies = argv[1], argv[2], int(argv[3])
    if copies < 1 or copies > 999999:
        sys.stderr.write("COPIES must be in 1..999999\n")
        return 2
    os.makedirs(dst, exist_ok=True)
    names = sorted(n for n in os.listdir(src) if n.endswith(".ndjson"))
    by_type = {}
    for name in names:
        if name == "log.ndjson":
            with open(os.path.join(src, name), "rb") as f, \
                    open(os.path.join(dst, name), "wb") as g:
                g.write(f.read())
            continue
        resource_type = name.split(".")[0]
        with open(os.path.join(src, name), encoding="utf-8") as f:
            lines = [l if l.endswith("\n") else l + "\n"
                     for l in f.read().splitlines(keepends=True) if l.strip()]
        by_type.setdefault(resource_type, []).extend(template(l) for l in lines)
    total = 0
    total_bytes = 0
    for resource_type, lines in sorted(by_type.items()):
        chunk = "".join(lines)
        path = os.path.join(dst, resource_type + ".000.ndjson")
        with open(path, "w", encoding="utf-8", newline="\n") as g:
            for k in range(copies):
                g.write(chunk.replace(MARK, "-c%06d" % k))
        total += len(lines) * copies
        total_bytes += os.path.getsize(path)
    with open(os.path.join(dst, "README.md"), "w", encoding="utf-8") as g:
        g.write(
            "# SYNTHETIC benchmark data\n\n"
            "Written by jumeau bench/make_fhir_bulk.py: %d copies of the "
            "Synthea-generated (synthetic) FHIR Bulk Data export in\n%s.\n"
            "In copy k every UUID and every Patient.identifier value carries "
            "the suffix -c<k> (six digits),\nso copies are distinct synthetic "
            "patients. Not real patients; for benchmarks only.\n\n"
            "Resources: %d in %d bytes.\n" %
            (copies, os.path.abspath(src), total, total_bytes))
    print("%s: %d resources, %d bytes, %d copies" %
          (dst, total, total_bytes, copies))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
