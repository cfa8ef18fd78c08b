// Package pki is ZoneTrace's development public-key infrastructure: one
// self-signed certificate authority per organisation MSP (CustomsMSP,
// ZoneAdminMSP, WarehouseMSP) and the client identities they issue, kept as
// PEM files on disk in a Fabric-like layout:
//
//	<dir>/keystore.kek                            the key-encryption key
//	<dir>/<mspID>/ca/cert.pem, key.pem           the MSP's CA
//	<dir>/<mspID>/crl.pem                        its revocation list
//	<dir>/<mspID>/users/<commonName>/cert.pem, key.pem   system identities
//	<dir>/<mspID>/members/<user>/cert.pem, key.pem       personal identities
//	<dir>/<mspID>/retired/<user>.<fp>/cert.pem           revoked ones
//
// Keys are ECDSA P-256 in PKCS #8, sealed with AES-256-GCM under the
// key-encryption key (keys stored in plain text by earlier versions are
// sealed on Open), written 0600 in directories 0700. Every
// set of files is written into a temporary directory and renamed into place,
// so a process killed half-way leaves either a complete CA or identity or
// nothing, and two processes racing to create the same one agree on the
// winner. Client certificates carry the Fabric NodeOU ("client" or "admin") as
// their OU so that the same certificates work on a real Fabric network with
// NodeOUs enabled.
//
// Personal certificates (Enrol) carry the gateway user's id, role and
// enterprise in Fabric CA's attribute extension, which the chaincode
// authorises from; rotating or revoking one lists it on the CA's CRL, which
// Verify (the embedded ledger's MSP check) consults.
//
// It is meant for development and the embedded ledger; production networks
// use their organisations' own CAs.
package pki
