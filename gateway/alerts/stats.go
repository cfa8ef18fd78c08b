package alerts

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
)

// Statistics are the alerts a filter selects counted by kind, level,
// state, enterprise and month (预警分析). Paging is ignored.
type Statistics struct {
	ByKind       []KindCount       `json:"byKind"`
	ByLevel      []LevelCount      `json:"byLevel"`
	ByState      []StateCount      `json:"byState"`
	ByEnterprise []EnterpriseCount `json:"byEnterprise"`
	ByMonth      []MonthCount      `json:"byMonth"`
	Total        int               `json:"total"`
}

// KindCount counts the alerts of a kind; every kind is listed.
type KindCount struct {
	Kind  model.AlertKind `json:"kind"`
	Count int             `json:"count"`
}

// LevelCount counts the alerts assessed at a level; "" is not assessed.
type LevelCount struct {
	Level model.RiskLevel `json:"level"`
	Count int             `json:"count"`
}

// StateCount counts the alerts in a state; every state is listed.
type StateCount struct {
	State model.DisposalState `json:"state"`
	Count int                 `json:"count"`
}

// EnterpriseCount counts an enterprise's alerts.
type EnterpriseCount struct {
	EnterpriseID   string `json:"enterpriseId"`
	EnterpriseName string `json:"enterpriseName"`
	Count          int    `json:"count"`
}

// MonthCount counts a month's alerts (zone time), in total and by kind.
type MonthCount struct {
	Month string                  `json:"month"` // YYYY-MM
	Total int                     `json:"total"`
	Kinds map[model.AlertKind]int `json:"kinds"`
}

// zoneOffsetSeconds is the zone time's fixed offset from UTC.
func zoneOffsetSeconds() float64 {
	_, off := time.Unix(0, 0).In(model.ZoneTime).Zone()
	return float64(off)
}

// TopEnterprises bounds the enterprise ranking.
const TopEnterprises = 20

// Stats counts the alerts f selects.
func (e *Store) Stats(ctx context.Context, f Filter) (Statistics, error) {
	cond, args := f.where()
	out := Statistics{ByKind: []KindCount{}, ByLevel: []LevelCount{}, ByState: []StateCount{},
		ByEnterprise: []EnterpriseCount{}, ByMonth: []MonthCount{}}
	kinds := map[model.AlertKind]int{}
	states := map[model.DisposalState]int{}
	levels := map[model.RiskLevel]int{}
	months := map[string]*MonthCount{}
	var order []string
	// One grouped pass; the zone's months are civil months in its time zone.
	rows, err := e.pool.Query(ctx, `SELECT a.kind, coalesce(d.state, 'open'), coalesce(d.level, ''),
		to_char(a.fired_at AT TIME ZONE make_interval(secs => $`+fmt.Sprint(len(args)+1)+`), 'YYYY-MM') AS month, count(*)`+
		from+cond+` GROUP BY 1, 2, 3, 4 ORDER BY 4`, append(args, zoneOffsetSeconds())...)
	if err != nil {
		return out, fmt.Errorf("risk alerts: statistics: %w", err)
	}
	var kind model.AlertKind
	var state model.DisposalState
	var level model.RiskLevel
	var month string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&kind, &state, &level, &month, &n}, func() error {
		kinds[kind] += n
		states[state] += n
		levels[level] += n
		m, ok := months[month]
		if !ok {
			m = &MonthCount{Month: month, Kinds: map[model.AlertKind]int{}}
			months[month] = m
			order = append(order, month)
		}
		m.Total += n
		m.Kinds[kind] += n
		out.Total += n
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("risk alerts: statistics: %w", err)
	}
	for _, k := range model.AlertKinds {
		out.ByKind = append(out.ByKind, KindCount{Kind: k, Count: kinds[k]})
	}
	for _, s := range model.DisposalStates {
		out.ByState = append(out.ByState, StateCount{State: s, Count: states[s]})
	}
	for _, l := range append([]model.RiskLevel{""}, model.RiskLevels...) {
		out.ByLevel = append(out.ByLevel, LevelCount{Level: l, Count: levels[l]})
	}
	for _, m := range order {
		out.ByMonth = append(out.ByMonth, *months[m])
	}
	rows, err = e.pool.Query(ctx, `SELECT a.enterprise_id, coalesce(min(e.name), ''), count(*)`+from+cond+`
		GROUP BY a.enterprise_id ORDER BY count(*) DESC, a.enterprise_id LIMIT `+fmt.Sprint(TopEnterprises), args...)
	if err != nil {
		return out, fmt.Errorf("risk alerts: statistics by enterprise: %w", err)
	}
	out.ByEnterprise, err = pgx.CollectRows(rows, pgx.RowToStructByPos[EnterpriseCount])
	if err != nil {
		return out, fmt.Errorf("risk alerts: statistics by enterprise: %w", err)
	}
	return out, nil
}
