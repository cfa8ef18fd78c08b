// Package embedded is ZoneTrace's single-process ledger: it implements
// ledger.Ledger without any Fabric binary, executing the real chaincode
// in-process through the contract API, so that the whole product runs with
// one command. It mimics what the gateway and indexer can observe of Fabric
// and nothing more; it is not a second blockchain to grow.
//
// # Transactions
//
// Submit plays both sides. The client side builds a proposal {channel,
// timestamp (UTC, microseconds), creator, 24-byte nonce, args = function +
// arguments, txID = hex(SHA-256(nonce || creator))}, where creator is the
// protobuf msp.SerializedIdentity{Mspid, IdBytes: certificate PEM} exactly
// as in Fabric. Proposals, simulation results and envelopes are serialised
// with encoding/json; the structs have a fixed field order and no maps, so
// the encoding is canonical, and the exact signed bytes are what is stored
// (nested as raw JSON, never re-encoded). The client signs SHA-256 of the
// proposal bytes; the ledger side opens the proposal, checks the signature
// (ECDSA, low-S only), the transaction ID, the channel, that the certificate
// chains to the claimed MSP (Config.Verifier) and that the transaction ID
// was never committed, and only then simulates. Refusals are *RefusedError,
// which matches ledger.ErrEndorsement.
//
// Simulation runs Chaincode.Invoke on a stub over a LevelDB snapshot of
// committed state. Reads never see the transaction's own writes (as in
// Fabric); point reads record the version {block, tx} they saw or its
// absence, range queries record their range and every key and version
// returned. A response with status >= 400 is a *ledger.ChaincodeError and
// nothing is ordered. Otherwise the client signs the envelope
// {proposal, proposal signature, simulation} and the ledger checks that it
// carries exactly what was endorsed before queueing it.
//
// # Ordering and commit
//
// One committer goroutine cuts blocks after MaxBatchSize transactions,
// BatchTimeout after the first one, or as soon as the queue is empty and no
// submission is being endorsed (nothing more is coming, so a lone
// transaction does not wait). It validates each transaction in order
// against committed state plus the earlier valid transactions of the block
// (DUPLICATE_TXID, MVCC_READ_CONFLICT, PHANTOM_READ_CONFLICT or VALID), and
// writes the block, state, history, transaction index and height in one
// LevelDB batch with Sync, so a crash leaves the whole block or none of it,
// and a transaction is answered only once its block is on disk. Invalid
// transactions stay in their block, as in Fabric. A conflicted submission
// is simulated again under a new transaction ID, at most 10 times; retries
// run one at a time so that a hot key converges.
//
// Signatures are checked where the work can run in parallel: the proposal
// at endorsement and the envelope at admission, each in the submitter's
// goroutine (the envelope's copy of the proposal and its signature must
// equal the endorsed bytes). The committer keeps the last blocks as
// listeners see them, built from those checked transactions; a listener
// further behind reads the block from disk and has every signature checked
// again, on all cores.
//
// # Storage
//
// One LevelDB database in Config.Dir/ledgerdb:
//
//	b + be64(number)                          block (JSON)
//	s + key                                   {value, version, metadata}
//	h + be32(len key) + key + be64(block) + be64(tx)   history entry
//	t + txID                                  be64(block) + be64(tx)
//	m + "height"                              be64(next block number)
//
// A block is {header, data, metadata}: data holds the envelopes byte for
// byte, metadata their validation codes. The header is {number,
// previous_hash, data_hash, metadata_hash}; data_hash and metadata_hash are
// SHA-256 over each item prefixed with its be64 length, and the block hash
// is SHA-256(be64(number) || previous_hash || data_hash || metadata_hash),
// previous_hash being 32 zero bytes for block 0. VerifyStore re-checks all
// of it and every signature.
//
// # Unlike Fabric
//
//   - One organisation-neutral endorser: there is no endorsement policy and
//     no peer signature; the client's envelope signature binds the result.
//     Key-level validation parameters are stored but not enforced.
//   - Validation codes are covered by the header (metadata_hash); Fabric
//     leaves block metadata outside the hash chain.
//   - JSON, not protobuf, for proposals, envelopes and blocks;
//     GetSignedProposal therefore returns an error rather than a fake Fabric
//     proposal.
//   - Not supported, with an error saying so: private data, InvokeChaincode,
//     rich queries (GetQueryResult). GetTransient and GetDecorations are
//     empty; GetBinding is SHA-256(nonce || creator || epoch 0).
//   - Paginated queries in a transaction that writes are refused at
//     endorsement, as Fabric refuses them; pageSize <= 0 means no limit.
//   - Range query results are materialised in memory; there is no
//     totalQueryLimit.
//   - Creator.ID given to listeners is what the chaincode's
//     GetClientIdentity().GetID() returns: base64 of
//     "x509::<subject DN>::<issuer DN>".
package embedded
