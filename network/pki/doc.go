// Package pki is ZoneTrace's development public-key infrastructure: one
// self-signed certificate authority per organisation MSP (CustomsMSP,
// ZoneAdminMSP, WarehouseMSP) and the client identities they issue, kept as
// PEM files on disk in a Fabric-like layout:
//
//	<dir>/<mspID>/ca/cert.pem, key.pem           the MSP's CA
//	<dir>/<mspID>/users/<commonName>/cert.pem, key.pem
//
// Keys are ECDSA P-256 in PKCS #8, written 0600 in directories 0700. Every
// set of files is written into a temporary directory and renamed into place,
// so a process killed half-way leaves either a complete CA or identity or
// nothing, and two processes racing to create the same one agree on the
// winner. Client certificates carry the Fabric NodeOU ("client" or "admin") as
// their OU so that the same certificates work on a real Fabric network with
// NodeOUs enabled.
//
// It is meant for development and the embedded ledger; production networks
// use their organisations' own CAs.
package pki
