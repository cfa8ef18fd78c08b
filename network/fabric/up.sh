#!/usr/bin/env bash
# From nothing to a ready network: crypto material (cryptogen, NodeOUs), three
# Raft orderers, one peer per organisation (TLS, LevelDB), the chaincode
# installed through our ccaas builder and served by `zonetrace chaincode`, and
# the channel created by channel.sh. Run again on a stopped network, it
# restarts the existing nodes instead. State and logs: $ZT_FABRIC_DATA
# (default .data/fabric). Prints the connection description's path.
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$FABRIC_DIR/nodes.sh"
source "$FABRIC_DIR/lifecycle.sh"
start=$(date +%s.%N)

tools=(peer orderer configtxgen osnadmin cryptogen envsubst)
[[ $ZONETRACE_BIN != "$DATA/bin/zonetrace" ]] || tools+=(go)
require_tools "${tools[@]}"

all_nodes() {
  echo "${ORDERERS[@]}"
  for org in "${ORGS[@]}"; do echo "peer-$org"; done
  ls "$DATA/run" | sed -n 's/^\(chaincode-[0-9]*\)\.sh$/\1/p'
}

if [[ -d $DATA/run ]]; then
  log "restarting the existing network in $DATA"
  for n in $(all_nodes); do start_node "$n"; done
  for o in "${ORDERERS[@]}"; do wait_port "$o" "$(orderer_host "$o")" "$(orderer_port "$o")"; done
  for org in "${ORGS[@]}"; do wait_port "$org" "$(peer_addr "$org")" "$(peer_port "$org")"; done
  conn=$DATA/connection-$CHANNEL.json
  "$ZONETRACE_BIN" chaincode-ready --connection "$conn" --timeout 90s
  log "network ready after $(echo "$(date +%s.%N) - $start" | bc) s"
  echo "$conn"
  exit 0
fi

mkdir -p "$DATA"/{config,logs,pids,chaincode,bin}
for v in "${ADDRESS_VARS[@]}"; do printf '%s=%q\n' "$v" "${!v}"; done >"$DATA/addresses.env"
if [[ $ZONETRACE_BIN == "$DATA/bin/zonetrace" ]]; then
  log "building zonetrace"
  (cd "$ROOT_DIR" && go build -o "$ZONETRACE_BIN" ./cmd/zonetrace)
fi

log "generating crypto material"
# Each node's TLS certificate names the address it is reached at.
envsubst '${ORDERER0_HOST} ${ORDERER1_HOST} ${ORDERER2_HOST} ${CUSTOMS_PEER_HOST} ${ZONEADMIN_PEER_HOST} ${WAREHOUSE_PEER_HOST}' \
  <"$FABRIC_DIR/config/crypto-config.yaml" >"$DATA/crypto-config.yaml"
cryptogen generate --config="$DATA/crypto-config.yaml" --output="$CRYPTO" >/dev/null
export BUILDER_DIR=$FABRIC_DIR/builder
envsubst '${BUILDER_DIR}' <"$FABRIC_DIR/config/core.yaml" >"$DATA/config/core.yaml"
cp "$FABRIC_DIR/config/orderer.yaml" "$DATA/config/orderer.yaml"
export ORDERER0_PORT ORDERER1_PORT ORDERER2_PORT CUSTOMS_PEER_PORT ZONEADMIN_PEER_PORT WAREHOUSE_PEER_PORT BATCH_TIMEOUT BATCH_SIZE
envsubst <"$FABRIC_DIR/config/configtx.yaml" >"$DATA/configtx.yaml"

log "starting ${#ORDERERS[@]} orderers and ${#ORGS[@]} peers"
for o in "${ORDERERS[@]}"; do write_orderer "$o"; start_node "$o"; done
for org in "${ORGS[@]}"; do write_peer "$org"; start_node "peer-$org"; done
for o in "${ORDERERS[@]}"; do wait_port "$o" "$(orderer_host "$o")" "$(orderer_admin_port "$o")"; done
for org in "${ORGS[@]}"; do wait_port "$org" "$(peer_addr "$org")" "$(peer_port "$org")"; done

log "installing the chaincode"
pkg=$(cc_package 1 "$CC_SERVER_PORT")
cc_install "$pkg"
pkg_id=$(peer lifecycle chaincode calculatepackageid "$pkg")
echo "$pkg_id" >"$DATA/chaincode/current"
write_chaincode chaincode-1 "$CC_SERVER_PORT" "$pkg_id"
start_node chaincode-1
wait_port chaincode "$CC_SERVER_HOST" "$CC_SERVER_PORT"

conn=$("$FABRIC_DIR/channel.sh" "$CHANNEL")
log "network ready after $(echo "$(date +%s.%N) - $start" | bc) s"
echo "$conn"
