#!/usr/bin/env bash
# Stop or start one node of a network created by up.sh, e.g. to restart a peer
# after a configuration change or in a fault test; or name the orderer that
# leads a channel's Raft cluster (from each orderer's is_leader metric).
# usage: network/fabric/node.sh start|stop|restart NAME   (NAME: orderer0..2,
#        peer-customs, peer-zoneadmin, peer-warehouse, chaincode-N)
#        network/fabric/node.sh leader CHANNEL
set -euo pipefail
source "$(dirname "$0")/env.sh"
[[ $# -eq 2 ]] || { echo "usage: $0 start|stop|restart NAME | leader CHANNEL" >&2; exit 2; }
if [[ $1 == leader ]]; then
  for o in "${ORDERERS[@]}"; do
    # Read whole before matching: grep -q stopping early would fail curl's
    # write, and pipefail the match.
    metrics=$(curl -fsS --max-time 5 "http://$(orderer_host "$o"):$(orderer_ops_port "$o")/metrics" 2>/dev/null) || continue
    if grep -qx "consensus_etcdraft_is_leader{channel=\"$2\"} 1" <<<"$metrics"; then
      echo "$o"
      exit 0
    fi
  done
  echo "no orderer leads channel $2" >&2
  exit 1
fi
[[ -x $DATA/run/$2.sh ]] || { echo "no node $2 in $DATA/run (is the network up?)" >&2; exit 1; }
case $1 in
  stop) stop_node "$2" ;;
  start) start_node "$2" ;;
  restart) stop_node "$2"; start_node "$2" ;;
  *) echo "usage: $0 start|stop|restart NAME | leader CHANNEL" >&2; exit 2 ;;
esac
