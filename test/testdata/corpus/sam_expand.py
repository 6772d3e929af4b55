#!/usr/bin/env python3
"""Expand a SAM template into plain CloudFormation with the AWS SAM
translator, offline, and write it as JSON.

usage: sam_expand.py TEMPLATE OUT.json [REGION]

The translator is the one cfn-lint bundles (samtranslator), driven through
cfn-lint's own wrapper: it reads YAML with CloudFormation's short tags,
replaces local CodeUri values with a placeholder S3 URI and uses the
managed-policy map cfn-lint ships, so no AWS call is made. The corpus test
runs netcheck on the SAM template and on this expansion and requires the
same verdicts: netcheck's own SAM reading must agree with the translator.
Exit status: 0 expanded, 1 the template is not valid SAM (the translator's
errors are printed), 3 cfn-lint (and with it the translator) is missing.
"""

import json
import sys


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__.strip().splitlines()[3], file=sys.stderr)
        return 2
    src, out = argv[1], argv[2]
    region = argv[3] if len(argv) == 4 else "us-east-1"
    try:
        from cfnlint.decode import decode
        from cfnlint.template.transforms._sam import Transform
    except ImportError as e:
        print(f"sam_expand: cfn-lint is not installed ({e}): pip install cfn-lint", file=sys.stderr)
        return 3
    template, matches = decode(src)
    if matches:
        for m in matches:
            print(f"sam_expand: {src}: {m}", file=sys.stderr)
        return 1
    if "AWS::Serverless-2016-10-31" not in json.dumps(template.get("Transform", "")):
        print(f"sam_expand: {src} has no Transform: AWS::Serverless-2016-10-31", file=sys.stderr)
        return 1
    transform = Transform(src, template, region)
    errors = transform.transform_template()
    if errors:
        for m in errors:
            print(f"sam_expand: {src}: {m}", file=sys.stderr)
        return 1
    expanded = transform.template()
    if "Transform" in expanded:
        print(f"sam_expand: {src}: the translator left a Transform in the template", file=sys.stderr)
        return 1
    with open(out, "w", encoding="utf-8") as f:
        json.dump(expanded, f, indent=1, sort_keys=True)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
