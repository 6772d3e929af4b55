"""Expand a SAM template (JSON, long-form intrinsics) with the AWS SAM
translator, offline, through cfn-lint's wrapper, and print the result as
JSON. Used by netcheck's SAM tests as the reference expansion.

Usage: python3 expand.py TEMPLATE.json...
Prints one JSON object mapping each path to {"template": {...}} or
{"errors": ["...", ...]}; exit status 0 either way, 3 when cfn-lint or the
translator cannot be imported.
"""

import json
import sys

try:
    import samtranslator
    from cfnlint.template.transforms._sam import Transform
except ImportError as e:  # reported to the Go test, which decides to skip or fail
    print(json.dumps({"missing": str(e)}))
    sys.exit(3)


def expand(path):
    with open(path, encoding="utf-8") as f:
        template = json.load(f)
    t = Transform(path, template, "us-east-1")
    matches = t.transform_template()
    if matches:
        return {"errors": [m.message for m in matches]}
    return {"template": t.template()}


def main():
    out = {"version": samtranslator.__version__, "results": {}}
    for path in sys.argv[1:]:
        out["results"][path] = expand(path)
    print(json.dumps(out, default=str))


main()
