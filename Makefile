# The two commands of the README:
#   make synth   synthesize the app (installs everything it needs first)
#   make test    run every test and check
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := synth

export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CDK_DISABLE_CLI_TELEMETRY := true

GO_FILES = $(shell find . -name '*.go' -not -path '*/node_modules/*' -not -path './cdk.out/*')

.PHONY: synth test deps go-deps tools-check twin-deps fmt-check vet snapshot netcheck diagram graphviz twin bench deploy-local destroy-local clean

# The pinned CDK CLI (package.json + package-lock.json), installed again
# only when the lock file changes.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

go-deps:
	go mod download

deps: node_modules/.installed go-deps

tools-check:
	@command -v cfn-lint >/dev/null || { echo "cfn-lint is missing: it is preinstalled on this project's machine image (pip install cfn-lint elsewhere)"; exit 1; }

# The app skips aws-cdk-lib's built-in template validation (see main.go):
# cfn-lint checks the template instead. W3005 is the DependsOn that
# awslambda.Function adds on its own role (see test/checks_test.go).
# Go fetches only the modules the app imports when cdk.json's scripts/cdk-app
# builds it (no go mod download: that would fetch the test-only ones too).
synth: node_modules/.installed tools-check
	npx cdk synth
	cfn-lint --ignore-checks W3005 -- cdk.out/*.template.json
	@echo "cfn-lint: no errors or warnings"

fmt-check:
	@out="$$(gofmt -l $(GO_FILES))"; if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi; echo "gofmt: ok"
	@python3 -c 'import ast, sys; [ast.parse(open(f).read(), f) for f in sys.argv[1:]]' test/emulator/*.py test/emulator/patches/*.py && echo "emulator harness (Python): parses"

# go vet, then staticcheck (pinned in go.mod as a Go tool: go tool
# staticcheck), over the module, the emulator tests and the embedding
# example's own module (test/embed).
vet:
	go vet ./...
	go vet -tags lifecycle ./internal/localaws ./test/lifecycle
	go -C test/embed vet ./...
	go tool staticcheck ./...
	go tool staticcheck -tags lifecycle ./internal/localaws ./test/lifecycle
	@echo "go vet, staticcheck: ok"

# What the VPC twin needs (docs/twin.md): ip (iproute2), nft
# (nftables) and, on a host that is not arm64, qemu-aarch64-static to run
# the arm64 bootstrap; from Debian when missing. Without root they cannot be
# installed, and the twin's tests say they skipped and why (in CI, which
# runs as root, they must run).
twin-deps:
	@missing=""; \
	command -v ip >/dev/null || missing="$$missing iproute2"; \
	command -v nft >/dev/null || missing="$$missing nftables"; \
	{ [ "$$(uname -m)" = aarch64 ] || command -v qemu-aarch64-static >/dev/null; } || missing="$$missing qemu-user-static"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then echo "twin: not root, so not installing$$missing: the twin's tests will skip"; exit 0; fi; \
	apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing

# The user's synth path (CLI, offline, cfn-lint, netcheck), then the Go
# tests and the embedding example (its own Go module, requiring this one
# through a replace); go vet ran just above, so go test does not repeat it
# (-vet=off).
# Last, the tests that start the local AWS emulator (build tag lifecycle):
# the emulator launcher, and the full deploy/update/destroy lifecycle.
test: deps tools-check twin-deps fmt-check vet
	scripts/check-synth.sh
	go test -count=1 -vet=off -timeout 20m ./...
	go -C test/embed test -count=1 -vet=off ./...
	go test -count=1 -vet=off -timeout 10m -tags lifecycle -v ./internal/localaws ./test/lifecycle

# Check the synthesized template's internet path for every function subnet.
netcheck: synth
	go run ./cmd/netcheck cdk.out/VpcLambdaInternet.template.json

# The picture of the app's network and internet path (docs/netcheck.md): netcheck
# --format dot on the synthesized template, rendered to SVG and PNG with
# Graphviz. A test (TestDiagramInStep) fails when docs/netcheck-app.dot no
# longer matches the template.
DIAGRAM := docs/netcheck-app
diagram: synth graphviz
	@mkdir -p docs
	go run ./cmd/netcheck --format dot cdk.out/VpcLambdaInternet.template.json > $(DIAGRAM).dot.tmp
	mv $(DIAGRAM).dot.tmp $(DIAGRAM).dot
	dot -Tsvg $(DIAGRAM).dot -o $(DIAGRAM).svg
	dot -Tpng -Gdpi=110 $(DIAGRAM).dot -o $(DIAGRAM).png
	@echo "wrote $(DIAGRAM).dot, $(DIAGRAM).svg and $(DIAGRAM).png"

# Graphviz (dot) from Debian when it is missing.
graphviz:
	@command -v dot >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends graphviz; }

# Run the function for real in a packet-level twin of the synthesized
# template's VPC (root: network namespaces).
twin: synth twin-deps
	go run ./cmd/twin cdk.out/VpcLambdaInternet.template.json

# Deploy to a local AWS emulator (moto 5.2.1 with the patches in
# test/emulator): start it, bootstrap, cdk deploy, print the outputs and the
# inspection of the deployed network, then invoke the function (answered by
# the VPC twin of that network: root) and print its answer with PASS or
# FAIL. It installs what the twin needs (twin-deps) when missing. It keeps
# running until destroy-local. Interrupted at any point (Ctrl-C, a closed
# terminal, kill of make or of the command) it stops the emulator and the
# twin: make runs the built command itself (exec, not go run, which would
# stand between them and not pass a signal on).
# LOCALAWS_FLAGS passes settings, e.g. LOCALAWS_FLAGS='-c natProvider=regional'.
LOCALAWS := .local-aws/bin/localaws
LOCALAWS_FLAGS ?=
deploy-local: node_modules/.installed twin-deps
	go build -o $(LOCALAWS) ./cmd/localaws
	exec $(LOCALAWS) up $(LOCALAWS_FLAGS)

# cdk destroy against the local emulator, then stop it (by its PID), also
# when interrupted.
destroy-local:
	go build -o $(LOCALAWS) ./cmd/localaws
	exec $(LOCALAWS) down

# The benchmark's TypeScript twin of the app (cmd/bench/tstwin):
# aws-cdk-lib, constructs and TypeScript pinned by its package-lock.json.
cmd/bench/tstwin/node_modules/.installed: cmd/bench/tstwin/package.json cmd/bench/tstwin/package-lock.json
	cd cmd/bench/tstwin && npm ci --no-audit --no-fund
	@touch $@

# Performance figures (about five minutes; not part of make test).
# BENCH_ONLY=like runs the like-for-like section alone (about a minute and
# a half); sections: like,defaults,breakdown,kernel,levers,tests,memory,
# sizes,cold.
# BENCH_FLAGS='-reps 9' for longer runs.
BENCH_ONLY ?=
BENCH_FLAGS ?=
bench: deps cmd/bench/tstwin/node_modules/.installed
	go run ./cmd/bench -only '$(BENCH_ONLY)' $(BENCH_FLAGS)

# Re-record the template snapshot after an intended change; review the diff.
snapshot: deps
	UPDATE_SNAPSHOTS=1 go test -count=1 ./test -run TestSnapshot

clean:
	rm -rf cdk.out .local-aws .cdk-app cmd/bench/tstwin/dist
