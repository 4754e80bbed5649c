#!/usr/bin/env python3
"""Fails when a file under jumeau/<folder>/ includes a layer it may not depend on.

Layers depend downward only (docs/architecture.md): front ends (cli -> server) -> ingest/synth/
derive -> {io, store, analysis, assimilation -> models} -> core. Tests may
also include jumeau/testing/.
"""
import pathlib
import re
import sys

ALLOWED = {
    "core": {"core"},
    "io": {"core", "io"},
    "store": {"core", "store"},
    "analysis": {"core", "analysis"},
    "synth": {"core", "io", "synth"},
    "ingest": {"core", "io", "store", "ingest"},
    "derive": {"core", "store", "analysis", "models", "assimilation", "derive"},
    "models": {"core", "models"},
    "assimilation": {"core", "models", "assimilation"},
    "server": {"core", "io", "store", "analysis", "derive", "models", "assimilation",
               "server"},
    "cli": {"core", "io", "store", "analysis", "synth", "ingest", "derive", "models",
            "assimilation", "server", "cli"},
    "testing": {"core", "testing"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"jumeau/([a-z_]+)/')


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".") / "jumeau"
    errors = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".h", ".cc"):
            continue
        folder = path.relative_to(root).parts[0]
        allowed = set(ALLOWED.get(folder, set()))
        if path.name.endswith("_test.cc"):
            allowed.add("testing")
        if folder not in ALLOWED:
            errors.append(f"{path}: folder '{folder}' has no place in the layering table")
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = INCLUDE.match(line)
            if m and m.group(1) not in allowed:
                errors.append(f"{path}:{number}: '{folder}' may not include jumeau/{m.group(1)}/")
    for e in errors:
        print(e)
    print(f"layering: {len(errors)} violation(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
