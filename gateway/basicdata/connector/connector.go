// Package connector brings basic data from the external trade platform
// (gateway/basicdata) in deliveries: one directory-drop file, or every page
// of one HTTP pull. A delivery is applied whole or not at all, and is then
// settled, so the platform side can tell what became of it.
package connector

import (
	"context"
	"encoding/json"
	"time"
)

// Delivery is one batch of records of one data set.
type Delivery struct {
	Dataset string
	// Full says the delivery is the whole data set: records it lacks are
	// marked removed. A partial delivery (changes since the last pull)
	// removes nothing.
	Full    bool
	Records []json.RawMessage
	// Source names where it came from (file name, URL) for the sync log.
	Source string
	// Invalid, when set, says the delivery could not be read (not JSON, cut
	// off, of another data set); it carries no records and changes nothing.
	Invalid error
	// settle records the outcome on the platform's side; nil when there is
	// nothing to record.
	settle func(refused error) error
}

// Settle records what became of the delivery: refused nil means it was
// applied. Deliveries must be settled after their outcome is committed.
func (d Delivery) Settle(refused error) error {
	if d.settle == nil {
		return nil
	}
	return d.settle(refused)
}

// Connector pulls the deliveries of a data set. since is the time of the
// last successful pull (zero for none): a connector may deliver only what
// changed since then.
type Connector interface {
	Name() string
	Fetch(ctx context.Context, dataset string, since time.Time) ([]Delivery, error)
}

// envelope is the JSON shape of a delivery, in a file or an HTTP page.
type envelope struct {
	Dataset string            `json:"dataset"`
	Full    bool              `json:"full"`
	Records []json.RawMessage `json:"records"`
	// NextPage is the page to ask for next over HTTP; 0 after the last.
	NextPage int `json:"nextPage,omitempty"`
}
