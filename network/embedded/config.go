package embedded

import (
	"crypto/x509"
	"errors"
	"log/slog"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
)

// Verifier checks that a PEM certificate was issued under an MSP and is valid
// now. *pki.PKI implements it.
type Verifier interface {
	Verify(mspID string, certPEM []byte) (*x509.Certificate, error)
}

// Config configures Open.
type Config struct {
	// Dir holds the ledger's LevelDB database; it is created if absent.
	Dir string
	// ChannelID is the channel name the chaincode sees.
	ChannelID string
	// Chaincode is executed in-process for every transaction, e.g. a
	// *contractapi.ContractChaincode.
	Chaincode shim.Chaincode
	// Verifier admits the creators of transactions.
	Verifier Verifier
	// BatchTimeout is how long the committer waits for more transactions
	// after the first one of a block while other submissions are still
	// being endorsed; with none in progress it cuts the block at once
	// (default 10ms).
	BatchTimeout time.Duration
	// MaxBatchSize cuts a block early once it holds this many transactions
	// (default 500).
	MaxBatchSize int
	// MaxConflictRetries is how often Submit proposes a transaction again
	// after an MVCC or phantom read conflict (default 10; negative: never).
	MaxConflictRetries int
	// Clock is the client's clock: the timestamp of the proposals this
	// ledger builds, which chaincode reads as the transaction's time
	// (default time.Now). Like a Fabric client, it is trusted as given;
	// only the demo's seeding of a past year sets it (docs/operations.md
	// "Demo data").
	Clock func() time.Time
	// Logger receives block commits at debug level and failures at error
	// level (default: discard).
	Logger *slog.Logger
}

const (
	defaultBatchTimeout = 10 * time.Millisecond
	defaultMaxBatchSize = 500
	// defaultMaxConflictRetries bounds the re-simulations of a transaction
	// that lost a race; retries go one at a time, so a hot key converges
	// well within it.
	defaultMaxConflictRetries = 10
)

func (c Config) withDefaults() (Config, error) {
	switch {
	case c.Dir == "":
		return c, errors.New("config: Dir is required")
	case c.ChannelID == "":
		return c, errors.New("config: ChannelID is required")
	case c.Chaincode == nil:
		return c, errors.New("config: Chaincode is required")
	case c.Verifier == nil:
		return c, errors.New("config: Verifier is required")
	case c.BatchTimeout < 0 || c.MaxBatchSize < 0:
		return c, errors.New("config: BatchTimeout and MaxBatchSize must not be negative")
	}
	if c.BatchTimeout == 0 {
		c.BatchTimeout = defaultBatchTimeout
	}
	if c.MaxBatchSize == 0 {
		c.MaxBatchSize = defaultMaxBatchSize
	}
	if c.MaxConflictRetries == 0 {
		c.MaxConflictRetries = defaultMaxConflictRetries
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	return c, nil
}
