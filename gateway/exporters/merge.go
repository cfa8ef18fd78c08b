package exporters

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
)

// outcome is what merging one entry did.
type outcome int

const (
	unchanged outcome = iota
	added
	updated
	// heldDiffers: the crawl saw other values than a person's held ones.
	heldDiffers
)

// merge writes an entry read by the crawl or an import, keyed by its
// registration number. An import is a person's act: it applies and holds
// the entry. A crawl marks the entry seen and applies its values unless a
// person holds the entry (see the package comment).
func (s *Service) merge(ctx context.Context, tx pgx.Tx, e model.ExporterEntry, source model.ExporterSource, by string) (outcome, error) {
	old, err := scanExporter(tx.QueryRow(ctx, "SELECT "+columns+" FROM exporters WHERE reg_no = $1 FOR UPDATE", e.RegNo))
	if notFound(err) {
		_, err := s.insert(ctx, tx, e, source, by, source != model.ExporterFromCrawl)
		return added, err
	}
	if err != nil {
		return unchanged, fmt.Errorf("read exporter %s: %w", e.RegNo, err)
	}
	if source != model.ExporterFromCrawl {
		if len(diff(old.ExporterEntry, withStatus(e, s.effectiveStatus(e)))) == 0 && old.Held {
			return unchanged, nil
		}
		return updated, s.apply(ctx, tx, old, e, source, by, "")
	}
	if _, err := tx.Exec(ctx, `UPDATE exporters SET last_seen_at = $2 WHERE id = $1`, old.ID, s.Now()); err != nil {
		return unchanged, fmt.Errorf("mark exporter %d seen: %w", old.ID, err)
	}
	changes := diff(old.ExporterEntry, withStatus(e, s.effectiveStatus(e)))
	switch {
	case len(changes) == 0 && old.Held:
		// The website caught up with the person's values.
		_, err := tx.Exec(ctx, `UPDATE exporters SET held = false WHERE id = $1`, old.ID)
		return unchanged, err
	case len(changes) == 0:
		return unchanged, nil
	case !old.Held:
		return updated, s.apply(ctx, tx, old, e, source, by, "")
	}
	var last []byte
	err = tx.QueryRow(ctx, `SELECT changes FROM exporter_edits WHERE exporter_id = $1 ORDER BY id DESC LIMIT 1`, old.ID).Scan(&last)
	if err != nil && !notFound(err) {
		return unchanged, fmt.Errorf("read last edit of exporter %d: %w", old.ID, err)
	}
	var lastChanges map[string]FieldChange
	if len(last) > 0 {
		_ = json.Unmarshal(last, &lastChanges)
	}
	if maps.Equal(lastChanges, changes) {
		// Already recorded at an earlier crawl.
		return heldDiffers, nil
	}
	return heldDiffers, s.record(ctx, tx, old.ID, by, string(source), false, changes, "")
}

func withStatus(e model.ExporterEntry, st model.ExporterStatus) model.ExporterEntry {
	e.Status = st
	return e
}
