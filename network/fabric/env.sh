# Shared settings of the Fabric scripts; sourced, not run. Every value can be
# overridden from the environment. Ports are derived from one base port so a
# second network on the same host is ZT_FABRIC_BASE_PORT=28000.
# shellcheck shell=bash

FABRIC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(cd "$FABRIC_DIR/../.." && pwd)
DATA=${ZT_FABRIC_DATA:-$ROOT_DIR/.data/fabric}
CRYPTO=$DATA/crypto-config
BASE=${ZT_FABRIC_BASE_PORT:-27000}

# Addresses: every node has a host (an IP address or DNS name its TLS
# certificate names) and, optionally, a Linux network namespace its process
# runs in (scripts/test-fabric-multihost.sh puts each organisation in one).
# Defaults put everything on 127.0.0.1 in the caller's namespace. up.sh
# records the values a network was created with in $DATA/addresses.env, so
# later commands (channel.sh, node.sh, deploy.sh) reach the same addresses
# without the environment being set again.
# shellcheck source=/dev/null
[[ -f $DATA/addresses.env ]] && source "$DATA/addresses.env"
ADDRESS_VARS=(ORDERER0_HOST ORDERER1_HOST ORDERER2_HOST CUSTOMS_PEER_HOST ZONEADMIN_PEER_HOST
  WAREHOUSE_PEER_HOST CC_SERVER_HOST ORDERER0_NETNS ORDERER1_NETNS ORDERER2_NETNS CUSTOMS_NETNS
  ZONEADMIN_NETNS WAREHOUSE_NETNS CC_SERVER_NETNS)
for v in "${ADDRESS_VARS[@]}"; do
  if [[ $v == *_HOST ]]; then printf -v "$v" %s "${!v:-127.0.0.1}"; else printf -v "$v" %s "${!v:-}"; fi
  export "${v?}"
done
unset v

# Orderers: three Raft nodes of OrdererMSP.
ORDERERS=(orderer0 orderer1 orderer2)
ORDERER0_PORT=${ORDERER0_PORT:-$((BASE + 0))}
ORDERER1_PORT=${ORDERER1_PORT:-$((BASE + 10))}
ORDERER2_PORT=${ORDERER2_PORT:-$((BASE + 20))}
orderer_port() { local v="${1^^}_PORT"; echo "${!v}"; }
orderer_host() { local v="${1^^}_HOST"; echo "${!v}"; }
orderer_admin_port() { echo $(($(orderer_port "$1") + 1)); }
orderer_ops_port() { echo $(($(orderer_port "$1") + 2)); }

# Peer organisations: one peer each. A second warehouse operator is one more
# entry here, in config/crypto-config.yaml and in config/configtx.yaml.
ORGS=(customs zoneadmin warehouse)
declare -A ORG_MSP=([customs]=CustomsMSP [zoneadmin]=ZoneAdminMSP [warehouse]=WarehouseMSP)
CUSTOMS_PEER_PORT=${CUSTOMS_PEER_PORT:-$((BASE + 100))}
ZONEADMIN_PEER_PORT=${ZONEADMIN_PEER_PORT:-$((BASE + 110))}
WAREHOUSE_PEER_PORT=${WAREHOUSE_PEER_PORT:-$((BASE + 120))}
peer_port() { local v="${1^^}_PEER_PORT"; echo "${!v}"; }
peer_addr() { local v="${1^^}_PEER_HOST"; echo "${!v}"; }
peer_endpoint() { echo "$(peer_addr "$1"):$(peer_port "$1")"; }
peer_cc_port() { echo $(($(peer_port "$1") + 1)); }
peer_ops_port() { echo $(($(peer_port "$1") + 2)); }
peer_profile_port() { echo $(($(peer_port "$1") + 3)); }
org_domain() { echo "$1.zonetrace.local"; }
org_dir() { echo "$CRYPTO/peerOrganizations/$(org_domain "$1")"; }
peer_host() { echo "peer0.$(org_domain "$1")"; }
peer_tlsca() { echo "$(org_dir "$1")/tlsca/tlsca.$(org_domain "$1")-cert.pem"; }
org_admin_msp() { echo "$(org_dir "$1")/users/Admin@$(org_domain "$1")/msp"; }

ORDERER_DOMAIN=orderer.zonetrace.local
ORDERER_ORG_DIR=$CRYPTO/ordererOrganizations/$ORDERER_DOMAIN
ORDERER_TLSCA=$ORDERER_ORG_DIR/tlsca/tlsca.$ORDERER_DOMAIN-cert.pem
ORDERER_ADMIN_TLS=$ORDERER_ORG_DIR/users/Admin@$ORDERER_DOMAIN/tls

# Chaincode: served by `zonetrace chaincode`; a deploy alternates between two
# ports so the new version starts before the old one stops.
CHANNEL=${ZT_FABRIC_CHANNEL:-zonetrace}
CC_NAME=zonetrace
CC_SERVER_PORT=${CC_SERVER_PORT:-$((BASE + 200))}
# Customs endorses every transaction, together with the zone administration
# or the warehouse operator (see docs/operations.md for why not key-level).
CC_POLICY="AND('CustomsMSP.peer', OR('ZoneAdminMSP.peer','WarehouseMSP.peer'))"

# Blocks are cut after 100 ms or 500 transactions (docs/benchmarks.md
# "Fabric"): 50 ms halved a lone transaction's wait but, with many clients
# on two cores, the more numerous smaller blocks cost more than they saved;
# 500 leaves room for bursts of many users in one block.
BATCH_TIMEOUT=${ZT_FABRIC_BATCH_TIMEOUT:-100ms}
BATCH_SIZE=${ZT_FABRIC_BATCH_SIZE:-500}
export FABRIC_LOGGING_SPEC=${FABRIC_LOGGING_SPEC:-warning:gossip=error:grpc=error}

# Fabric binaries come from $FABRIC_BIN or PATH, nowhere else.
if [[ -n ${FABRIC_BIN:-} ]]; then PATH=$FABRIC_BIN:$PATH; fi
ZONETRACE_BIN=${ZONETRACE_BIN:-$DATA/bin/zonetrace}
export FABRIC_CFG_PATH=$DATA/config

# require_tools fails with the full list of what is missing.
require_tools() {
  local missing=() t
  for t in "$@"; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
  if ((${#missing[@]})); then
    echo "missing: ${missing[*]}" >&2
    echo "Fabric binaries are looked up in \$FABRIC_BIN (${FABRIC_BIN:-unset}) and PATH." >&2
    return 1
  fi
}

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# as_admin ORG sets the peer CLI's environment to ORG's admin on ORG's peer.
as_admin() {
  export FABRIC_CFG_PATH=$DATA/config
  export CORE_PEER_LOCALMSPID=${ORG_MSP[$1]}
  export CORE_PEER_MSPCONFIGPATH
  CORE_PEER_MSPCONFIGPATH=$(org_admin_msp "$1")
  export CORE_PEER_ADDRESS
  CORE_PEER_ADDRESS=$(peer_endpoint "$1")
  export CORE_PEER_TLS_ENABLED=true
  export CORE_PEER_TLS_ROOTCERT_FILE
  CORE_PEER_TLS_ROOTCERT_FILE=$(peer_tlsca "$1")
}

ORDERER_ARGS=(-o "$ORDERER0_HOST:$ORDERER0_PORT" --tls --cafile "$ORDERER_TLSCA")

# node_netns NAME prints the network namespace of a node (orderer0..2, an
# organisation, chaincode), empty for the caller's own.
node_netns() {
  local v
  case $1 in
    orderer*) v="${1^^}_NETNS" ;;
    chaincode*) v=CC_SERVER_NETNS ;;
    peer-*) v="${1#peer-}" && v="${v^^}_NETNS" ;;
    *) v="${1^^}_NETNS" ;;
  esac
  echo "${!v:-}"
}

# on_host NAME CMD... runs CMD on NAME's host: inside its network namespace
# if it has one, so an organisation's admin commands leave from its address.
on_host() {
  local ns
  ns=$(node_netns "$1")
  shift
  if [[ -n $ns ]]; then ip netns exec "$ns" "$@"; else "$@"; fi
}

# netns_exec NAME prints the command prefix a launcher puts before its binary.
netns_exec() {
  local ns
  ns=$(node_netns "$1")
  [[ -z $ns ]] || printf 'ip netns exec %q ' "$ns"
}

# start_node NAME runs $DATA/run/NAME.sh in the background, logging to
# $DATA/logs/NAME.log and recording its process id in $DATA/pids/NAME.pid.
start_node() {
  mkdir -p "$DATA/logs" "$DATA/pids"
  if [[ -f $DATA/pids/$1.pid ]] && kill -0 "$(<"$DATA/pids/$1.pid")" 2>/dev/null; then return 0; fi
  nohup "$DATA/run/$1.sh" >>"$DATA/logs/$1.log" 2>&1 &
  echo $! >"$DATA/pids/$1.pid"
}

# stop_node NAME stops the process recorded for NAME, if it still runs.
stop_node() {
  local pidfile=$DATA/pids/$1.pid pid i
  [[ -f $pidfile ]] || return 0
  pid=$(<"$pidfile")
  if kill "$pid" 2>/dev/null; then
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# wait_port NAME HOST PORT waits until something listens on HOST:PORT, as
# seen from NAME's host.
wait_port() {
  local i
  for i in $(seq 100); do
    on_host "$1" bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$2" "$3" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on $2:$3 (seen from $1) after 10s" >&2
  return 1
}

# retry TRIES CMD... runs CMD until it succeeds, a second apart (Raft needs a
# few seconds to elect a leader on a new channel); the last failure's output
# goes to stderr.
retry() {
  local tries=$1 i
  shift
  for ((i = 1; ; i++)); do
    if "$@" 2>"$DATA/logs/retry.log"; then return 0; fi
    if ((i >= tries)); then cat "$DATA/logs/retry.log" >&2; return 1; fi
    sleep 1
  done
}
