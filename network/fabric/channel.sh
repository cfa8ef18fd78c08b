#!/usr/bin/env bash
# Create an application channel on the running network: genesis block from
# configtx.yaml (anchor peers included), joined by the three orderers with
# osnadmin and by every peer, the current chaincode package defined and
# committed, a connection description written, and readiness checked by a
# submission through every organisation's peer.
# usage: network/fabric/channel.sh [CHANNEL]   (default: $ZT_FABRIC_CHANNEL or zonetrace)
# Prints the path of the connection description on stdout.
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$FABRIC_DIR/lifecycle.sh"
channel=${1:-$CHANNEL}
[[ $channel =~ ^[a-z][a-z0-9.-]{0,48}$ ]] || { echo "channel name $channel is not valid" >&2; exit 2; }
require_tools peer configtxgen osnadmin
[[ -f $DATA/chaincode/current ]] || { echo "no chaincode installed: run network/fabric/up.sh first" >&2; exit 1; }
read -r pkg_id < "$DATA/chaincode/current"

mkdir -p "$DATA/channels"
block=$DATA/channels/$channel.block
configtxgen -configPath "$DATA" -profile ZoneTraceChannel -channelID "$channel" -outputBlock "$block" 2>"$DATA/logs/cli.log" ||
  { cat "$DATA/logs/cli.log" >&2; exit 1; }
for o in "${ORDERERS[@]}"; do
  # osnadmin exits 0 whatever the orderer answers and prints the answer on
  # stdout: only 201 (joined) will do.
  joined=$(on_host "$o" osnadmin channel join --channelID "$channel" --config-block "$block" -o "$(orderer_host "$o"):$(orderer_admin_port "$o")" \
    --ca-file "$ORDERER_TLSCA" --client-cert "$ORDERER_ADMIN_TLS/client.crt" --client-key "$ORDERER_ADMIN_TLS/client.key")
  [[ $joined == "Status: 201"* ]] || { echo "$o did not join channel $channel: $joined" >&2; exit 1; }
done
for org in "${ORGS[@]}"; do
  for i in $(seq 30); do
    # The orderers need a moment to elect a leader before peers can pull block 0.
    if (as_admin "$org" && on_host "$org" peer channel join -b "$block" 2>"$DATA/logs/cli.log"); then break; fi
    [[ $i -lt 30 ]] || { cat "$DATA/logs/cli.log" >&2; exit 1; }
    sleep 1
  done
done
log "channel $channel: joined by ${#ORDERERS[@]} orderers and ${#ORGS[@]} peers"

seq=$(cc_committed_sequence "$channel")
cc_define "$channel" "$pkg_id" "$((seq + 1))"
log "channel $channel: chaincode $CC_NAME committed ($pkg_id)"

# write_connection FILE ORG... writes a connection description listing the
# given organisations' peers.
write_connection() {
  local file=$1 sep="" org
  shift
  {
    printf '{\n  "channel": "%s",\n  "chaincode": "%s",\n  "cryptoConfig": "%s",\n  "organizations": [\n' "$channel" "$CC_NAME" "$CRYPTO"
    for org in "$@"; do
      printf '%s    {"mspId": "%s", "domain": "%s", "peerEndpoint": "%s", "peerHostOverride": "%s", "tlsCACert": "%s"}' \
        "$sep" "${ORG_MSP[$org]}" "$(org_domain "$org")" "$(peer_endpoint "$org")" "$(peer_host "$org")" "$(peer_tlsca "$org")"
      sep=$',\n'
    done
    printf '\n  ]\n}\n'
  } >"$file.tmp"
  mv "$file.tmp" "$file"
}
# The node's description names every organisation's peer (each signer goes
# to its own organisation's); connection-CHANNEL-ORG.json names one peer only,
# for a client that runs on that organisation's host and uses its peer alone.
conn=$DATA/connection-$channel.json
write_connection "$conn" "${ORGS[@]}"
for org in "${ORGS[@]}"; do write_connection "$DATA/connection-$channel-$org.json" "$org"; done

"$ZONETRACE_BIN" chaincode-ready --connection "$conn" --timeout 90s
log "channel $channel: ready"
echo "$conn"
