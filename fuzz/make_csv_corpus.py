#!/usr/bin/env python3
"""Regenerates the seed corpora of device_csv_fuzz and challenge2012_fuzz.

fuzz/corpus/device_csv_fuzz/ gets hand-made device exports (every time
format, delimiters, decimal commas, RFC 4180 quoting, comments, BOM, CRLF,
gaps, jitter, missing tokens, unsorted times, huge values), mapping files
alone and as "MAPPING\\n%%\\nCSV", and truncated and byte-mutated variants.
fuzz/corpus/challenge2012_fuzz/ gets small prefixes of public PhysioNet
Challenge 2012 set-A files from the shared test data (at most 4 KiB each),
a prefix of the Outcomes file, edge cases, and mutations.
Files named found_* (from libFuzzer runs) are kept. Deterministic; stdlib
only. Usage:
  python3 fuzz/make_csv_corpus.py [DATA_ROOT]   (default ../shared/data)
"""
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "shared", "data")
rng = random.Random(20240612)
MAX_FILE = 8 * 1024


def out_dir(target):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for name in os.listdir(d):
        if not name.startswith("found_"):
            os.remove(os.path.join(d, name))
    return d


def write(d, name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    assert len(data) <= 64 * 1024, name
    with open(os.path.join(d, name), "wb") as f:
        f.write(data[:MAX_FILE])


def mutate(data, count):
    data = bytearray(data)
    for _ in range(count):
        if not data:
            break
        op = rng.randrange(4)
        i = rng.randrange(len(data))
        if op == 0:
            data[i] = rng.randrange(256)
        elif op == 1:
            del data[i]
        elif op == 2:
            data.insert(i, rng.choice(b',;\t"\n\r#-.:0123456789eE+ '))
        else:
            j = min(len(data), i + rng.randrange(1, 40))
            data[i:i] = data[i:j]
    return bytes(data)


def variants(d, name, data, mutations=4, cuts=3):
    write(d, name, data)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    for k in range(cuts):
        if len(raw) > 2:
            write(d, "%s_cut%d" % (name, k), raw[: rng.randrange(1, len(raw))])
    for k in range(mutations):
        write(d, "%s_mut%d" % (name, k), mutate(raw, rng.randrange(1, 8)))


# ---------------------------------------------------------------------------
# Device CSV.

def iso(minute, offset="+01:00"):
    h, m = divmod(9 * 60 + minute, 60)
    d, h = divmod(h, 24)
    return "2019-03-%02dT%02d:%02d:00%s" % (2 + d, h, m, offset)


def watch(rows, gap=None, spo2_every=7):
    lines = ["# synthetic fuzz seed", "time,hr,steps,spo2,temp"]
    for i in range(rows):
        if gap and gap[0] <= i < gap[1]:
            lines.append(iso(i) + ",,,,")
            continue
        spo2 = str(95 + i % 4) if i % spo2_every == 0 else ""
        lines.append("%s,%d,%d,%s,%.1f" % (iso(i), 60 + (i * 7) % 23, (i * 13) % 110,
                                            spo2, 32.0 + (i % 17) / 10))
    return "\n".join(lines) + "\n"


MAPPING = """# fuzz mapping
[csv]
time_column = time
time_format = iso8601
utc_offset = +01:00
delimiter = auto
missing = NA, "--", -1
regular_tolerance = 0.02

[column hr]
system = loinc
code = 8867-4
unit = bpm
label = Heart rate
missing = 0

[column "steps"]
code = 55423-8
unit = {steps}

[column spo2]
code = 59408-5
unit = %

; no code: urn:jumeau:device-csv
[column temp]
unit = Cel
"""


def device_csv():
    d = out_dir("device_csv_fuzz")
    variants(d, "watch_iso", watch(60))
    variants(d, "watch_gap", watch(80, gap=(30, 45)))
    variants(d, "watch_crlf_bom", "\ufeff" + watch(30).replace("\n", "\r\n"))
    epoch = "time;hr;steps;spo2;temp\n" + "".join(
        "%d;%d;%d;%s;%d,%d\n" % (1551513600 + 60 * i, 70 + i % 5, i % 3,
                                 "97" if i % 9 == 0 else "", 33, i % 10)
        for i in range(50))
    variants(d, "epoch_semicolon_comma", epoch)
    elapsed = "time\thr\tsteps\tspo2\ttemp\n" + "".join(
        "%d:%02d\t%d\t\t%s\t36.%d\n" % (i // 2, (i % 2) * 30, 80 + i, "NA" if i % 3 else "98", i % 10)
        for i in range(40))
    variants(d, "elapsed_tab", elapsed)
    quoted = ('"time","hr","steps","spo2","temp"\n'
              '"2019-03-02T08:00:00Z","61","","97","33.1"\n'
              '"2019-03-02T08:01:00Z", "62" ,"1","",""\n'
              '"2019-03-02T08:02:00Z","6""3","2","x\ny","1e2"\n')
    variants(d, "quoted", quoted)
    jitter = "time,hr,steps,spo2,temp\n" + "".join(
        "2019-03-02T08:00:%02d.%03dZ,%d,1,,\n" % (i, 5 if i % 2 else 995 if i else 0, 60 + i)
        for i in range(40))
    variants(d, "jitter", jitter)
    odd = ("time,hr,steps,spo2,temp\n"
           "2019-03-02T08:03:00Z,1,2147483648,-1,0.1234567891\n"
           "2019-03-02T08:01:00Z,-1,1,,1e300\n"
           "2019-03-02T08:02:00Z,abc,1,,\n"
           "2019-03-02T08:04:00,1,1,,\n"
           "9999-03-02T08:04:00Z,1,1,,\n"
           "2019-03-02T08:04:00+25:00,1,1,,\n"
           "1551513600,1,1,,\n"
           "2019-03-02T08:05:00Z,1,1\n")
    for i, line in enumerate(odd.splitlines()[1:]):
        write(d, "odd_row%d" % i, "time,hr,steps,spo2,temp\n" + line + "\n")
    write(d, "header_only", "time,hr,steps,spo2,temp\n")
    write(d, "empty", "")
    write(d, "comment_only", "# nothing\n#\n")
    write(d, "unclosed_quote", 'time,hr,steps,spo2,temp\n"2019-03-02T08:00:00Z,1,2,3,4\n')
    write(d, "duplicate_header", "time,hr,hr,spo2,temp,steps\n")
    write(d, "many_columns", "time," + ",".join("c%d" % i for i in range(300)) + ",hr,steps,spo2,temp\n")
    variants(d, "mapping_only", MAPPING)
    variants(d, "mapping_and_csv", MAPPING + "%%\n" + watch(40, gap=(10, 12)), mutations=6)
    variants(d, "mapping_elapsed",
             "[csv]\ntime_column = time\ntime_format = elapsed_hh:mm\n"
             "origin = 2012-01-01T00:00:00Z\ndelimiter = tab\n"
             "[column hr]\ncode = 8867-4\nunit = /min\n%%\n" + elapsed)
    variants(d, "mapping_epoch_ms",
             "[csv]\ntime_column = t\ntime_format = epoch_ms\ncomment = none\n"
             "min_signal_samples = 2\nmin_regular_fraction = 0.5\n"
             "[column v]\nsystem = http://example.org\ncode = v\nunit = 1\n%%\n"
             "t,v\n" + "".join("%d,%d\n" % (1551513600000 + 250 * i, i) for i in range(30)))
    bad_mappings = [
        "[csv]\ntime_colum = t\n", "[sensor]\n", "time_column = t\n",
        "[csv]\ntime_column = \"t\n", "[csv]\ntime_column = t\nutc_offset = +99:00\n[column a]\n",
        "[csv]\ntime_column = t\n[column a]\nsystem = loinc\n",
        "[csv]\ntime_column = t\ndelimiter = \" \"\n[column a]\n",
        "[csv]\ntime_column = t\nregular_tolerance = nan\n[column a]\n",
        "[csv]\ntime_column = t\nmissing = \"a,b\", \"\"\"q\"\"\", c # comment\n[column \"x]y\"]\n",
    ]
    for i, text in enumerate(bad_mappings):
        write(d, "mapping_case%d" % i, text + "%%\nt,a\n1,2\n")


# ---------------------------------------------------------------------------
# Challenge 2012.

def challenge2012():
    d = out_dir("challenge2012_fuzz")
    folder = os.path.join(DATA, "cohort", "challenge2012_set-a")
    if os.path.isdir(folder):
        for name in ["132539.txt", "132551.txt", "132595.txt", "132780.txt"]:
            path = os.path.join(folder, name)
            if not os.path.exists(path):
                continue
            with open(path, "rb") as f:
                data = f.read(4096)
            data = data[: data.rfind(b"\n") + 1]
            variants(d, "stay_" + name[:-4], data)
        path = os.path.join(folder, "Outcomes-a.txt")
        if os.path.exists(path):
            with open(path, "rb") as f:
                lines = f.read().split(b"\n")[:40]
            variants(d, "outcomes", b"\n".join(lines) + b"\n")
    else:
        print("no Challenge 2012 data under", folder, "- hand-made seeds only")
    handmade = ("Time,Parameter,Value\n00:00,RecordID,7\n00:00,Age,54\n00:00,Gender,1\n"
                "00:00,Height,-1\n00:00,ICUType,2\n00:00,Weight,80.5\n00:07,HR,73\n"
                "00:07,NIMAP,92.33\n01:00,Lactose,3\n01:30,HR,\n100:00:30,HR,80\n"
                "47:37,Urine,280\n")
    variants(d, "handmade", handmade)
    variants(d, "handmade_crlf_bom", "\ufeff" + handmade.replace("\n", "\r\n"))
    write(d, "quoted", 'Time,Parameter,Value\n"00:00","RecordID","1"\n"00:07","HR","7""3"\n')
    write(d, "unclosed", 'Time,Parameter,Value\n00:00,RecordID,"1\n')
    write(d, "bad_header", "Time,Param,Value\n00:00,HR,1\n")
    write(d, "empty", "")
    write(d, "gender_icu_odd", "Time,Parameter,Value\n00:00,Gender,2\n00:00,ICUType,9\n00:00,Age,1e9\n")
    write(d, "outcomes_handmade",
          "RecordID,SAPS-I,SOFA,Length_of_stay,Survival,In-hospital_death\n"
          "1,6,1,5,-1,0\n2,-1,-1,2147483647,2147483647,1\n3,1,2,3,4,2\n")


if __name__ == "__main__":
    device_csv()
    challenge2012()
