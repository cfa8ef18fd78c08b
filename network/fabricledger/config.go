package fabricledger

import (
	"errors"
	"log/slog"
	"time"

	"zonetrace/network/ledger"
)

// Config configures Open. Zero durations take the defaults listed.
type Config struct {
	Connection Connection
	// Listener signs what no user asks for: block streams, the height and
	// the settling of submissions whose outcome is unknown. It must be a
	// member (reader) of the channel.
	Listener ledger.Signer
	// EventsMSP is the organisation whose peer serves blocks first (default:
	// the last organisation: the peer that endorses least).
	EventsMSP string

	DialTimeout         time.Duration // default 10s
	EvaluateTimeout     time.Duration // default 30s
	EndorseTimeout      time.Duration // default 30s
	SubmitTimeout       time.Duration // default 30s
	CommitStatusTimeout time.Duration // default 60s
	// ResendInterval is how long a submitted transaction may go without a
	// commit status before the same envelope is sent again, doubling after
	// each resend (default 10s: well above a loaded network's commit time,
	// so that a copy is resent only when an orderer has lost it).
	ResendInterval time.Duration
	// SettleTimeout bounds the wait for a submission of unknown outcome to
	// show up in the ledger (default 20s).
	SettleTimeout time.Duration
	// MaxConflictRetries is how often a conflicted transaction is proposed
	// again (default 30; negative: never; retries go one at a time).
	MaxConflictRetries int
	Logger             *slog.Logger
}

func (c Config) withDefaults() (Config, error) {
	if err := c.Connection.validate(); err != nil {
		return c, err
	}
	if c.Listener == nil {
		return c, errors.New("config: Listener is required")
	}
	if c.EventsMSP == "" {
		c.EventsMSP = c.Connection.Organizations[len(c.Connection.Organizations)-1].MspID
	}
	if c.Connection.orgIndex(c.EventsMSP) < 0 {
		return c, errors.New("config: EventsMSP is not an organization of the connection")
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.DialTimeout, 10*time.Second)
	def(&c.EvaluateTimeout, 30*time.Second)
	def(&c.EndorseTimeout, 30*time.Second)
	def(&c.SubmitTimeout, 30*time.Second)
	def(&c.CommitStatusTimeout, 60*time.Second)
	def(&c.ResendInterval, 10*time.Second)
	def(&c.SettleTimeout, 20*time.Second)
	if c.MaxConflictRetries == 0 {
		c.MaxConflictRetries = 30
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}
