#!/usr/bin/env bash
# make bench-fabric: time from nothing to a ready network, RSS per process
# idle and after load, CPU per process during the load, and submit
# throughput and latency at 1, 16 and 64 concurrent clients
# (BenchmarkFabricSubmit). Figures go to
# docs/benchmarks.md by hand, with the machine and what else was running.
set -euo pipefail
cd "$(dirname "$0")/.."
source network/fabric/env.sh >/dev/null
export ZT_FABRIC_DATA=${ZT_FABRIC_DATA:-$PWD/.data/fabric-bench}
export ZT_FABRIC_BASE_PORT=${ZT_FABRIC_BASE_PORT:-27700}
DATA=$ZT_FABRIC_DATA
require_tools peer orderer configtxgen osnadmin cryptogen
scripts/pg.sh start >/dev/null
network/fabric/down.sh 2>/dev/null
trap network/fabric/down.sh EXIT
# Build first so the timing below is the network's, not the compiler's.
mkdir -p "$DATA/bin" && go build -o "$DATA/bin/zonetrace" ./cmd/zonetrace
rss() {
  local f
  for f in "$DATA"/pids/*.pid; do
    printf '  %-16s %6d MiB\n' "$(basename "$f" .pid)" $(($(ps -o rss= -p "$(<"$f")") / 1024))
  done
}
# cpu_ticks prints NAME TICKS (user + system) for every process of the network.
cpu_ticks() {
  local f
  for f in "$DATA"/pids/*.pid; do
    echo "$(basename "$f" .pid) $(awk '{ print $14 + $15 }' "/proc/$(<"$f")/stat")"
  done
}
start=$(date +%s.%N)
conn=$(ZONETRACE_BIN=$DATA/bin/zonetrace network/fabric/up.sh 2>/dev/null)
echo "from nothing to a ready network (crypto, 3 orderers, 3 peers, channel, chaincode, a commit through every org): $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
echo "RSS idle:"; rss
# The whole output goes to a log; only the figures are shown, unless the
# benchmark fails, when the log's tail says why.
log=$DATA/bench.log
cpu_before=$(cpu_ticks)
if ! ZT_LEDGER=fabric ZT_FABRIC_CONNECTION=$conn ZONETRACE_BIN=$DATA/bin/zonetrace \
  go test -run '^$' -bench BenchmarkFabricSubmit -benchtime 1x -timeout 30m ./internal/platform/ >"$log" 2>&1; then
  tail -60 "$log"
  exit 1
fi
grep -E 'Benchmark|ok' "$log"
echo "RSS after load:"; rss
echo "CPU during the load (all three client counts):"
hz=$(getconf CLK_TCK)
join <(sort <<<"$cpu_before") <(cpu_ticks | sort) |
  awk -v hz="$hz" '{ printf "  %-16s %7.1f s\n", $1, ($3 - $2) / hz }'
