#!/usr/bin/env bash
# Upgrade the chaincode on a running network: rebuild zonetrace, package it
# as the next generation, install it on every peer, start its chaincode
# server next to the old one (the two alternate between two ports), approve
# and commit the new definition (next sequence) on every channel the peers
# joined, then stop the old server. Transactions keep flowing: until the
# commit, peers use the old server.
# usage: network/fabric/deploy.sh
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$FABRIC_DIR/nodes.sh"
source "$FABRIC_DIR/lifecycle.sh"
tools=(peer)
[[ $ZONETRACE_BIN != "$DATA/bin/zonetrace" ]] || tools+=(go)
require_tools "${tools[@]}"
[[ -f $DATA/chaincode/current ]] || { echo "no network in $DATA: run network/fabric/up.sh first" >&2; exit 1; }
mapfile -t channels < <(as_admin customs && on_host customs peer channel list 2>/dev/null | tail -n +2)
((${#channels[@]})) || { echo "the peers joined no channel" >&2; exit 1; }
old_gen=$(ls "$DATA/run" | sed -n 's/^chaincode-\([0-9]*\)\.sh$/\1/p' | sort -n | tail -1)
gen=$((old_gen + 1))
port=$((CC_SERVER_PORT + (gen + 1) % 2))

if [[ $ZONETRACE_BIN == "$DATA/bin/zonetrace" ]]; then
  log "building zonetrace"
  # The running server keeps its binary: build beside it, then swap.
  (cd "$ROOT_DIR" && go build -o "$ZONETRACE_BIN.new" ./cmd/zonetrace)
  mv "$ZONETRACE_BIN.new" "$ZONETRACE_BIN"
fi
pkg=$(cc_package "$gen" "$port")
cc_install "$pkg"
pkg_id=$(peer lifecycle chaincode calculatepackageid "$pkg")
write_chaincode "chaincode-$gen" "$port" "$pkg_id"
start_node "chaincode-$gen"
wait_port chaincode "$CC_SERVER_HOST" "$port"
for channel in "${channels[@]}"; do
  seq=$(($(cc_committed_sequence "$channel") + 1))
  cc_define "$channel" "$pkg_id" "$seq"
  log "channel $channel: chaincode $CC_NAME at sequence $seq"
done
echo "$pkg_id" >"$DATA/chaincode/current"
stop_node "chaincode-$old_gen"
rm -f "$DATA/run/chaincode-$old_gen.sh"
"$ZONETRACE_BIN" chaincode-ready --connection "$DATA/connection-$CHANNEL.json" --timeout 60s
log "chaincode $CC_NAME upgraded to $pkg_id"
