#!/usr/bin/env bash
# Collect what one host of a multi-host deployment needs from a network made by
# up.sh: its MSP and TLS files, its configuration and an environment file for
# its systemd unit (deploy/systemd/), with paths rewritten to where the bundle
# is installed (/etc/zonetrace, /opt/zonetrace/builder, state under /var/lib).
# Nothing of another host is included: a peer's bundle has no other
# organisation's key, an orderer's none of the peers'. docs/deployment.md says
# what goes where.
# usage: network/fabric/bundle.sh NAME OUTDIR
#   NAME: orderer0..2, peer-customs, peer-zoneadmin, peer-warehouse, chaincode, node
#   OUTDIR (new or empty) receives etc/zonetrace/... (and opt/zonetrace/... for a peer);
#   copy it onto the host's root: cp -a OUTDIR/. /
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$FABRIC_DIR/lifecycle.sh"
[[ $# -eq 2 ]] || { echo "usage: $0 NAME OUTDIR" >&2; exit 2; }
name=$1 out=$2
[[ -d $DATA/run ]] || { echo "no network in $DATA: run network/fabric/up.sh first" >&2; exit 1; }
[[ ! -e $out ]] || [[ -z $(ls -A "$out") ]] || { echo "$out is not empty" >&2; exit 1; }
ETC=/etc/zonetrace
etc=$out$ETC
mkdir -p "$etc"
umask 077

# launcher_env NAME PATTERN prints the variables NAME's launcher exports that
# match PATTERN, one KEY=value a line (systemd EnvironmentFile form).
launcher_env() {
  env -i bash -c "$(grep '^export' "$DATA/run/$1.sh"); env" | grep -E "^($2)=" | sort
}

# rewrite FROM TO... replaces path prefixes on stdin (longest first, as given).
rewrite() {
  local args=()
  while (($#)); do args+=(-e "s|$1|$2|g"); shift 2; done
  sed "${args[@]}"
}

case $name in
  orderer[0-9]*)
    [[ -f $DATA/run/$name.sh ]] || { echo "no orderer $name in $DATA/run" >&2; exit 1; }
    node_dir=$ORDERER_ORG_DIR/orderers/$name.$ORDERER_DOMAIN
    mkdir -p "$etc/fabric" "$etc/orderer"
    cp "$DATA/config/orderer.yaml" "$etc/fabric/orderer.yaml"
    cp -r "$node_dir/msp" "$node_dir/tls" "$etc/orderer/"
    cp "$ORDERER_TLSCA" "$etc/orderer/admin-client-ca.pem"
    launcher_env "$name" 'ORDERER_[A-Z_]*|FABRIC_LOGGING_SPEC' |
      rewrite "$node_dir" "$ETC/orderer" "$ORDERER_TLSCA" "$ETC/orderer/admin-client-ca.pem" \
        "$DATA/orderers/$name" /var/lib/fabric-orderer >"$etc/orderer.env"
    ;;
  peer-*)
    org=${name#peer-}
    [[ -n ${ORG_MSP[$org]:-} ]] || { echo "no organisation $org (one of: ${ORGS[*]})" >&2; exit 1; }
    node_dir=$(org_dir "$org")/peers/$(peer_host "$org")
    mkdir -p "$etc/fabric" "$etc/peer" "$out/opt/zonetrace/builder"
    BUILDER_DIR=/opt/zonetrace/builder envsubst '${BUILDER_DIR}' <"$FABRIC_DIR/config/core.yaml" >"$etc/fabric/core.yaml"
    cp -r "$FABRIC_DIR/builder/bin" "$out/opt/zonetrace/builder/"
    chmod -R go+rX "$out/opt"
    cp -r "$node_dir/msp" "$node_dir/tls" "$etc/peer/"
    launcher_env "$name" 'CORE_[A-Z_]*|FABRIC_LOGGING_SPEC' |
      rewrite "$node_dir" "$ETC/peer" "$DATA/peers/$org" /var/lib/fabric-peer >"$etc/peer.env"
    ;;
  chaincode)
    read -r pkg_id <"$DATA/chaincode/current"
    mkdir -p "$etc/chaincode/tls"
    cp "$CC_TLS/servers/chaincode/cert.pem" "$CC_TLS/servers/chaincode/key.pem" "$etc/chaincode/tls/"
    gen=$(ls "$DATA/run" | sed -n 's/^chaincode-\([0-9]*\)\.sh$/\1/p' | sort -n | tail -1)
    address=$(sed -n 's/.* chaincode --address \([^ ]*\) .*/\1/p' "$DATA/run/chaincode-$gen.sh")
    printf 'CC_ADDRESS=%s\nCHAINCODE_ID=%s\n' "$address" "$pkg_id" >"$etc/chaincode.env"
    ;;
  node)
    # The node issues users' identities from each organisation's CA (ca/),
    # checks endorsements against their MSP roots (msp/cacerts) and dials
    # each peer over TLS (tlsca/).
    for org in "${ORGS[@]}"; do
      src=$(org_dir "$org") dst=$etc/crypto/peerOrganizations/$(org_domain "$org")
      mkdir -p "$dst/msp" "$dst/tlsca"
      cp -r "$src/ca" "$dst/"
      cp "$src"/tlsca/*-cert.pem "$dst/tlsca/"
      cp -r "$src/msp/cacerts" "$dst/msp/"
    done
    rewrite "$CRYPTO" "$ETC/crypto" <"$DATA/connection-$CHANNEL.json" >"$etc/connection.json"
    ;;
  *) echo "unknown NAME $name: orderer0..2, peer-ORG, chaincode or node" >&2; exit 2 ;;
esac

# The bundle must be whole: every $ETC path it names exists in it.
missing=()
while read -r p; do
  [[ -e $out$p ]] || missing+=("$p")
done < <(grep -rhoE "$ETC/[^]\"' ,]*" "$etc"/*.env "$etc"/*.json 2>/dev/null | sort -u)
if ((${#missing[@]})); then
  echo "bundle $name is not whole; missing: ${missing[*]}" >&2
  exit 1
fi
if grep -qsE "$DATA" "$etc"/*.env "$etc"/*.json; then
  echo "bundle $name still names $DATA" >&2
  exit 1
fi
log "bundle $name: $(find "$out" -type f | wc -l) files in $out"
