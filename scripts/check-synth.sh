#!/usr/bin/env bash
# The user's path, checked by `make test`: the pinned CLI synthesizes the app
# through cdk.json with no AWS credentials at all; the stack is
# environment-agnostic; cfn-lint and netcheck accept the template.
set -euo pipefail
cd "$(dirname "$0")/.."
out=cdk.out
rm -rf "$out"
env AWS_ACCESS_KEY_ID= AWS_SECRET_ACCESS_KEY= AWS_SESSION_TOKEN= AWS_PROFILE= \
    AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_EC2_METADATA_DISABLED=true \
    npx cdk synth --quiet --no-notices --output "$out"
template="$out/VpcLambdaInternet.template.json"
[ -s "$template" ] || { echo "check-synth: cdk synth wrote no $template"; exit 1; }
grep -q '"environment": "aws://unknown-account/unknown-region"' "$out/manifest.json" ||
    { echo "check-synth: the default stack must be environment-agnostic"; exit 1; }
# W3005: the DependsOn awslambda.Function adds on its own role (see test/checks_test.go).
cfn-lint --ignore-checks W3005 -- "$template"
go run ./cmd/netcheck "$template" | tail -n 1
# The twin of the same template, exactly as the README shows it (relative
# path, from the repository's root; root for network namespaces).
if [ "$(id -u)" = 0 ]; then
    go run ./cmd/twin "$template" | tail -n 2
elif [ "${CI:-}" = true ]; then
    echo "check-synth: the twin must run in CI, which runs as root"; exit 1
else
    echo "check-synth: NOT CHECKED: the twin of $template needs root"
fi
echo "check-synth: cdk synth (offline), cfn-lint, netcheck and the twin passed"
