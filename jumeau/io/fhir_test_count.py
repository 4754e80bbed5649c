#!/usr/bin/env python3
"""Independent count of FHIR resources, for jumeau/io/fhir_test.cc.

Reads FHIR JSON files (a Bundle or one resource), NDJSON files and folders of
them with Python's standard json module only, and prints one line per count:

  TYPE<TAB>resourceType<TAB>n
  PATIENT<TAB>patient<TAB>resourceType<TAB>n

Resources are those at the top of a file or NDJSON line and the entries of
Bundles (recursively); Bundles count too, contained resources do not. A
resource belongs to the patient its subject (else patient) reference names,
resolved within its Bundle (fullUrl, or Type/id) or across all inputs
("Patient/<id>", or a Patient fullUrl); unresolved references are printed as
written. A Patient belongs to itself. In folders, log.ndjson and Bulk Data
manifests (no resourceType, with transactionTime and output) are skipped.

Usage: fhir_test_count.py PATH...
"""
import collections
import json
import os
import sys


def id_from_full_url(url):
    for urn in ("urn:uuid:", "urn:oid:"):
        if url.startswith(urn):
            return url[len(urn):]
    url = url.split("/_history/")[0]
    return url.rsplit("/", 1)[-1]


def type_id(ref):
    """("Patient", "1") from "Patient/1" or ".../Patient/1"; else None."""
    if not ref or ref.startswith("#") or ref.startswith("urn:") or "?" in ref:
        return None
    ref = ref.split("/_history/")[0]
    parts = ref.split("/")
    if len(parts) < 2 or not parts[-1] or not parts[-2][:1].isupper():
        return None
    return parts[-2], parts[-1]


def main(paths):
    # (resource, bundle_scope) for every resource; scope maps refs to entries.
    resources = []
    patient_ids = set()
    patient_full_urls = {}

    def add(resource, scope, full_url):
        rid = resource.get("id") or (id_from_full_url(full_url) if full_url else "")
        resources.append((resource, scope, rid))
        if resource.get("resourceType") == "Patient":
            patient_ids.add(rid)
            if full_url:
                patient_full_urls[full_url] = rid
        if resource.get("resourceType") == "Bundle":
            inner = {"parent": scope, "by_url": {}, "by_type_id": {}}
            entries = [e for e in resource.get("entry", []) if "resource" in e]
            for e in entries:
                r = e["resource"]
                eid = r.get("id") or (id_from_full_url(e["fullUrl"]) if e.get("fullUrl") else "")
                info = (r.get("resourceType"), eid)
                if e.get("fullUrl"):
                    inner["by_url"][e["fullUrl"]] = info
                inner["by_type_id"]["%s/%s" % info] = info
            for e in entries:
                add(e["resource"], inner, e.get("fullUrl", ""))

    def read_json_file(path, in_folder):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        if in_folder and "resourceType" not in doc and "transactionTime" in doc and "output" in doc:
            return
        add(doc, None, "")

    def read_ndjson_file(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    add(json.loads(line), None, "")

    for path in paths:
        if os.path.isdir(path):
            for name in sorted(os.listdir(path)):
                full = os.path.join(path, name)
                if name == "log.ndjson" or not os.path.isfile(full):
                    continue
                if name.endswith(".ndjson"):
                    read_ndjson_file(full)
                elif name.endswith(".json"):
                    read_json_file(full, True)
        elif path.endswith(".ndjson"):
            read_ndjson_file(path)
        else:
            read_json_file(path, False)

    def resolve(ref, scope):
        s = scope
        while s is not None:
            info = s["by_url"].get(ref)
            if info is None:
                ti = type_id(ref)
                if ti:
                    info = s["by_type_id"].get("%s/%s" % ti)
            if info is not None:
                return info[1] if info[0] == "Patient" and info[1] else ref
            s = s["parent"]
        if ref in patient_full_urls:
            return patient_full_urls[ref]
        ti = type_id(ref)
        if ti and ti[0] == "Patient" and ti[1] in patient_ids:
            return ti[1]
        return ref

    by_type = collections.Counter()
    by_patient = collections.Counter()
    for resource, scope, rid in resources:
        rtype = resource["resourceType"]
        by_type[rtype] += 1
        if rtype == "Patient":
            by_patient[(rid, rtype)] += 1
            continue
        if rtype in ("Bundle", "Medication"):
            continue
        ref = None
        for member in ("subject", "patient"):
            value = resource.get(member)
            if isinstance(value, dict):
                ref = value.get("reference")
                break
        if ref:
            by_patient[(resolve(ref, scope), rtype)] += 1
    for rtype, n in sorted(by_type.items()):
        print("TYPE\t%s\t%d" % (rtype, n))
    for (patient, rtype), n in sorted(by_patient.items()):
        print("PATIENT\t%s\t%s\t%d" % (patient, rtype, n))


if __name__ == "__main__":
    main(sys.argv[1:])
