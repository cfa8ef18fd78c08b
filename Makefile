# ZoneTrace — one Go module; see README.md.
SHELL := /bin/bash
GO    ?= go
BIN   := bin/zonetrace
DATA  ?= .data/node
LISTEN ?= 127.0.0.1:8080
DB_URL = $(shell scripts/pg.sh url | sed 's#/postgres?#/zonetrace?#')

.PHONY: run run-fabric verify rebuild build web pg test test-go test-fuzz test-browser bench bench-load bench-fabric lint vet test-fabric test-fabric-multihost clean

## run: install what is missing, build, start the whole product on the embedded ledger at https://$(LISTEN), with a simulated year of demo data on a fresh DATA
run: build pg
	@scripts/pg.sh createdb zonetrace
	$(BIN) run --data $(DATA) --db '$(DB_URL)' --listen $(LISTEN) --demo --demo-year

## run-fabric: the same product on a real Fabric network (network/fabric/up.sh; needs Fabric binaries on PATH or in FABRIC_BIN)
FABRIC_DATA_NODE ?= .data/node-fabric
run-fabric: build pg
	@scripts/pg.sh createdb zonetrace_fabric
	@conn=$$(network/fabric/up.sh) && \
	$(BIN) run --ledger fabric --fabric-connection "$$conn" --data $(FABRIC_DATA_NODE) --db '$(subst /zonetrace?,/zonetrace_fabric?,$(DB_URL))' --listen $(LISTEN) --demo

## verify: audit the node of `make run` (same DATA and database; works while it runs): ledger hash
## chain and signatures, mirror equal to a replay up to the ledger height, lag reported
verify: build pg
	$(BIN) verify --data $(DATA) --db '$(DB_URL)'

## rebuild: replay the ledger of `make run` into its mirror's tables from block 0
rebuild: build pg
	@scripts/pg.sh createdb zonetrace
	$(BIN) rebuild --data $(DATA) --db '$(DB_URL)'

build: web
	$(GO) build -o $(BIN) ./cmd/zonetrace

web:
	@scripts/setup.sh run

pg:
	@scripts/pg.sh start >/dev/null

## test: every test suite that needs no Fabric binaries (Go with -race, fuzzing for a bounded time, browser)
test:
	@scripts/setup.sh test
	@$(MAKE) --no-print-directory pg vet test-go test-fuzz test-browser

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo 'gofmt: files above need formatting'; exit 1; }
	$(GO) vet ./...

# The contract's tests drive one transaction at a time through a test stub,
# so the race detector has nothing to watch there and only multiplies their
# time; the chaincode runs concurrently under -race in the ledger
# conformance suite (network/embedded) and the end-to-end tests.
# A build without cgo hashes passwords with pure Go instead of libsodium,
# so the accounts are tested that way too.
test-go:
	$(GO) test -race -timeout 20m $$($(GO) list ./... | grep -v '/chaincode/contract$$')
	$(GO) test -timeout 20m ./chaincode/contract/
	CGO_ENABLED=0 $(GO) test -timeout 5m ./gateway/accounts/

## test-fuzz: every fuzz target for a bounded time (FUZZTIME, default 10s each)
test-fuzz: pg
	@scripts/fuzz.sh

test-browser: build
	@scripts/browser-test.sh

## lint: golangci-lint with the project's configuration (.golangci.yml)
GOLANGCI_LINT_VERSION := v2.15.0
lint:
	@command -v golangci-lint >/dev/null 2>&1 || test -x bin/golangci-lint || \
		GOBIN=$(CURDIR)/bin $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)
	PATH=$(CURDIR)/bin:$$PATH golangci-lint run ./...

## bench: throughput, latency and query benchmarks; figures go to docs/benchmarks.md
bench: pg
	$(GO) test -run '^$$' -bench 'BenchmarkEmbeddedSubmit|BenchmarkDeclarationEndToEnd|BenchmarkRiskAlertLatency' -benchtime 1x -timeout 30m ./internal/platform/
	$(GO) test -run '^$$' -bench 'BenchmarkDeclareWithRules' -benchtime 1x -count 3 -timeout 30m ./internal/platform/
	$(GO) test -run '^$$' -bench 'BenchmarkConcurrentApprovals' -benchtime 1x -count 3 -timeout 30m ./internal/platform/
	$(GO) test -run '^$$' -bench 'BenchmarkHotReads' -benchtime 2000x -timeout 30m ./internal/platform/
	$(GO) test -run '^$$' -bench 'BenchmarkSearchPrefilings|BenchmarkStockQueries|BenchmarkAccounts' -benchtime 20x -timeout 60m ./indexer/query/
	$(GO) test -run '^$$' -bench 'BenchmarkTraceHistory' -benchtime 200x -timeout 60m ./indexer/query/
	$(GO) test -run '^$$' -bench 'BenchmarkTenMillion' -benchtime 200x -timeout 120m ./indexer/query/
	$(GO) test -run '^$$' -bench 'BenchmarkCockpit' -benchtime 200x -timeout 60m ./indexer/query/
	$(GO) test -run '^$$' -bench 'BenchmarkLoginBurst$$' -benchtime 1x -timeout 10m ./cmd/zonetrace/
	@$(MAKE) --no-print-directory bench-load
	$(GO) test -run '^$$' -bench 'BenchmarkArgon2idOWASP' -benchtime 40x -cpu 2 ./gateway/accounts/
	$(GO) test -run '^$$' -bench 'BenchmarkParseReceipt3MB' -benchtime 10x ./gateway/customsmsg/
	$(GO) test -run '^$$' -bench 'BenchmarkImportExcelBomb' -benchtime 5x ./gateway/docdrafts/
	$(GO) test -run '^$$' -bench 'BenchmarkCertificateOCR' -benchtime 160x -timeout 60m ./gateway/ocr/
	@if [ -n "$$FABRIC_BIN" ] || command -v peer >/dev/null 2>&1; then scripts/bench-fabric.sh; \
	else echo "bench: Fabric figures skipped (no Fabric binaries on PATH or in FABRIC_BIN)"; fi

## test-fabric: the end-to-end scenario on a real Fabric network (needs Fabric binaries)
test-fabric:
	@scripts/test-fabric.sh

## test-fabric-multihost: the network with each organisation in its own network namespace and address (needs root, ip netns, Fabric binaries)
test-fabric-multihost:
	@scripts/test-fabric-multihost.sh

## bench-load: simulated users (200, 2,000, the knee) and 200 simultaneous logins on one and three gateway processes; figures go to docs/benchmarks.md
bench-load: pg
	$(GO) test -run '^$$' -bench 'BenchmarkLoginBurstGateways' -benchtime 1x -v -timeout 20m ./cmd/zonetrace/
	$(GO) test -run '^$$' -bench '^BenchmarkLoad$$' -benchtime 1x -v -timeout 60m ./cmd/zonetrace/

## bench-fabric: Fabric start-up time, RSS, submit throughput and latency; figures go to docs/benchmarks.md
bench-fabric:
	@scripts/bench-fabric.sh

clean:
	rm -rf bin test-artifacts
