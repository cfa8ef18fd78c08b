package oplog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/notify"
	"zonetrace/gateway/validation"
)

// Rules are the alert rules; each edit makes a new version of the set.
type Rules struct {
	// BulkExport fires on an export of more than MaxRows rows.
	BulkExport BulkExportRule `json:"bulkExport"`
	// OffHours fires once a day per operator acting outside working
	// hours [StartHour, EndHour) China Standard Time.
	OffHours OffHoursRule `json:"offHours"`
	// Refusals fires when one operator (or, anonymous, one address) is
	// refused Count times within WindowMinutes; once per window.
	Refusals RefusalsRule `json:"refusals"`
	// NewAddress fires on a successful login from an address the user
	// never logged in from before (a user's first login sets the baseline).
	NewAddress NewAddressRule `json:"newAddress"`
}

// BulkExportRule: see Rules.
type BulkExportRule struct {
	Enabled bool  `json:"enabled"`
	MaxRows int64 `json:"maxRows"`
}

// OffHoursRule: see Rules.
type OffHoursRule struct {
	Enabled   bool `json:"enabled"`
	StartHour int  `json:"startHour"`
	EndHour   int  `json:"endHour"`
}

// RefusalsRule: see Rules.
type RefusalsRule struct {
	Enabled       bool `json:"enabled"`
	Count         int  `json:"count"`
	WindowMinutes int  `json:"windowMinutes"`
}

// NewAddressRule: see Rules.
type NewAddressRule struct {
	Enabled bool `json:"enabled"`
}

// RuleSet is a version of the rules.
type RuleSet struct {
	Version   int       `json:"version"`
	Rules     Rules     `json:"rules"`
	CreatedAt time.Time `json:"createdAt"`
	CreatedBy string    `json:"createdBy"`
}

// DefaultRules are in force until the zone admin saves a first version
// (version 0).
var DefaultRules = Rules{
	BulkExport: BulkExportRule{Enabled: true, MaxRows: 500},
	OffHours:   OffHoursRule{Enabled: true, StartHour: 8, EndHour: 20},
	Refusals:   RefusalsRule{Enabled: true, Count: 5, WindowMinutes: 10},
	NewAddress: NewAddressRule{Enabled: true},
}

// Rule names, as alerts carry them.
const (
	RuleBulkExport = "bulkExport"
	RuleOffHours   = "offHours"
	RuleRefusals   = "refusals"
	RuleNewAddress = "newAddress"
)

// Check reports rules that cannot work.
func (r Rules) Check() error {
	var ps validation.Problems
	if r.BulkExport.MaxRows < 1 {
		ps.Add("bulkExport.maxRows", "must be at least 1", "批量导出阈值至少为1行")
	}
	if r.OffHours.StartHour < 0 || r.OffHours.StartHour > 23 {
		ps.Add("offHours.startHour", "must be 0-23", "上班时间须为0至23时")
	}
	if r.OffHours.EndHour < 1 || r.OffHours.EndHour > 24 || r.OffHours.EndHour <= r.OffHours.StartHour {
		ps.Add("offHours.endHour", "must be 1-24 and after startHour", "下班时间须为1至24时且晚于上班时间")
	}
	if r.Refusals.Count < 1 || r.Refusals.Count > 10000 {
		ps.Add("refusals.count", "must be 1-10000", "拒绝次数须为1至10000")
	}
	if r.Refusals.WindowMinutes < 1 || r.Refusals.WindowMinutes > 24*60 {
		ps.Add("refusals.windowMinutes", "must be 1-1440", "统计时长须为1至1440分钟")
	}
	return ps.Err()
}

// Rules returns the rule set in force.
func (l *Log) Rules(ctx context.Context) (RuleSet, error) {
	return currentRules(ctx, l.pool)
}

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func currentRules(ctx context.Context, q querier) (RuleSet, error) {
	var (
		rs  RuleSet
		raw []byte
	)
	err := q.QueryRow(ctx, `SELECT version, rules, created_at, created_by FROM operation_log_rule_sets
		ORDER BY version DESC LIMIT 1`).Scan(&rs.Version, &raw, &rs.CreatedAt, &rs.CreatedBy)
	if errors.Is(err, pgx.ErrNoRows) {
		return RuleSet{Rules: DefaultRules}, nil
	}
	if err != nil {
		return RuleSet{}, fmt.Errorf("read alert rules: %w", err)
	}
	if err := json.Unmarshal(raw, &rs.Rules); err != nil {
		return RuleSet{}, fmt.Errorf("decode alert rules v%d: %w", rs.Version, err)
	}
	return rs, nil
}

// SaveRules stores rules as the next version, which is in force from the
// next appended row on.
func (l *Log) SaveRules(ctx context.Context, rules Rules, by string) (RuleSet, error) {
	if err := rules.Check(); err != nil {
		return RuleSet{}, err
	}
	raw, err := json.Marshal(rules)
	if err != nil {
		return RuleSet{}, err
	}
	rs := RuleSet{Rules: rules, CreatedAt: l.now().UTC().Truncate(time.Microsecond), CreatedBy: by}
	// The head lock orders the new version with the appends evaluating
	// the old one.
	err = pgx.BeginFunc(ctx, l.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM operation_log_head FOR UPDATE`); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO operation_log_rule_sets (version, rules, created_at, created_by)
			SELECT coalesce(max(version), 0) + 1, $1, $2, $3 FROM operation_log_rule_sets RETURNING version`,
			raw, rs.CreatedAt, by).Scan(&rs.Version)
	})
	if err != nil {
		return RuleSet{}, fmt.Errorf("save alert rules: %w", err)
	}
	return rs, nil
}

// alert is one rule firing on a row.
type alert struct {
	rule, subject, dedupeKey string
	params                   map[string]any
}

// evaluateRow applies the rules that need only the row itself: a bulk
// export, work outside working hours.
func evaluateRow(rs RuleSet, r Record) []alert {
	var out []alert
	rules := rs.Rules
	if rules.BulkExport.Enabled && isExport(r.Command) && r.Status < 400 && r.Rows > rules.BulkExport.MaxRows {
		out = append(out, alert{rule: RuleBulkExport, subject: r.Username, dedupeKey: strconv.FormatInt(r.Seq, 10),
			params: map[string]any{"username": r.Username, "command": r.Command, "rows": r.Rows, "maxRows": rules.BulkExport.MaxRows}})
	}
	if rules.OffHours.Enabled && r.Username != "" && r.Status < 400 {
		local := r.At.In(model.ZoneTime)
		if h := local.Hour(); h < rules.OffHours.StartHour || h >= rules.OffHours.EndHour {
			out = append(out, alert{rule: RuleOffHours, subject: r.Username, dedupeKey: r.Username + "|" + local.Format("2006-01-02"),
				params: map[string]any{"username": r.Username, "command": r.Command, "localTime": local.Format("2006-01-02 15:04"),
					"startHour": rules.OffHours.StartHour, "endHour": rules.OffHours.EndHour}})
		}
	}
	return out
}

// queueHistory queues the rules that read the log before row r — a
// refusal counted over its window, a login's address — as statements that
// decide inside PostgreSQL. They run after r and every row before it,
// under the head lock, so evaluations are serial (none is missed and, with
// the unique dedupe key, none is duplicated), yet a batch of rows costs
// one round trip instead of several per row: during a burst of logins,
// round trips per row behind busy cores made every login wait seconds for
// its log row.
func queueHistory(b *pgx.Batch, rs RuleSet, r Record) {
	if rule := rs.Rules.Refusals; rule.Enabled && r.Status >= 400 && r.Status < 500 {
		since := r.At.Add(-time.Duration(rule.WindowMinutes) * time.Minute)
		subject, refused := "user:"+r.Username, `username = $8 AND status BETWEEN 400 AND 499 AND at > $9`
		if r.Username == "" {
			subject, refused = "ip:"+r.IP, `ip = $10 AND username = '' AND status BETWEEN 400 AND 499 AND at > $9`
		}
		// The count is of the refusals in the window, this one included;
		// the rule fires once per window and subject.
		b.Queue(`WITH refused AS (SELECT count(*) AS n FROM operation_log WHERE `+refused+`),
			raised AS (
				INSERT INTO operation_log_alerts (seq, rule, rule_set_version, subject, dedupe_key, params, at)
				SELECT $1, $2, $3, $4, $5, jsonb_build_object('username', $8::text, 'ip', $10::text, 'count', refused.n,
					'windowMinutes', $11::int), $6
				FROM refused
				WHERE refused.n >= $12 AND NOT EXISTS (
					SELECT 1 FROM operation_log_alerts WHERE rule = $2 AND subject = $4 AND at > $9)
				ON CONFLICT (rule, dedupe_key) DO NOTHING RETURNING id)
			`+notifyRaised,
			r.Seq, RuleRefusals, rs.Version, subject, subject+"|"+strconv.FormatInt(r.Seq, 10), r.At, recipientRoles,
			r.Username, since, r.IP, rule.WindowMinutes, rule.Count)
	}
	if r.Command == CommandLogin && r.Status == 200 && r.Username != "" {
		// Every successful login's address is remembered (also while
		// the rule is off, so turning it on does not flag every known
		// address); the rule fires for an address new to a user who
		// logged in before from another.
		b.Queue(`WITH known AS (
				INSERT INTO operation_log_known_addresses (username, ip, first_seq) VALUES ($8, $9, $1)
				ON CONFLICT DO NOTHING RETURNING 1),
			raised AS (
				INSERT INTO operation_log_alerts (seq, rule, rule_set_version, subject, dedupe_key, params, at)
				SELECT $1, $2, $3, $4, $5, jsonb_build_object('username', $8::text, 'ip', $9::text), $6
				WHERE $10::bool AND EXISTS (SELECT 1 FROM known) AND EXISTS (
					SELECT 1 FROM operation_log_known_addresses WHERE username = $8 AND ip <> $9)
				ON CONFLICT (rule, dedupe_key) DO NOTHING RETURNING id)
			`+notifyRaised,
			r.Seq, RuleNewAddress, rs.Version, r.Username, r.Username+"|"+r.IP, r.At, recipientRoles,
			r.Username, r.IP, rs.Rules.NewAddress.Enabled)
	}
}

// notifyRaised ends a statement whose CTE raised stored an alert: it is
// announced to the open streams of its recipients' roles ($7). The alert
// reaches each recipient's inbox when they next read it (deliverAlerts),
// so raising one costs one row however many admins and auditors there are.
const notifyRaised = `SELECT pg_notify('` + notify.AnnounceChannel + `', json_build_object('roles', $7::text[], 'alertId', raised.id)::text) FROM raised`

// recipientRoles are who is notified of alerts.
var recipientRoles = []string{"zone_admin", "auditor"}

// queueRaise queues the statement storing alert a of row r and announcing
// it to its recipients; an alert fired for this cause already (its dedupe
// key) is neither stored nor announced again.
func queueRaise(b *pgx.Batch, version int, r Record, a alert) error {
	params, err := json.Marshal(a.params)
	if err != nil {
		return err
	}
	b.Queue(`WITH raised AS (
			INSERT INTO operation_log_alerts (seq, rule, rule_set_version, subject, dedupe_key, params, at)
			VALUES ($1, $2, $3, $4, $5, $8, $6) ON CONFLICT (rule, dedupe_key) DO NOTHING RETURNING id)
		`+notifyRaised,
		r.Seq, a.rule, version, a.subject, a.dedupeKey, r.At, recipientRoles, params)
	return nil
}
