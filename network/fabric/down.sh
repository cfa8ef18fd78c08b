#!/usr/bin/env bash
# Stop every process of the network started by up.sh (by their recorded
# process ids, nothing else) and delete its state, unless --keep is given.
# usage: network/fabric/down.sh [--keep]
set -euo pipefail
source "$(dirname "$0")/env.sh"
if [[ -d $DATA/pids ]]; then
  for f in "$DATA"/pids/*.pid; do
    [[ -e $f ]] || continue
    stop_node "$(basename "$f" .pid)"
  done
fi
if [[ ${1:-} == --keep ]]; then
  log "network stopped; state kept in $DATA"
else
  rm -rf "$DATA"
  log "network stopped and $DATA removed"
fi
