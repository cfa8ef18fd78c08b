package warehouse

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
)

// Source is how records reached the gateway.
type Source string

const (
	SourceAPI  Source = "api"
	SourceXLSX Source = "xlsx"
	SourceCSV  Source = "csv"
)

// FeedResult says what a batch did: Kept records are new, Unchanged ones
// were kept before exactly as resent.
type FeedResult struct {
	Received  int `json:"received"`
	Kept      int `json:"kept"`
	Unchanged int `json:"unchanged"`
}

// item is a record with the field path its problems are named by
// ("records[3]" in a batch, "rows[4]" for the fifth row of a file).
type item struct {
	field  string
	record model.WarehouseRecord
	at     time.Time
}

// maxChangedListed bounds the record ids a WAREHOUSE_RECORD_CHANGED
// refusal names; its count says how many there were.
const maxChangedListed = 20

// Feed keeps a batch of the caller's operator's records, all or nothing:
// any bad record refuses the batch with every record's problems, and a
// record resent with an earlier id but different content refuses it with
// WAREHOUSE_RECORD_CHANGED. Records resent unchanged are counted, not
// kept twice.
func (s *Service) Feed(ctx context.Context, u accounts.User, records []model.WarehouseRecord) (FeedResult, error) {
	items := make([]item, len(records))
	for i, r := range records {
		items[i] = item{field: fmt.Sprintf("records[%d]", i), record: r}
	}
	return s.feed(ctx, u, "records", items, SourceAPI)
}

func (s *Service) feed(ctx context.Context, u accounts.User, list string, items []item, source Source) (FeedResult, error) {
	enterprise, err := s.operator(ctx, u)
	if err != nil {
		return FeedResult{}, err
	}
	switch {
	case len(items) == 0:
		return FeedResult{}, invalid(model.Problem{Field: list, Rule: model.RuleTooFew, Params: model.Params{"min": 1}})
	case len(items) > model.MaxWarehouseRecords:
		return FeedResult{}, invalid(model.Problem{Field: list, Rule: model.RuleTooMany, Params: model.Params{"max": model.MaxWarehouseRecords}})
	}
	problems, valid := checkItems(items, s.now())
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return FeedResult{}, fmt.Errorf("warehouse feed: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit it is a no-op
	// One feed of an operator at a time: two batches carrying the same new
	// id would otherwise both pass the comparison below.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('warehouse-feed:' || $1, 0))`, enterprise); err != nil {
		return FeedResult{}, fmt.Errorf("warehouse feed: lock: %w", err)
	}
	if err := stage(ctx, tx, valid); err != nil {
		return FeedResult{}, err
	}
	unknown, err := unknownReferences(ctx, tx, enterprise, valid)
	if err != nil {
		return FeedResult{}, err
	}
	problems = append(problems, unknown...)
	if len(problems) > 0 {
		slices.SortStableFunc(problems, func(a, b model.Problem) int { return compareFields(a.Field, b.Field) })
		return FeedResult{}, invalid(problems...)
	}
	if err := refuseChanged(ctx, tx, enterprise); err != nil {
		return FeedResult{}, err
	}
	tag, err := tx.Exec(ctx, `
		INSERT INTO warehouse_records (enterprise_id, record_id, kind, trace_code, sent_trace_code, sku, location,
			packages, weight_grams, at, source, fed_by, fed_at)
		SELECT $1, i.record_id, i.kind, coalesce(nullif(i.sent_trace_code, ''), m.trace_code), i.sent_trace_code, i.sku,
			i.location, i.packages, i.weight_grams, i.at, $2, $3, $4
		FROM feed_in i LEFT JOIN warehouse_skus m ON m.enterprise_id = $1 AND m.sku = i.sku AND i.sku <> ''
		ORDER BY i.seq
		ON CONFLICT (enterprise_id, record_id) DO NOTHING`, enterprise, string(source), u.Username, s.now())
	if err != nil {
		return FeedResult{}, fmt.Errorf("warehouse feed: keep records: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return FeedResult{}, fmt.Errorf("warehouse feed: commit: %w", err)
	}
	kept := int(tag.RowsAffected())
	return FeedResult{Received: len(items), Kept: kept, Unchanged: len(items) - kept}, nil
}

// checkItems runs the model's checks on every item and finds ids used
// twice; valid are the items without problems, with their times parsed.
func checkItems(items []item, now time.Time) (problems []model.Problem, valid []item) {
	seen := map[string]bool{}
	for _, it := range items {
		ps := model.CheckWarehouseRecord(it.field, it.record, now)
		if id := it.record.RecordID; id != "" && seen[id] {
			ps.Add(it.field+".recordId", model.RuleDuplicate, model.Params{"value": id})
		}
		seen[it.record.RecordID] = true
		if len(ps) > 0 {
			problems = append(problems, ps...)
			continue
		}
		at, _ := time.Parse(time.RFC3339, it.record.At) // checked above
		// PostgreSQL keeps microseconds; a resend compares as stored.
		it.at = at.Truncate(time.Microsecond)
		valid = append(valid, it)
	}
	return problems, valid
}

// stage copies the valid items into a temporary table of the transaction.
func stage(ctx context.Context, tx pgx.Tx, items []item) error {
	if _, err := tx.Exec(ctx, `CREATE TEMPORARY TABLE feed_in (seq int, field text, record_id text, kind text,
		sent_trace_code text, sku text, location text, packages bigint, weight_grams bigint, at timestamptz) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("warehouse feed: stage: %w", err)
	}
	rows := make([][]any, len(items))
	for i, it := range items {
		r := it.record
		rows[i] = []any{i, it.field, r.RecordID, string(r.Kind), r.TraceCode, r.SKU, r.Location, r.Packages, r.WeightGrams, it.at}
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"feed_in"},
		[]string{"seq", "field", "record_id", "kind", "sent_trace_code", "sku", "location", "packages", "weight_grams", "at"},
		pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("warehouse feed: stage: %w", err)
	}
	return nil
}

// unknownReferences are the staged records naming an SKU the operator has
// not mapped or a location it does not have (or disabled).
func unknownReferences(ctx context.Context, tx pgx.Tx, enterprise string, items []item) ([]model.Problem, error) {
	if len(items) == 0 {
		return nil, nil
	}
	rows, err := tx.Query(ctx, `
		SELECT i.field || '.sku' FROM feed_in i
		WHERE i.sku <> '' AND NOT EXISTS (SELECT 1 FROM warehouse_skus m WHERE m.enterprise_id = $1 AND m.sku = i.sku)
		UNION ALL
		SELECT i.field || '.location' FROM feed_in i
		WHERE NOT EXISTS (SELECT 1 FROM warehouse_locations l WHERE l.enterprise_id = $1 AND l.code = i.location AND NOT l.disabled)`,
		enterprise)
	if err != nil {
		return nil, fmt.Errorf("warehouse feed: references: %w", err)
	}
	fields, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("warehouse feed: references: %w", err)
	}
	ps := make([]model.Problem, len(fields))
	for i, f := range fields {
		ps[i] = model.Problem{Field: f, Rule: model.RuleUnknownValue}
	}
	return ps, nil
}

// refuseChanged refuses the batch when a staged record reuses a kept id
// with other content.
func refuseChanged(ctx context.Context, tx pgx.Tx, enterprise string) error {
	var ids []string
	var count int
	err := tx.QueryRow(ctx, `
		SELECT coalesce((array_agg(record_id ORDER BY seq))[1:$2], '{}'), count(*) FROM (
			SELECT i.seq, i.record_id FROM feed_in i JOIN warehouse_records r ON r.enterprise_id = $1 AND r.record_id = i.record_id
			WHERE (r.kind, r.sent_trace_code, r.sku, r.location, r.packages, r.weight_grams, r.at)
				IS DISTINCT FROM (i.kind, i.sent_trace_code, i.sku, i.location, i.packages, i.weight_grams, i.at)) changed`,
		enterprise, maxChangedListed).Scan(&ids, &count)
	if err != nil {
		return fmt.Errorf("warehouse feed: compare resent records: %w", err)
	}
	if count == 0 {
		return nil
	}
	return model.Refuse(model.ReasonRecordChanged, model.Params{"recordIds": strings.Join(ids, ", "), "count": count},
		"%d records reuse the ids of kept records with other content (%s); nothing was kept", count, strings.Join(ids, ", "))
}

// compareFields orders problems by record ("rows[10]" after "rows[9]"),
// then by field.
func compareFields(a, b string) int {
	ia, ib := index(a), index(b)
	if ia != ib {
		return ia - ib
	}
	return strings.Compare(a, b)
}

// index is the number in a field's first brackets, -1 without one.
func index(field string) int {
	open, end := strings.IndexByte(field, '['), strings.IndexByte(field, ']')
	if open < 0 || end < open {
		return -1
	}
	n, err := strconv.Atoi(field[open+1 : end])
	if err != nil {
		return -1
	}
	return n
}
