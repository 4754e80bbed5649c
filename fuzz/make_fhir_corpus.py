#!/usr/bin/env python3
"""Regenerates the seed corpus of the FHIR fuzz target (fuzz/fhir_fuzz.cc).

fuzz/corpus/fhir_fuzz/ gets: small valid Bundles cut from the Synthea
bundles of the shared test data (the first entries of each, so references
resolve), the HL7 examples, the first lines of each Bulk Data NDJSON file,
prefixes (truncations) and byte mutations of those, and hand-made edge cases
(partial dates, every value[x], components, reference ranges, contained and
bundled Medications, wrong types, bad dates, unknown resource types, deep
nesting, big numbers, escapes). Each file is at most 64 KiB, the whole
corpus well under 400 KiB. Files named found_* (from libFuzzer runs) are
kept. Deterministic: a fixed seed. Usage:
  python3 fuzz/make_fhir_corpus.py [DATA_ROOT]   (default ../shared/data)
"""
import glob
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "shared", "data")
FHIR = os.path.join(DATA, "fhir")
OUT = os.path.join(HERE, "corpus", "fhir_fuzz")
rng = random.Random(20240612)

os.makedirs(OUT, exist_ok=True)
for name in os.listdir(OUT):
    if not name.startswith("found_"):
        os.remove(os.path.join(OUT, name))

total = 0


def write(name, data):
    global total
    if isinstance(data, str):
        data = data.encode("utf-8")
    assert len(data) <= 64 * 1024, (name, len(data))
    total += len(data)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def mutate(b, n=3):
    b = bytearray(b)
    for _ in range(n):
        if not b:
            break
        i = rng.randrange(len(b))
        op = rng.randrange(3)
        if op == 0:
            b[i] = rng.choice(b'{}[],:"\\0123456789-.eEtfn \x80\xff')
        elif op == 1:
            del b[i]
        else:
            b.insert(i, rng.choice(b'{}[],:"0-'))
    return bytes(b)


def small_bundle(entries):
    return json.dumps({"resourceType": "Bundle", "type": "transaction", "entry": entries},
                      separators=(",", ":"))


# ---- Synthea bundles: valid small bundles (Patient + the first entries of
# each resource type), then prefixes and mutations.
for k, path in enumerate(sorted(glob.glob(os.path.join(FHIR, "synthea_bundles", "*.json")))):
    with open(path, encoding="utf-8") as f:
        bundle = json.load(f)
    entries = bundle["entry"]
    picked, seen = [], {}
    for e in entries:
        t = e["resource"]["resourceType"]
        if seen.get(t, 0) < 2:
            seen[t] = seen.get(t, 0) + 1
            picked.append(e)
    text = small_bundle(picked)
    while len(text) > 24 * 1024 and len(picked) > 2:
        picked.pop()
        text = small_bundle(picked)
    write("synthea%d_small.json" % k, text)
    raw = open(path, "rb").read()
    for cut in (1500, 7000, 20000):
        write("synthea%d_prefix%d.json" % (k, cut), raw[:cut])
    for m in range(2):
        write("synthea%d_mut%d.json" % (k, m), mutate(text.encode()[:8000], 4))

# ---- HL7 examples, whole and mutated.
for path in sorted(glob.glob(os.path.join(FHIR, "hl7_examples", "*.json"))):
    base = os.path.basename(path)[:-5]
    raw = open(path, "rb").read()
    write("hl7_" + base + ".json", raw)
    write("hl7_" + base + "_mut.json", mutate(raw, 3))
    write("hl7_" + base + "_prefix.json", raw[: len(raw) // 3])

# ---- Bulk Data NDJSON: the first lines of each file.
for path in sorted(glob.glob(os.path.join(FHIR, "bulk_ndjson_10patients", "*.ndjson"))):
    base = os.path.basename(path).split(".")[0]
    with open(path, "rb") as f:
        lines = f.readlines()[:3]
    data = b"".join(lines)
    while len(data) > 16 * 1024 and len(lines) > 1:
        lines.pop()
        data = b"".join(lines)
    write("bulk_" + base + ".ndjson", data[:16 * 1024])
    write("bulk_" + base + "_mut.ndjson", mutate(data[:8000], 4))

# ---- Hand-made edge cases.
P = '{"resourceType":"Patient","id":"p1","birthDate":"1970-06","gender":"female",' \
    '"identifier":[{"system":"urn:x","value":"A1"}],"deceasedDateTime":"2020"}'


def obs(extra):
    return ('{"resourceType":"Observation","id":"o","status":"final",'
            '"code":{"coding":[{"system":"http://loinc.org","code":"2345-7"}]},'
            '"subject":{"reference":"Patient/p1"},' + extra + '}')


cases = {
    "dates": [obs('"effectiveDateTime":"%s","valueInteger":1' % d) for d in
              ["2019", "2019-03", "2019-03-02", "2019-03-02T10:15:00+02:00",
               "2016-12-31T23:59:60Z", "2019-03-02T10:15Z", "1600", "2300-01-01",
               "2019-03-02T10:15:00.1234567891234-14:00"]],
    "bad_dates": [obs('"effectiveDateTime":"%s"' % d) for d in
                  ["2019-13", "2019-02-30", "0000", "2019-03-02T24:00:00Z", "2019-3-2"]],
    "values": [obs('"effectiveDateTime":"2019",' + v) for v in [
        '"valueQuantity":{"value":90.08,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"},'
        '"referenceRange":[{"low":{"value":70},"high":{"value":5.5,"unit":"mmol/L"},"text":"n"}]',
        '"valueQuantity":{"value":98.6,"unit":"degF"}',
        '"valueQuantity":{"value":5,"comparator":"<","unit":"widgets"}',
        '"valueString":"neg"', '"valueBoolean":true', '"valueInteger":7',
        '"valueCodeableConcept":{"coding":[{"system":"urn:l","code":"p"},{"system":"http://snomed.info/sct","code":"1"}]}',
        '"valueRatio":{"numerator":{"value":1}}', '"dataAbsentReason":{"text":"refused"}',
        '"component":[{"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},'
        '"valueQuantity":{"value":120,"unit":"mm[Hg]","system":"http://unitsofmeasure.org","code":"mm[Hg]"}},'
        '{"code":{"text":"x"},"valueQuantity":{"value":16,"code":"kPa","system":"http://unitsofmeasure.org"}}]',
    ]],
    "wrong_types": [obs('"effectiveDateTime":"2019",' + v) for v in [
        '"valueQuantity":"abc"', '"valueQuantity":{"value":"abc"}', '"valueInteger":1.5',
        '"valueBoolean":"yes"', '"component":{}', '"component":[{"valueQuantity":[]}]',
        '"referenceRange":[{"low":"x"}]', '"valueCodeableConcept":{"coding":{"code":"x"}}']] +
        ['{"id":"x"}', '{"resourceType":"Pateint"}', '{"resourceType":12}', '[]', '"x"',
         '{"resourceType":"Patient","birthDate":"1970-01-01T00:00:00Z"}',
         '{"resourceType":"Patient","identifier":"x"}',
         '{"resourceType":"Patient","deceasedBoolean":"no"}',
         '{"resourceType":"Condition","subject":"Patient/1"}'],
    "others": [
        '{"resourceType":"Condition","id":"c","subject":{"reference":"Patient/p1"},'
        '"clinicalStatus":{"coding":[{"code":"resolved"}]},"code":{"text":"x"},'
        '"onsetPeriod":{"end":"2019"},"abatementPeriod":{"start":"2020"}}',
        '{"resourceType":"Encounter","id":"e","class":{"code":"AMB"},"type":[{"text":"t"}],'
        '"subject":{"reference":"Patient/p1"},"period":{"start":"2019","end":"2019-02"}}',
        '{"resourceType":"AllergyIntolerance","id":"a","patient":{"reference":"Patient/p1"},'
        '"lastOccurrence":"2019","criticality":"high","reaction":[{"manifestation":[{"text":"rash"}]}]}',
        '{"resourceType":"MedicationStatement","id":"m","subject":{"reference":"Patient/p1"},'
        '"dateAsserted":"2019","contained":[{"resourceType":"Medication","id":"c1","code":{"text":"x"}}],'
        '"medicationReference":{"reference":"#c1"}}',
        '{"resourceType":"MedicationRequest","id":"m2","subject":{"reference":"Patient/p1"},'
        '"authoredOn":"2019","medicationReference":{"reference":"Medication/med"}}',
        '{"resourceType":"Medication","id":"med","code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"1"}]}}',
        '{"resourceType":"Immunization","id":"i","patient":{"reference":"Patient/p1"},"occurrenceString":"x","recorded":"2019"}',
        '{"resourceType":"Procedure","id":"pr","subject":{"reference":"Patient/p1"},"performedPeriod":{"start":"2019"}}',
        '{"resourceType":"DiagnosticReport","id":"d","subject":{"reference":"Patient/p1"},"issued":"2019",'
        '"result":[{"reference":"Observation/o"},{"reference":"urn:uuid:u0"},{"display":"x"}],"conclusion":"ok"}',
        '{"resourceType":"Device","id":"dv","patient":{"reference":"Patient/p1"},"manufactureDate":"2019",'
        '"expirationDate":"2030","deviceName":[{"name":"pump"}],"type":{"text":"pump"}}',
        '{"resourceType":"Claim","id":"cl","patient":{"reference":"Patient/p1"}}',
    ],
}
for name, resources in cases.items():
    ndjson = "\n".join([P] + resources) + "\n"
    write("edge_%s.ndjson" % name, ndjson)
    entries = [{"fullUrl": "urn:uuid:u%d" % i, "resource": json.loads(r)}
               for i, r in enumerate([P] + resources)
               if r.startswith("{")]
    write("edge_%s_bundle.json" % name,
          json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries}, indent=1))

nested = {"resourceType": "Patient", "id": "n"}
for _ in range(10):
    nested = {"resourceType": "Bundle", "entry": [{"resource": nested}]}
write("edge_nested_bundles.json", json.dumps(nested))
write("edge_deep_arrays.json", "[" * 1100 + "]" * 1100)
write("edge_deep_unclosed.json", '{"resourceType":"Bundle","entry":' + "[" * 3000)
write("edge_numbers_ok.ndjson",
      "\n".join(obs('"effectiveDateTime":"2019","valueQuantity":{"value":%s}' % n)
                for n in ["1e-400", "-0", "123456789012345678901234567890.5", "1E+2",
                          "18446744073709551615"]) + "\n")
for k, n in enumerate(["18446744073709551616", "-9223372036854775809", "1e999", "01", "1.",
                       "1e"]):
    write("edge_number_bad%d.json" % k,
          obs('"effectiveDateTime":"2019","valueQuantity":{"value":%s}' % n))
for k, line in enumerate([
        b'{"resourceType":"Patient","id":"\\ud83d\\ude00\\u00e9","gender":"\\n\\t\\/"}',
        b'{"resourceType":"Patient","gender":"\\ud800"}',
        b'{"resourceType":"Patient","id":"caf\xc3\xa9","gender":"\xc3\x28"}',
        b'{"resourceType":"Patient","id":"x\ty"}',
        b'\xef\xbb\xbf{"resourceType":"Patient"}\n\r\n   \n{"resourceType":"Patient"}']):
    write("edge_strings%d.ndjson" % k, line + b"\n")
write("edge_bom.json", b"\xef\xbb\xbf" + P.encode())
write("edge_empty.json", b"")
write("edge_manifest.json", '{"transactionTime":"2024","request":"x","output":[]}')

print("wrote %d bytes to %s" % (total, OUT))
assert total < 400 * 1024, total
