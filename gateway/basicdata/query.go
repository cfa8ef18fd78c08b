package basicdata

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/internal/pgpage"
)

// DataRecord is a record of a data set as kept: Data is its JSON (Supplier,
// Enterprise, HSCode, AccountBook or Declaration).
type DataRecord struct {
	Dataset      string `json:"dataset"`
	Key          string `json:"key"`
	EnterpriseID string `json:"enterpriseId,omitempty"`
	// Data is the record's JSON (json.RawMessage).
	Data      any        `json:"data"`
	Hash      string     `json:"hash"`
	Source    string     `json:"source"`
	Version   int        `json:"version"`
	FirstSeen time.Time  `json:"firstSeen"`
	LastSeen  time.Time  `json:"lastSeen"`
	RemovedAt *time.Time `json:"removedAt,omitempty"`
}

// Filter narrows a data set's list.
type Filter struct {
	// Q finds records whose key or any value contains it.
	Q string
	// EnterpriseID narrows to one enterprise's records (customs and the
	// zone administration; an enterprise sees only its own anyway).
	EnterpriseID string
	// Removed includes records a full delivery no longer held.
	Removed bool
}

// RecordPage is one page of records.
type RecordPage struct {
	Items    []DataRecord `json:"items"`
	Total    int          `json:"total"`
	Page     int          `json:"page"`
	PageSize int          `json:"pageSize"`
}

// SyncPage is one page of the sync log.
type SyncPage struct {
	Items    []Sync `json:"items"`
	Total    int    `json:"total"`
	Page     int    `json:"page"`
	PageSize int    `json:"pageSize"`
}

// sharedDatasets are seen by everyone: the tariff is public.
var sharedDatasets = map[string]bool{HSCodes: true}

// List lists a data set, ordered by key. An enterprise sees only its own
// records, and every HS code.
func (s *Service) List(ctx context.Context, u accounts.User, dataset string, f Filter, page, pageSize int) (RecordPage, error) {
	if !KnownDataset(dataset) {
		return RecordPage{}, model.Refuse(model.ReasonBasicDataSetUnknown, model.Params{"dataset": dataset}, "no data set %s", dataset)
	}
	where := []string{"dataset = $1"}
	args := []any{dataset}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if u.Role == accounts.RoleEnterprise && !sharedDatasets[dataset] {
		where = append(where, "enterprise_id = "+arg(u.EnterpriseID))
	} else if f.EnterpriseID != "" {
		where = append(where, "enterprise_id = "+arg(f.EnterpriseID))
	}
	if !f.Removed {
		where = append(where, "removed_at IS NULL")
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		p := arg("%" + likeEscape(q) + "%")
		where = append(where, "(key ILIKE "+p+" OR data::text ILIKE "+p+")")
	}
	cond := strings.Join(where, " AND ")
	out := RecordPage{Page: page, PageSize: pageSize}
	items, total, err := pgpage.Read(ctx, s.pool, pgpage.List{
		Columns: `dataset, key, enterprise_id, data, hash, source, version, first_seen, last_seen, removed_at`,
		From:    `basic_data_records WHERE ` + cond, OrderBy: `key`,
	}, args, pageSize, (page-1)*pageSize, func(r pgx.Row) (DataRecord, error) {
		var rec DataRecord
		var data json.RawMessage
		err := r.Scan(&rec.Dataset, &rec.Key, &rec.EnterpriseID, &data, &rec.Hash, &rec.Source, &rec.Version,
			&rec.FirstSeen, &rec.LastSeen, &rec.RemovedAt)
		rec.Data, rec.FirstSeen, rec.LastSeen = data, rec.FirstSeen.UTC(), rec.LastSeen.UTC()
		return rec, err
	})
	if err != nil {
		return RecordPage{}, fmt.Errorf("list %s: %w", dataset, err)
	}
	out.Total, out.Items = total, items
	return out, nil
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Syncs lists the sync log, newest first.
func (s *Service) Syncs(ctx context.Context, page, pageSize int) (SyncPage, error) {
	out := SyncPage{Page: page, PageSize: pageSize}
	items, total, err := pgpage.Read(ctx, s.pool, pgpage.List{Columns: syncColumns, From: `basic_data_syncs`, OrderBy: `id DESC`},
		nil, pageSize, (page-1)*pageSize, scanSync)
	if err != nil {
		return SyncPage{}, fmt.Errorf("list syncs: %w", err)
	}
	out.Total, out.Items = total, items
	return out, nil
}

// Sync returns one sync of the log.
func (s *Service) Sync(ctx context.Context, id int64) (Sync, error) {
	y, err := scanSync(s.pool.QueryRow(ctx, `SELECT `+syncColumns+` FROM basic_data_syncs WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Sync{}, model.Refuse(model.ReasonBasicDataSyncNotFound, model.Params{"syncId": id}, "no sync %d", id)
	}
	if err != nil {
		return Sync{}, fmt.Errorf("sync %d: %w", id, err)
	}
	return y, nil
}
