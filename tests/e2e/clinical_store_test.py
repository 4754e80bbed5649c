#!/usr/bin/env python3
"""Clinical sources in the store, checked by an independent parser.

Usage: clinical_store_test.py JUMEAU_BINARY SCRATCH_DIR

1. Every FHIR input of ../shared/data/fhir (the Synthea bundles, the Bulk
   Data export, the HL7 examples) is counted with Python's json module:
   resources per type, and per patient and type (attributed by subject, else
   patient, reference; a Patient under its own id). Each input is ingested
   into a fresh store after `jumeau link` has named each of its patients
   (so the store's patient for a FHIR id is known); then for each patient
   the store must hold one event source_ref per handled resource, and the
   ingest report must count the skipped ones.
2. No direct identifier of any input (names, address lines, phones and
   identifier values of FHIR Patients, names anywhere, VCF sample names,
   Challenge 2012 RecordIDs) appears in the raw bytes of the store file, its
   WAL or its shared-memory file, while a reader keeps the WAL alive.
3. The Challenge 2012 ICU stays ingest as events with LOINC codes, as many
   as the files have non-missing rows.

Test data comes from JUMEAU_TEST_DATA (default: ../shared/data beside the
source tree); absent data skips (exit 77) unless CI=true.
"""
import collections
import json
import os
import pathlib
import re
import shutil
import sqlite3
import subprocess
import sys

HANDLED = {
    "Observation", "Condition", "MedicationRequest", "MedicationStatement",
    "Procedure", "Encounter", "AllergyIntolerance", "Immunization",
    "DiagnosticReport", "Device",
}
FAILURES = []


def check(condition, message):
    if not condition:
        FAILURES.append(message)
        print("FAIL:", message)


def data_root():
    root = os.environ.get("JUMEAU_TEST_DATA") or os.environ.get(
        "JUMEAU_TEST_DATA_DEFAULT")
    if not root:
        root = str(pathlib.Path(__file__).resolve().parents[3] / "shared" / "data")
    return pathlib.Path(root)


def run(jumeau, *args):
    out = subprocess.run([jumeau, *map(str, args)], capture_output=True,
                         text=True)
    if out.returncode != 0:
        raise RuntimeError(f"jumeau {' '.join(map(str, args))}: "
                           f"exit {out.returncode}: {out.stderr.strip()}")
    return out.stdout


# --- the independent count -------------------------------------------------

def resources_of(path):
    """Yields (resource, fullUrl) of a .json (Bundle or resource) or .ndjson."""
    if path.suffix == ".ndjson":
        if path.name == "log.ndjson":
            return
        for line in path.read_text().splitlines():
            if line.strip():
                yield json.loads(line), ""
        return
    doc = json.loads(path.read_text())
    if doc.get("resourceType") == "Bundle":
        yield doc, ""
        for entry in doc.get("entry", []):
            if "resource" in entry:
                yield entry["resource"], entry.get("fullUrl", "")
    else:
        yield doc, ""


def patient_id_of(reference):
    if reference.startswith("urn:uuid:"):
        return reference[len("urn:uuid:"):]
    parts = reference.split("/")
    if len(parts) == 1:
        return reference
    return parts[-1] if parts[-2] == "Patient" else None


def count_fhir(files):
    """Returns ({type: n}, {patient id: {type: n}}, [Patient resources])."""
    by_type = collections.Counter()
    by_patient = collections.defaultdict(collections.Counter)
    patients = []
    for f in files:
        for resource, full_url in resources_of(f):
            rtype = resource["resourceType"]
            by_type[rtype] += 1
            if rtype == "Bundle":
                continue
            if rtype == "Patient":
                pid = resource.get("id") or patient_id_of(full_url)
                by_patient[pid][rtype] += 1
                patients.append((pid, resource))
                continue
            ref = (resource.get("subject") or resource.get("patient") or {})
            ref = ref.get("reference", "") if isinstance(ref, dict) else ""
            pid = patient_id_of(ref) if ref else None
            if pid:
                by_patient[pid][rtype] += 1
    return by_type, by_patient, patients


def identifiers_in(value, out):
    """Collects names, address lines, phones anywhere in a resource."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "name" and isinstance(item, list):
                for name in item:
                    if isinstance(name, dict):
                        out.update(name.get("given", []))
                        out.update(name.get("prefix", []))
                        out.update(name.get("suffix", []))
                        for k in ("family", "text"):
                            if name.get(k):
                                out.add(name[k])
            elif key == "address" and isinstance(item, list):
                for address in item:
                    out.update(address.get("line", []))
                    if address.get("text"):
                        out.add(address["text"])
            elif key == "telecom" and isinstance(item, list):
                out.update(t["value"] for t in item if t.get("value"))
            else:
                identifiers_in(item, out)
    elif isinstance(value, list):
        for item in value:
            identifiers_in(item, out)


# --- the checks --------------------------------------------------------------

def check_fhir_counts(jumeau, scratch, fhir):
    inputs = sorted((fhir / "synthea_bundles").glob("*.json"))
    inputs += [fhir / "bulk_ndjson_10patients", fhir / "hl7_examples"]
    for n, source in enumerate(inputs):
        files = sorted(source.iterdir()) if source.is_dir() else [source]
        files = [f for f in files if f.suffix in (".json", ".ndjson")]
        by_type, by_patient, _ = count_fhir(files)
        store = scratch / f"fhir{n}.jumeau"
        run(jumeau, "init", store)
        names = {}
        for i, pid in enumerate(sorted(by_patient)):
            names[pid] = f"t{i}"
            run(jumeau, "link", store, "--source-id", f"fhir-patient:{pid}",
                "--patient", names[pid])
        report = json.loads(run(jumeau, "ingest", store, source, "--json"))[0]
        label = source.name[:24]
        check(report["resources_by_type"] == dict(by_type),
              f"{label}: resources by type {report['resources_by_type']} != "
              f"json {dict(by_type)}")
        for pid, counts in by_patient.items():
            name = names[pid]
            reported = report["resources_by_patient"].get(name, {})
            check(reported == dict(counts),
                  f"{label} patient {name}: report {reported} != json "
                  f"{dict(counts)}")
            handled = {t: c for t, c in counts.items() if t in HANDLED}
            if not handled:
                continue
            events = json.loads(run(jumeau, "events", store, name, "--json"))
            refs = collections.defaultdict(set)
            for e in events:
                if "source_ref" in e:
                    refs[e["source_ref"].split("/")[0]].add(e["source_ref"])
            stored = {t: len(r) for t, r in refs.items()}
            check(stored == handled,
                  f"{label} patient {name}: stored resources {stored} != "
                  f"json {handled}")
        skipped_total = sum(report["skipped_by_type"].values())
        handled_total = sum(c for t, c in by_type.items() if t in HANDLED)
        check(skipped_total + handled_total + by_type.get("Patient", 0) +
              by_type.get("Bundle", 0) >= sum(by_type.values()),
              f"{label}: {sum(by_type.values())} resources but only "
              f"{handled_total} handled and {skipped_total} skipped")
        print(f"ok: {label}: {sum(by_type.values())} resources, "
              f"{len(by_patient)} patients match")


def check_no_identifiers(jumeau, scratch, data):
    fhir = data / "fhir"
    inputs = sorted((fhir / "synthea_bundles").glob("*.json"))
    inputs += [fhir / "bulk_ndjson_10patients", fhir / "hl7_examples"]
    secrets = set()
    other_ids = set()  # ids of non-Patient resources, stored as provenance
    for source in inputs:
        files = sorted(source.iterdir()) if source.is_dir() else [source]
        files = [f for f in files if f.suffix in (".json", ".ndjson")]
        for f in files:
            for resource, _ in resources_of(f):
                identifiers_in(resource, secrets)
                if resource.get("resourceType") != "Patient":
                    other_ids.add(resource.get("id", ""))
                if resource.get("resourceType") == "Patient":
                    secrets.add(resource.get("id", ""))
                    secrets.update(i["value"] for i in
                                   resource.get("identifier", [])
                                   if i.get("value"))
    vcf = data / "vcf" / "tiny1000G.vcf.gz"
    challenge = data / "cohort" / "challenge2012_set-a"
    stays = sorted(challenge.glob("1*.txt"))[:20]
    for stay in stays:
        secrets.add(stay.stem)  # RecordID, equal to the file name
    # Short strings ("Mr.", "MD") would match by chance in compressed bytes.
    # An id shared by a Patient and another resource (the HL7 examples call
    # both "example") is kept as that resource's source_ref: not a leak.
    secrets = {s for s in secrets if len(s) >= 4 and s not in other_ids}
    check(len(secrets) > 100, f"only {len(secrets)} identifiers collected")

    store = scratch / "identities.jumeau"
    run(jumeau, "init", store)
    reader = sqlite3.connect(store)  # keeps the WAL after jumeau exits
    reader.execute("SELECT count(*) FROM meta").fetchone()
    run(jumeau, "ingest", store, *inputs, vcf, *stays)
    reader.execute("SELECT count(*) FROM patients").fetchone()
    raw = b""
    for suffix in ("", "-wal", "-shm"):
        p = pathlib.Path(str(store) + suffix)
        if p.exists():
            raw += p.read_bytes()
    check(pathlib.Path(str(store) + "-wal").exists(),
          "the WAL was not kept alive: only the main file was searched")
    found = [s for s in secrets if s.encode() in raw]
    check(not found, f"identifiers in the store bytes: {sorted(found)[:10]}")
    # VCF sample names: HG/NA + 5 digits.
    samples = set(re.findall(rb"(?:HG|NA)\d{5}", raw))
    check(not samples, f"VCF sample names in the store: {sorted(samples)[:5]}")
    patients = reader.execute("SELECT count(*) FROM patients").fetchone()[0]
    check(patients >= 3202, f"{patients} patients, expected >= 3202")
    reader.close()
    print(f"ok: {len(secrets)} identifiers and 3202 sample names absent from "
          f"{len(raw)} bytes of store, WAL and shm")


def check_challenge(jumeau, scratch, data):
    challenge = data / "cohort" / "challenge2012_set-a"
    stays = sorted(challenge.glob("1*.txt"))
    check(len(stays) >= 100, f"{len(stays)} ICU stays found")
    store = scratch / "icu.jumeau"
    run(jumeau, "init", store)
    for stay in stays[:10]:
        rows = collections.Counter()
        record = None
        for line in stay.read_text().splitlines()[1:]:
            _, parameter, value = line.split(",")
            if parameter == "RecordID":
                record = value
                continue
            if value not in ("", "-1"):
                rows[parameter] += 1
        name = f"icu{record}"
        run(jumeau, "link", store, "--source-id",
            f"challenge2012-record:{record}", "--patient", name)
        run(jumeau, "ingest", store, stay)
        events = json.loads(run(jumeau, "events", store, name, "--json"))
        loinc = [e for e in events if e["system"] == "http://loinc.org"]
        check(len(events) == sum(rows.values()),
              f"{stay.name}: {len(events)} events, {sum(rows.values())} rows")
        heart = [e for e in loinc if e["code"] == "8867-4"]
        check(len(heart) == rows.get("HR", 0),
              f"{stay.name}: {len(heart)} HR events (8867-4), "
              f"{rows.get('HR', 0)} HR rows")
        check(len(loinc) >= 0.9 * len(events),
              f"{stay.name}: only {len(loinc)} of {len(events)} LOINC-coded")
    print("ok: 10 ICU stays ingest as LOINC-coded events, one per row")


def main():
    jumeau, scratch = sys.argv[1], pathlib.Path(sys.argv[2])
    data = data_root()
    if not (data / "fhir").is_dir():
        message = f"test data not found at {data} (set JUMEAU_TEST_DATA)"
        if os.environ.get("CI") == "true":
            print("FAIL:", message)
            return 1
        print("SKIP:", message)
        return 77
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    check_fhir_counts(jumeau, scratch, data / "fhir")
    check_no_identifiers(jumeau, scratch, data)
    check_challenge(jumeau, scratch, data)
    if FAILURES:
        print(f"{len(FAILURES)} failures")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
