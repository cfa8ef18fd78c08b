package exporters

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/notify"
)

// Expiry is what one expiry check did.
type Expiry struct {
	// Expired registrations marked expired.
	Expired int `json:"expired"`
	// Warned (exporter, enterprise) pairs told that the exporter expires
	// within the warning period.
	Warned int `json:"warned"`
}

// expiryBy is who the history names for the expiry check's changes.
const expiryBy = "expiry-check"

// CheckExpiry marks the valid registrations whose expiry date has passed
// as expired, and tells customs and each enterprise with a confirmed claim
// on an exporter whose registration ends within Config.WarnDays, once per
// expiry date (a renewed registration is warned of again).
func (s *Service) CheckExpiry(ctx context.Context) (Expiry, error) {
	var out Expiry
	today := s.today().Format(time.DateOnly)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `UPDATE exporters SET status = 'expired', updated_at = $2, updated_by = $3
			WHERE status = 'valid' AND expires_on < $1::date RETURNING id, to_char(expires_on, 'YYYY-MM-DD')`, today, s.Now(), expiryBy)
		if err != nil {
			return fmt.Errorf("mark expired registrations: %w", err)
		}
		type expired struct {
			id      int64
			expires string
		}
		list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (expired, error) {
			var e expired
			err := r.Scan(&e.id, &e.expires)
			return e, err
		})
		if err != nil {
			return fmt.Errorf("mark expired registrations: %w", err)
		}
		for _, e := range list {
			changes := map[string]FieldChange{"status": {Old: string(model.ExporterValid), New: string(model.ExporterExpired)}}
			if err := s.record(ctx, tx, e.id, expiryBy, "expiry", true, changes, ""); err != nil {
				return err
			}
		}
		out.Expired = len(list)
		return nil
	})
	if err != nil {
		return Expiry{}, err
	}
	out.Warned, err = s.warnExpiring(ctx, today)
	return out, err
}

// warnExpiring notifies once per exporter, expiry date and enterprise.
func (s *Service) warnExpiring(ctx context.Context, today string) (int, error) {
	warned := 0
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT DISTINCT e.id, e.reg_no, e.name, to_char(e.expires_on, 'YYYY-MM-DD'), c.enterprise_id
			FROM exporter_claims c JOIN exporters e ON e.id = c.exporter_id
			WHERE c.status = 'confirmed' AND e.status = 'valid' AND e.expires_on BETWEEN $1::date AND $2::date
			  AND c.warned_expiry IS DISTINCT FROM e.expires_on
			ORDER BY e.id, c.enterprise_id`, today, s.warnUntil())
		if err != nil {
			return fmt.Errorf("find expiring exporters: %w", err)
		}
		type pair struct {
			id                     int64
			regNo, name, expiresOn string
			enterpriseID           string
		}
		pairs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (pair, error) {
			var p pair
			err := r.Scan(&p.id, &p.regNo, &p.name, &p.expiresOn, &p.enterpriseID)
			return p, err
		})
		if err != nil {
			return fmt.Errorf("find expiring exporters: %w", err)
		}
		told := map[int64]bool{}
		for _, p := range pairs {
			params := map[string]any{"regNo": p.regNo, "exporterName": p.name, "expiresOn": p.expiresOn}
			m := notify.Message{Source: "exporters", Kind: notify.KindExporterExpiring, Subject: p.regNo, Params: params,
				Severity: notify.SeverityWarning, Link: "/exporter-claims"}
			if !told[p.id] && s.notify != nil {
				m.Audience = notify.Audience{Roles: []string{string(accounts.RoleCustomsOfficer), string(accounts.RoleCustomsAdmin)}}
				if _, err := s.notify.Publish(ctx, tx, m); err != nil {
					return err
				}
			}
			told[p.id] = true
			if s.notify != nil {
				m.Audience = notify.Audience{EnterpriseID: p.enterpriseID}
				if _, err := s.notify.Publish(ctx, tx, m); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, `UPDATE exporter_claims SET warned_expiry = $3::date
				WHERE exporter_id = $1 AND enterprise_id = $2 AND status = 'confirmed'`, p.id, p.enterpriseID, p.expiresOn); err != nil {
				return fmt.Errorf("mark claims of exporter %s warned: %w", strconv.FormatInt(p.id, 10), err)
			}
			warned++
		}
		return nil
	})
	return warned, err
}
