#!/usr/bin/env bash
# make test-fabric: the end-to-end tests (unchanged) with the platform on a
# real Fabric network, a peer-and-orderer fault test, the Fabric ledger's own
# tests, the ledger conformance suite (network/ledger/ledgertest, which make
# test runs on the embedded ledger) and an audit. A fresh network is created
# for the run (its own data folder and ports, so a `make run-fabric` network
# is left alone) and removed afterwards; each test gets its own channel.
# Without Fabric binaries it says so and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -n ${FABRIC_BIN:-} ]]; then PATH=$FABRIC_BIN:$PATH; fi
missing=()
for t in peer orderer configtxgen osnadmin cryptogen; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
if ((${#missing[@]})); then
  echo "test-fabric: SKIPPED: Fabric binaries not found (${missing[*]}); set FABRIC_BIN to the folder holding Fabric v3 binaries"
  exit 0
fi

export ZT_FABRIC_DATA=${ZT_FABRIC_DATA:-$PWD/.data/fabric-test}
export ZT_FABRIC_BASE_PORT=${ZT_FABRIC_BASE_PORT:-27500}
scripts/pg.sh start >/dev/null
network/fabric/down.sh 2>/dev/null
keep_logs() {
  local rc=$?
  if ((rc != 0)) && [[ -d $ZT_FABRIC_DATA/logs ]]; then
    mkdir -p test-artifacts/fabric-logs && cp "$ZT_FABRIC_DATA"/logs/*.log test-artifacts/fabric-logs/ 2>/dev/null || true
    echo "test-fabric: FAILED; network logs in test-artifacts/fabric-logs"
  fi
  network/fabric/down.sh
  exit "$rc"
}
trap keep_logs EXIT

conn=$(network/fabric/up.sh)
export ZT_LEDGER=fabric ZT_FABRIC_CONNECTION=$conn
go test -count=1 -timeout 20m -v \
  -run 'TestPrefilingToTraceCode|TestEachOfficerSignsAsThemselves|TestAuditorsConsole|TestReviewRulesThroughTheGateway|TestValidationModelsThroughTheGateway|TestLedgerCorrectionsThroughTheGateway|TestPrefilingReceiptsAndEntryDrafts|TestGateRegistrationThroughCustomsSystem|TestAccountsThroughTheNode|TestRiskAlertsThroughTheGateway|TestPriceAlertsThroughTheGateway|TestRiskDisposalThroughTheGateway|TestGateEventsRecordTheGatePass|TestNationalMessagesRoundTrip|TestCockpitThroughTheGateway|TestExporterClaimsEndToEnd|TestBasicDataSyncFromDropFolder|TestBadInput|TestGoodsThroughTheZone|TestDocumentDeletion|TestConcurrentDeclarationsOnOneBatch|TestFabricPeerAndOrdererFaults|TestLedgerOnFabric|TestLedgerConformance' \
  ./internal/platform/ ./network/fabricledger/ 2>&1 |
  grep -E '^(=== RUN|--- |    --- |PASS|FAIL|ok|panic)|(_test|cases|zone)\.go:[0-9]+:|^\s+(Error|Messages):' | grep -v '^=== RUN'
test ${PIPESTATUS[0]} -eq 0
echo "test-fabric: PASSED"
