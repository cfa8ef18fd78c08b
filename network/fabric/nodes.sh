# Launcher scripts of the network's processes; sourced by up.sh and deploy.sh.
# Each process gets $DATA/run/NAME.sh so that an operator (or a fault test)
# restarts exactly the same node with `network/fabric/node.sh start NAME`.
# shellcheck shell=bash

write_orderer() {
  local name=$1 port host dir
  port=$(orderer_port "$name")
  host=$(orderer_host "$name")
  dir=$ORDERER_ORG_DIR/orderers/$name.$ORDERER_DOMAIN
  mkdir -p "$DATA/run" "$DATA/orderers/$name"
  cat >"$DATA/run/$name.sh" <<SCRIPT
#!/usr/bin/env bash
export PATH='$PATH' FABRIC_CFG_PATH='$DATA/config' FABRIC_LOGGING_SPEC='$FABRIC_LOGGING_SPEC'
export ORDERER_GENERAL_LISTENADDRESS=$host ORDERER_GENERAL_LISTENPORT=$port
export ORDERER_GENERAL_LOCALMSPID=OrdererMSP ORDERER_GENERAL_LOCALMSPDIR='$dir/msp'
export ORDERER_GENERAL_BOOTSTRAPMETHOD=none ORDERER_CHANNELPARTICIPATION_ENABLED=true
export ORDERER_GENERAL_TLS_ENABLED=true ORDERER_GENERAL_TLS_PRIVATEKEY='$dir/tls/server.key'
export ORDERER_GENERAL_TLS_CERTIFICATE='$dir/tls/server.crt' ORDERER_GENERAL_TLS_ROOTCAS='[$dir/tls/ca.crt]'
export ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE='$dir/tls/server.crt' ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY='$dir/tls/server.key'
export ORDERER_GENERAL_CLUSTER_ROOTCAS='[$dir/tls/ca.crt]'
export ORDERER_ADMIN_LISTENADDRESS=$host:$(orderer_admin_port "$name") ORDERER_ADMIN_TLS_ENABLED=true
export ORDERER_ADMIN_TLS_CERTIFICATE='$dir/tls/server.crt' ORDERER_ADMIN_TLS_PRIVATEKEY='$dir/tls/server.key'
export ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true ORDERER_ADMIN_TLS_CLIENTROOTCAS='[$ORDERER_TLSCA]'
export ORDERER_OPERATIONS_LISTENADDRESS=$host:$(orderer_ops_port "$name") ORDERER_METRICS_PROVIDER=prometheus
export ORDERER_GENERAL_PROFILE_ENABLED=false
export ORDERER_FILELEDGER_LOCATION='$DATA/orderers/$name/ledger'
export ORDERER_CONSENSUS_WALDIR='$DATA/orderers/$name/etcdraft/wal' ORDERER_CONSENSUS_SNAPDIR='$DATA/orderers/$name/etcdraft/snapshot'
exec $(netns_exec "$name")orderer
SCRIPT
  chmod +x "$DATA/run/$name.sh"
}

write_peer() {
  local org=$1 port host dir
  port=$(peer_port "$org")
  host=$(peer_addr "$org")
  dir=$(org_dir "$org")/peers/$(peer_host "$org")
  mkdir -p "$DATA/run" "$DATA/peers/$org"
  cat >"$DATA/run/peer-$org.sh" <<SCRIPT
#!/usr/bin/env bash
export PATH='$PATH' FABRIC_CFG_PATH='$DATA/config' FABRIC_LOGGING_SPEC='$FABRIC_LOGGING_SPEC'
export CORE_PEER_ID='$(peer_host "$org")' CORE_PEER_LOCALMSPID=${ORG_MSP[$org]} CORE_PEER_MSPCONFIGPATH='$dir/msp'
export CORE_PEER_ADDRESS=$host:$port CORE_PEER_LISTENADDRESS=$host:$port
export CORE_PEER_CHAINCODEADDRESS=$host:$(peer_cc_port "$org") CORE_PEER_CHAINCODELISTENADDRESS=$host:$(peer_cc_port "$org")
export CORE_PEER_GOSSIP_BOOTSTRAP=$host:$port CORE_PEER_GOSSIP_EXTERNALENDPOINT=$host:$port
export CORE_PEER_GOSSIP_RECONNECTINTERVAL=2s
export CORE_PEER_TLS_ENABLED=true CORE_PEER_TLS_CERT_FILE='$dir/tls/server.crt'
export CORE_PEER_TLS_KEY_FILE='$dir/tls/server.key' CORE_PEER_TLS_ROOTCERT_FILE='$dir/tls/ca.crt'
export CORE_PEER_FILESYSTEMPATH='$DATA/peers/$org' CORE_LEDGER_SNAPSHOTS_ROOTDIR='$DATA/peers/$org/snapshots'
export CORE_LEDGER_STATE_STATEDATABASE=goleveldb
export CORE_OPERATIONS_LISTENADDRESS=$host:$(peer_ops_port "$org") CORE_METRICS_PROVIDER=prometheus
export CORE_PEER_PROFILE_ENABLED=false CORE_PEER_PROFILE_LISTENADDRESS=$host:$(peer_profile_port "$org")
exec $(netns_exec "$org")peer node start
SCRIPT
  chmod +x "$DATA/run/peer-$org.sh"
}

# write_chaincode NAME PORT PACKAGE_ID: the chaincode server of one package.
write_chaincode() {
  mkdir -p "$DATA/run"
  cat >"$DATA/run/$1.sh" <<SCRIPT
#!/usr/bin/env bash
exec $(netns_exec chaincode)'$ZONETRACE_BIN' chaincode --address $CC_SERVER_HOST:$2 --id '$3' \\
  --tls-cert '$CC_TLS/servers/chaincode/cert.pem' --tls-key '$CC_TLS/servers/chaincode/key.pem'
SCRIPT
  chmod +x "$DATA/run/$1.sh"
}
