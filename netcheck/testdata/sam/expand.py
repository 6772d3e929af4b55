"""Expand a SAM template (JSON, long-form intrinsics) with the AWS SAM
translator, offline, through cfn-lint's wrapper, and print the result as
JSON. Used by netcheck's SAM tests as the reference expansion.

Usage: python3 expand.py TEMPLATE.json
Prints {"template": {...}} or {"errors": ["...", ...]}; exit status 0 either
way, 3 when cfn-lint or the translator cannot be imported.
"""

import json
import sys

try:
    import samtranslator
    from cfnlint.template.transforms._sam import Transform
except ImportError as e:  # reported to the Go test, which decides to skip or fail
    print(json.dumps({"missing": str(e)}))
    sys.exit(3)


def main():
    path = sys.argv[1]
    with open(path, encoding="utf-8") as f:
        template = json.load(f)
    t = Transform(path, template, "us-east-1")
    matches = t.transform_template()
    if matches:
        print(json.dumps({"errors": [m.message for m in matches], "version": samtranslator.__version__}))
        return
    print(json.dumps({"template": t.template(), "version": samtranslator.__version__}, default=str))


main()
