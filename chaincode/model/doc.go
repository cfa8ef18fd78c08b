// Package model is the ledger data model of ZoneTrace: the on-chain records,
// their state keys, the chaincode event schema and the stable error codes.
// The chaincode writes these types; the gateway and the indexer import them to
// read ledger payloads and events, so there is one definition of every field.
//
// Every quantity is an integer: weight in grams, money in fen (0.01 of the
// currency unit) with an ISO 4217 currency code. Times are the transaction
// timestamps set by the submitting client, never a clock read in chaincode.
package model
