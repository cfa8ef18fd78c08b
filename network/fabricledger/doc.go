// Package fabricledger implements ledger.Ledger on a Hyperledger Fabric
// network through the Fabric Gateway (github.com/hyperledger/fabric-gateway).
//
// Each signer talks to the gateway peer of its own organisation; gateway
// connections are cached per identity and peer, and share one gRPC connection
// per peer, which reconnects by itself when the peer restarts. Submit is
// proposal, endorsement, submission and commit status; a transaction
// invalidated by an MVCC or phantom read conflict is proposed again under a
// new transaction ID. A transaction that gets no commit status for a while
// (an orderer stopped after accepting it and lost it) is sent again as the
// same signed envelope; a second copy that also gets ordered is invalidated
// as DUPLICATE_TXID. A submission whose outcome is unknown (the orderer
// connection broke, the commit status stream failed) is settled by asking
// the ledger (qscc) whether the transaction ID committed, never by guessing.
//
// Listen reads full blocks from a peer's Deliver service and converts them
// for the indexer; when the stream breaks it returns the error and the next
// Listen call reads from the next organisation's peer, so the indexer
// survives a peer being down.
package fabricledger
