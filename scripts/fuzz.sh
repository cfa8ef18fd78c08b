#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (FUZZTIME, default 15s; the
# whole-API target gets three times as long). Their seed corpora
# (f.Add and testdata/fuzz/) also run in every plain `go test`.
#   scripts/fuzz.sh            all targets
#   FUZZTIME=5m scripts/fuzz.sh FuzzAPIRoutes
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-15s}
targets=(
  "FuzzTraceCode ./chaincode/tracecode"
  "FuzzCheckText ./chaincode/model"
  "FuzzParseError ./chaincode/model"
  "FuzzParseMessage ./gateway/customsmsg"
  "FuzzTreeAgreesWithEncodingXML ./gateway/customsmsg"
  "FuzzImport ./gateway/docdrafts"
  "FuzzDecodeJSON ./gateway"
  "FuzzAPIRoutes ./internal/platform"
)
for t in "${targets[@]}"; do
  read -r name pkg <<<"$t"
  [ $# -gt 0 ] && [[ " $* " != *" $name "* ]] && continue
  time=$fuzztime
  if [ "$name" = FuzzAPIRoutes ] && [ -z "${FUZZTIME:-}" ]; then time=60s; fi
  echo "fuzz: $name ($pkg) for $time"
  # One worker: the whole-API target runs a node per worker, and the
  # machine has two cores. Minimising a new input may take 60 s by default,
  # which would eat a bounded run (Excel inputs are large): 2 s is enough.
  go test -run '^$' -fuzz "^${name}\$" -fuzztime "$time" -parallel 1 -fuzzminimizetime 2s "$pkg" 2>&1 | grep -v '^fuzz: elapsed' || {
    echo "fuzz: $name FAILED; the failing input is under $pkg/testdata/fuzz/$name" >&2
    exit 1
  }
done
echo "fuzz: all targets passed"
