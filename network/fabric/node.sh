#!/usr/bin/env bash
# Stop or start one node of a network created by up.sh, e.g. to restart a peer
# after a configuration change or in a fault test.
# usage: network/fabric/node.sh start|stop|restart NAME   (NAME: orderer0..2,
#        peer-customs, peer-zoneadmin, peer-warehouse, chaincode-N)
set -euo pipefail
source "$(dirname "$0")/env.sh"
[[ $# -eq 2 ]] || { echo "usage: $0 start|stop|restart NAME" >&2; exit 2; }
[[ -x $DATA/run/$2.sh ]] || { echo "no node $2 in $DATA/run (is the network up?)" >&2; exit 1; }
case $1 in
  stop) stop_node "$2" ;;
  start) start_node "$2" ;;
  restart) stop_node "$2"; start_node "$2" ;;
  *) echo "usage: $0 start|stop|restart NAME" >&2; exit 2 ;;
esac
