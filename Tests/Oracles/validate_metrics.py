#!/usr/bin/env python3
"""Validates metrics.json files against schema/metrics.schema.json with python-jsonschema (Draft 2020-12),
plus the cross-field rules a schema cannot state: `order` lists exactly the keys of `sections`, and
`score` counts the scored sections (ok out of ok or warnings).

Usage: validate_metrics.py SCHEMA METRICS.json [...]; prints one line per problem; exit 1 if any."""
import json
import sys

import jsonschema


def problems(schema, path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    validator = jsonschema.Draft202012Validator(schema)
    out = [f"{path}: {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
           for e in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))]
    if out:
        return out
    if sorted(doc["order"]) != sorted(doc["sections"]):
        out.append(f"{path}: order {doc['order']} does not list the sections {sorted(doc['sections'])}")
    scored = [s for s in doc["sections"].values() if s["scored"]]
    passed = sum(s["status"] == "ok" for s in scored)
    evaluable = sum(s["status"] in ("ok", "warnings") for s in scored)
    if doc["score"] != {"passed": passed, "evaluable": evaluable}:
        out.append(f"{path}: score {doc['score']}, expected passed {passed}, evaluable {evaluable}")
    return out


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    found = [p for path in sys.argv[2:] for p in problems(schema, path)]
    for p in found:
        print(p)
    print(f"checked {len(sys.argv) - 2} file(s), {len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
