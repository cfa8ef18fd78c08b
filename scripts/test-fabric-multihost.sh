#!/usr/bin/env bash
# make test-fabric-multihost: the Fabric network with every organisation on a
# host of its own, simulated by Linux network namespaces, then the cross-
# organisation end-to-end tests against it.
#
# Layout (ZT_MULTIHOST_NET, default 10.213.0, is the /24; all names start zt-):
#   zt-hub        the bridge zt-br; one veth pair per host ends on it
#   zt-orderer0/1/2   .10 .11 .12   one Raft orderer each (OrdererMSP)
#   zt-customs    .20   CustomsMSP's peer
#   zt-zoneadmin  .30   ZoneAdminMSP's peer, the chaincode server, a ZoneTrace
#                       node (tests) and the zone's PostgreSQL
#   zt-warehouse  .40   WarehouseMSP's peer
# Further ZoneTrace nodes (tests) run as gateways placed on the customs and
# the warehouse hosts, over the zone's database at .30.
# A namespace has no route but its /24, so a node can only reach the others at
# their addresses: nothing on 127.0.0.1 of one host is visible to another. Every
# organisation's admin commands (channel join, chaincode approve) run in its own
# namespace; each organisation's gateway is checked from its own namespace with a
# connection description naming its own peer only.
#
# Needs root, `ip netns` and the Fabric binaries (FABRIC_BIN or PATH); without
# any of them it says SKIPPED and exits 0. Everything it creates (namespaces,
# bridge, veths, processes, .data/fabric-multihost*) is removed on exit, and
# leftovers of a crashed run are removed first.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -n ${FABRIC_BIN:-} ]]; then PATH=$FABRIC_BIN:$PATH; fi

skip() { echo "test-fabric-multihost: SKIPPED: $*"; exit 0; }
missing=()
for t in peer orderer configtxgen osnadmin cryptogen; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
((${#missing[@]} == 0)) || skip "Fabric binaries not found (${missing[*]}); set FABRIC_BIN to the folder holding Fabric v3 binaries"
[[ $(id -u) == 0 ]] || skip "needs root to create network namespaces (run as root, or use make test-fabric)"
command -v ip >/dev/null 2>&1 || skip "the ip command (iproute2) is not installed"
probe=zt-probe-$$
ip netns add "$probe" 2>/dev/null && ip netns exec "$probe" true 2>/dev/null ||
  { ip netns del "$probe" 2>/dev/null || true; skip "network namespaces are not available here (ip netns add/exec failed)"; }
ip netns del "$probe"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -1)
[[ -x $pg_bin/initdb ]] || skip "PostgreSQL server binaries not found under /usr/lib/postgresql (the node's database runs in zt-zoneadmin)"

NET=${ZT_MULTIHOST_NET:-10.213.0}
HUB=zt-hub BRIDGE=zt-br
declare -A HOST_IP=([orderer0]=$NET.10 [orderer1]=$NET.11 [orderer2]=$NET.12
  [customs]=$NET.20 [zoneadmin]=$NET.30 [warehouse]=$NET.40)
HOSTS=(orderer0 orderer1 orderer2 customs zoneadmin warehouse)
NODE_NS=zt-zoneadmin

export ZT_FABRIC_DATA=$PWD/.data/fabric-multihost
export ZT_FABRIC_BASE_PORT=${ZT_FABRIC_BASE_PORT:-27000}
export ORDERER0_HOST=${HOST_IP[orderer0]} ORDERER0_NETNS=zt-orderer0
export ORDERER1_HOST=${HOST_IP[orderer1]} ORDERER1_NETNS=zt-orderer1
export ORDERER2_HOST=${HOST_IP[orderer2]} ORDERER2_NETNS=zt-orderer2
export CUSTOMS_PEER_HOST=${HOST_IP[customs]} CUSTOMS_NETNS=zt-customs
export ZONEADMIN_PEER_HOST=${HOST_IP[zoneadmin]} ZONEADMIN_NETNS=zt-zoneadmin
export WAREHOUSE_PEER_HOST=${HOST_IP[warehouse]} WAREHOUSE_NETNS=zt-warehouse
export CC_SERVER_HOST=${HOST_IP[zoneadmin]} CC_SERVER_NETNS=zt-zoneadmin
work=$PWD/.data/fabric-multihost-work # binaries and the node's PostgreSQL
pg_data=$work/pg
pg_port=54329 # the zone's database in zt-zoneadmin, not the shared development server

log() { printf '%s test-fabric-multihost: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# teardown removes everything this script creates; safe to run on nothing.
teardown() {
  network/fabric/down.sh >/dev/null 2>&1 || true
  if [[ -s $pg_data/PG_VERSION ]]; then
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  local ns pid
  for ns in $HUB "${HOSTS[@]/#/zt-}"; do
    ip netns list | grep -qw "^$ns" || continue
    # Processes a crashed run left in its namespaces, by their ids.
    for pid in $(ip netns pids "$ns"); do kill "$pid" 2>/dev/null || true; done
    ip netns del "$ns"
  done
  rm -rf "$ZT_FABRIC_DATA" "$work"
}

finish() {
  local rc=$?
  if ((rc != 0)) && [[ -d $ZT_FABRIC_DATA/logs ]]; then
    mkdir -p test-artifacts/fabric-multihost-logs
    cp "$ZT_FABRIC_DATA"/logs/*.log test-artifacts/fabric-multihost-logs/ 2>/dev/null || true
    echo "test-fabric-multihost: FAILED; network logs in test-artifacts/fabric-multihost-logs"
  fi
  teardown
  exit "$rc"
}

log "removing leftovers of an earlier run"
teardown
trap finish EXIT

log "hosts: ${#HOSTS[@]} namespaces on $NET.0/24 behind bridge $BRIDGE"
ip netns add "$HUB"
ip -n "$HUB" link add "$BRIDGE" type bridge
ip -n "$HUB" link set "$BRIDGE" up
for h in "${HOSTS[@]}"; do
  ns=zt-$h
  ip netns add "$ns"
  ip -n "$HUB" link add "v-$h" type veth peer name eth0 netns "$ns"
  ip -n "$HUB" link set "v-$h" master "$BRIDGE" up
  ip -n "$ns" addr add "${HOST_IP[$h]}/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
done

log "building zonetrace and the test binaries"
mkdir -p "$work"
go build -o "$work/zonetrace" ./cmd/zonetrace
go test -c -o "$work/platform.test" ./internal/platform/
go test -c -o "$work/fabricledger.test" ./network/fabricledger/
export ZONETRACE_BIN=$work/zonetrace

# The zone's database: on the zone administration's host, reached over its
# loopback there and at its address from the gateways on the other hosts.
log "starting the node's PostgreSQL in $NODE_NS"
mkdir -p "$pg_data" && chown postgres:postgres "$pg_data"
runuser -u postgres -- "$pg_bin/initdb" -D "$pg_data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
echo "host all postgres $NET.0/24 trust" >>"$pg_data/pg_hba.conf"
ip netns exec "$NODE_NS" runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w -t 60 start \
  -o "-p $pg_port -k $pg_data -c listen_addresses=127.0.0.1,${HOST_IP[zoneadmin]} -c max_connections=300" >/dev/null

started=$(date +%s)
conn=$(ip netns exec "$NODE_NS" network/fabric/up.sh)
log "network up in $(($(date +%s) - started)) s"
# A chaincode upgrade across the hosts: the next package (its server on the
# other port) installed, approved by each organisation from its own host and
# committed; the tests then run on the upgraded chaincode.
started=$(date +%s)
ip netns exec "$NODE_NS" network/fabric/deploy.sh
log "chaincode upgraded in $(($(date +%s) - started)) s"

# No endpoint of the network may be a loopback address, and every listener
# must be bound to its host's own address.
if grep -l '127\.0\.0\.1\|localhost' "$ZT_FABRIC_DATA"/connection-*.json "$ZT_FABRIC_DATA"/run/*.sh \
  "$ZT_FABRIC_DATA"/configtx.yaml "$ZT_FABRIC_DATA"/crypto-config.yaml "$ZT_FABRIC_DATA"/chaincode/pkg-*/code/connection.json; then
  log "the files above still name a loopback address"
  exit 1
fi
for h in "${HOSTS[@]}"; do
  listeners=$(ip netns exec "zt-$h" ss -Hltn | awk '{print $4}' | grep -v "^127.0.0.1:$pg_port$" || true)
  stray=$(grep -v "^${HOST_IP[$h]//./\\.}:" <<<"$listeners" || true)
  [[ -z $stray ]] || { log "zt-$h listens beyond ${HOST_IP[$h]}: $stray"; exit 1; }
  log "zt-$h listens on $(tr '\n' ' ' <<<"$listeners")"
done

# Each organisation's own gateway client, on its own host, with only its own
# peer: endorsement by the other organisations and ordering go through that
# peer (gossip discovery of the namespace addresses).
for org in customs zoneadmin warehouse; do
  ip netns exec "zt-$org" "$ZONETRACE_BIN" chaincode-ready \
    --connection "$ZT_FABRIC_DATA/connection-zonetrace-$org.json" --timeout 90s
done

# Every host's bundle (docs/deployment.md) is whole: bundle.sh fails otherwise.
for b in orderer0 orderer1 orderer2 peer-customs peer-zoneadmin peer-warehouse chaincode node; do
  network/fabric/bundle.sh "$b" "$work/bundles/$b"
done

export ZT_LEDGER=fabric ZT_FABRIC_CONNECTION=$conn
# run_tests HOST DIR BINARY PATTERN runs a compiled test binary in its package
# folder (the tests call ../../network/fabric scripts) as a ZoneTrace node on
# HOST: the zone administration's, or a gateway placed at another
# organisation that uses the zone's database across the network.
run_tests() {
  local db_host=${HOST_IP[zoneadmin]}
  [[ zt-$1 != "$NODE_NS" ]] || db_host=127.0.0.1
  log "$(basename "$3" .test) tests on zt-$1 (database at $db_host)"
  (cd "$2" && ip netns exec "zt-$1" env ZT_TEST_DATABASE_URL="postgres://postgres@$db_host:$pg_port/postgres?sslmode=disable" \
    "$3" -test.count=1 -test.timeout 25m -test.v -test.run "$4" 2>&1) |
    grep --line-buffered -E '^(--- |    --- |PASS|FAIL|ok|panic)|(_test|cases|zone)\.go:[0-9]+:|^\s+(Error|Messages):'
  return "${PIPESTATUS[0]}"
}
rc=0
run_tests customs internal/platform "$work/platform.test" 'TestPrefilingToTraceCode|TestEachOfficerSignsAsThemselves' || rc=1
run_tests warehouse internal/platform "$work/platform.test" 'TestGoodsThroughTheZone|TestGateEventsRecordTheGatePass' || rc=1
run_tests zoneadmin internal/platform "$work/platform.test" 'TestConcurrentDeclarationsOnOneBatch|TestFabricPeerAndOrdererFaults' || rc=1
run_tests zoneadmin network/fabricledger "$work/fabricledger.test" 'TestLedgerOnFabric' || rc=1
((rc == 0)) || exit 1
echo "test-fabric-multihost: PASSED"
