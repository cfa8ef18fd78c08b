package query

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
	"zonetrace/indexer"
)

// AccountPeriods lists the accounting periods of an enterprise (all
// enterprises when enterpriseID is empty), newest first day first.
func (r *Reader) AccountPeriods(ctx context.Context, enterpriseID string) ([]model.AccountPeriod, error) {
	c := &conditions{}
	if enterpriseID != "" {
		c.add("enterprise_id = ?", enterpriseID)
	}
	rows, err := r.pool.Query(ctx, `SELECT doc FROM account_periods WHERE `+c.where()+`
		ORDER BY from_day DESC, to_day DESC, enterprise_id COLLATE "C", period_id COLLATE "C"`, c.args...)
	if err != nil {
		return nil, fmt.Errorf("list account periods: %w", err)
	}
	list, err := collectDocs[model.AccountPeriod](rows)
	if err != nil {
		return nil, fmt.Errorf("list account periods: %w", err)
	}
	return list, nil
}

// AccountPeriod returns one period, or ErrNotFound.
func (r *Reader) AccountPeriod(ctx context.Context, enterpriseID, periodID string) (model.AccountPeriod, error) {
	var p model.AccountPeriod
	err := r.doc(ctx, &p, `SELECT doc FROM account_periods WHERE enterprise_id = $1 AND period_id = $2`, enterpriseID, periodID)
	if err != nil {
		return p, fmt.Errorf("get account period %s/%s: %w", enterpriseID, periodID, err)
	}
	return p, nil
}

// PeriodFigures computes p's figures from the mirror as it is now: per
// batch and status, opening + ins − outs = closing.
func (r *Reader) PeriodFigures(ctx context.Context, p model.AccountPeriod) ([]model.PeriodFigure, error) {
	start, end, err := model.PeriodBounds(p.From, p.To)
	if err != nil {
		return nil, err
	}
	rows, err := r.pool.Query(ctx, indexer.PeriodFiguresSQL, p.EnterpriseID, start, end)
	if err != nil {
		return nil, fmt.Errorf("period figures: %w", err)
	}
	list, err := scanFigures(rows)
	if err != nil {
		return nil, fmt.Errorf("period figures: %w", err)
	}
	return list, nil
}

// keptFigures are the figures the indexer kept when p was closed.
func (r *Reader) keptFigures(ctx context.Context, p model.AccountPeriod) ([]model.PeriodFigure, error) {
	rows, err := r.pool.Query(ctx, `SELECT trace_code, bonded, opening_grams, entry_grams, transfer_in_grams,
			conversion_in_grams, exit_grams, transfer_out_grams, conversion_out_grams, closing_grams
		FROM account_period_figures WHERE enterprise_id = $1 AND period_id = $2
		ORDER BY trace_code COLLATE "C", bonded DESC`, p.EnterpriseID, p.PeriodID)
	if err != nil {
		return nil, fmt.Errorf("kept period figures: %w", err)
	}
	list, err := scanFigures(rows)
	if err != nil {
		return nil, fmt.Errorf("kept period figures: %w", err)
	}
	return list, nil
}

func scanFigures(rows pgx.Rows) ([]model.PeriodFigure, error) {
	list := []model.PeriodFigure{}
	var f model.PeriodFigure
	_, err := pgx.ForEachRow(rows, []any{&f.TraceCode, &f.Bonded, &f.OpeningGrams, &f.EntryGrams, &f.TransferInGrams,
		&f.ConversionInGrams, &f.ExitGrams, &f.TransferOutGrams, &f.ConversionOutGrams, &f.ClosingGrams}, func() error {
		list = append(list, f)
		return nil
	})
	return list, err
}

// PeriodCheck compares a period's figures now with what was recorded when
// it was closed.
type PeriodCheck struct {
	Period model.AccountPeriod `json:"period"`
	// CurrentHash is model.PeriodTotalsHash of the figures computed now.
	CurrentHash string `json:"currentHash"`
	// KeptHash is the hash of the figures the mirror kept when the close
	// was indexed; empty for an open period.
	KeptHash string `json:"keptHash,omitempty"`
	// Matches: the period is closed and its on-chain hash equals
	// CurrentHash. A closed period that does not match changed after (or
	// was computed from a mirror that was behind when) it was closed.
	Matches bool `json:"matches"`
	// Changes lists the batches whose figures now differ from the kept
	// ones (Kept nil: new batch; Current nil: gone).
	Changes []FigureChange `json:"changes"`
}

// FigureChange is one batch and status whose figures changed.
type FigureChange struct {
	TraceCode string              `json:"traceCode"`
	Bonded    bool                `json:"bonded"`
	Kept      *model.PeriodFigure `json:"kept"`
	Current   *model.PeriodFigure `json:"current"`
}

// VerifyPeriod recomputes a closed period's figures and compares them with
// its on-chain hash and the figures kept at closing.
func (r *Reader) VerifyPeriod(ctx context.Context, p model.AccountPeriod) (PeriodCheck, error) {
	current, err := r.PeriodFigures(ctx, p)
	if err != nil {
		return PeriodCheck{}, err
	}
	check := PeriodCheck{Period: p, CurrentHash: model.PeriodTotalsHash(p, current), Changes: []FigureChange{}}
	if p.Status != model.PeriodClosed {
		return check, nil
	}
	kept, err := r.keptFigures(ctx, p)
	if err != nil {
		return PeriodCheck{}, err
	}
	check.KeptHash = model.PeriodTotalsHash(p, kept)
	check.Matches = check.CurrentHash == p.TotalsHash
	type key struct {
		trace  string
		bonded bool
	}
	byKey := map[key]*model.PeriodFigure{}
	for i := range kept {
		byKey[key{kept[i].TraceCode, kept[i].Bonded}] = &kept[i]
	}
	for i := range current {
		k := key{current[i].TraceCode, current[i].Bonded}
		old := byKey[k]
		delete(byKey, k)
		if old == nil || *old != current[i] {
			check.Changes = append(check.Changes, FigureChange{TraceCode: k.trace, Bonded: k.bonded, Kept: old, Current: &current[i]})
		}
	}
	for k, old := range byKey {
		check.Changes = append(check.Changes, FigureChange{TraceCode: k.trace, Bonded: k.bonded, Kept: old})
	}
	slices.SortFunc(check.Changes, func(a, b FigureChange) int {
		if c := strings.Compare(a.TraceCode, b.TraceCode); c != 0 || a.Bonded == b.Bonded {
			return c
		}
		if a.Bonded {
			return -1
		}
		return 1
	})
	return check, nil
}
