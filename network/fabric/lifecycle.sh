# Chaincode lifecycle steps; sourced by up.sh, channel.sh and deploy.sh.
# shellcheck shell=bash

# CC_TLS is the dev TLS CA of the chaincode servers (zonetrace dev-tls-server):
# ca/cert.pem goes into every package, servers/chaincode/ holds the pair.
CC_TLS=$DATA/chaincode/tls

# cc_package SEQUENCE PORT writes the ccaas package of one chaincode version
# (metadata.json on top, connection.json inside code.tar.gz) and prints its path.
# The peer reaches the server over TLS, verifying it against root_cert.
cc_package() {
  local seq=$1 port=$2 work=$DATA/chaincode/pkg-$1 root
  rm -rf "$work" && mkdir -p "$work/code"
  "$ZONETRACE_BIN" dev-tls-server --dir "$CC_TLS" --name chaincode --hosts "$CC_SERVER_HOST"
  root=$(awk '{printf "%s\\n", $0}' "$CC_TLS/ca/cert.pem")
  printf '{"address":"%s:%s","dial_timeout":"10s","tls_required":true,"client_auth_required":false,"root_cert":"%s"}\n' \
    "$CC_SERVER_HOST" "$port" "$root" >"$work/code/connection.json"
  printf '{"type":"ccaas","label":"%s_%s"}\n' "$CC_NAME" "$seq" >"$work/metadata.json"
  tar -C "$work/code" -czf "$work/code.tar.gz" connection.json
  tar -C "$work" -czf "$DATA/chaincode/$CC_NAME-$seq.tar.gz" metadata.json code.tar.gz
  echo "$DATA/chaincode/$CC_NAME-$seq.tar.gz"
}

# cc_install PACKAGE installs a package on every organisation's peer.
cc_install() {
  local org
  for org in "${ORGS[@]}"; do
    (as_admin "$org" && on_host "$org" peer lifecycle chaincode install "$1" >/dev/null 2>"$DATA/logs/cli.log") ||
      { cat "$DATA/logs/cli.log" >&2; return 1; }
  done
}

# cc_define CHANNEL PACKAGE_ID SEQUENCE approves the definition for every
# organisation and commits it, with the same policy string everywhere.
cc_define() {
  local channel=$1 pkg=$2 seq=$3 org peers=()
  for org in "${ORGS[@]}"; do
    as_admin "$org"
    retry 30 on_host "$org" peer lifecycle chaincode approveformyorg "${ORDERER_ARGS[@]}" \
      --channelID "$channel" --name "$CC_NAME" --version "$seq" --package-id "$pkg" \
      --sequence "$seq" --signature-policy "$CC_POLICY" --waitForEvent
    peers+=(--peerAddresses "$(peer_endpoint "$org")" --tlsRootCertFiles "$(peer_tlsca "$org")")
  done
  as_admin customs
  retry 10 on_host customs peer lifecycle chaincode commit "${ORDERER_ARGS[@]}" --channelID "$channel" \
    --name "$CC_NAME" --version "$seq" --sequence "$seq" --signature-policy "$CC_POLICY" \
    "${peers[@]}" --waitForEvent
}

# cc_committed_sequence CHANNEL prints the committed sequence (0 if none).
cc_committed_sequence() {
  (as_admin customs && on_host customs peer lifecycle chaincode querycommitted --channelID "$1" --name "$CC_NAME" 2>/dev/null) |
    sed -n 's/.*Sequence: \([0-9]*\).*/\1/p' | head -1 | grep . || echo 0
}
