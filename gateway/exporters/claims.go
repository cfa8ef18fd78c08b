package exporters

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/service"
	"zonetrace/gateway/validation"
	"zonetrace/internal/pgpage"
)

// Claim is the exporter a declared prefiling names, checked against the
// registry on the declaration date.
type Claim struct {
	ID            int64              `json:"id"`
	PrefilingID   string             `json:"prefilingId"`
	EnterpriseID  string             `json:"enterpriseId"`
	ExporterName  string             `json:"exporterName"`
	ExporterRegNo string             `json:"exporterRegNo"`
	Origin        string             `json:"origin"`
	DeclaredOn    string             `json:"declaredOn"`
	Status        model.ClaimStatus  `json:"status"`
	Finding       model.ClaimFinding `json:"finding"`
	// Exporter is the registry entry the claim was confirmed with (or,
	// pending, the entry of its registration number).
	Exporter *Exporter `json:"exporter"`
	// DecidedBy is the officer who decided; "" for the automatic
	// confirmation and for a pending claim.
	DecidedBy string     `json:"decidedBy"`
	DecidedAt *time.Time `json:"decidedAt"`
	Reason    string     `json:"reason"`
	// ExpiresSoon: a confirmed claim whose exporter's registration ends
	// within the warning period (Config.WarnDays).
	ExpiresSoon bool      `json:"expiresSoon"`
	CreatedAt   time.Time `json:"createdAt"`
}

// Suspect is a registry entry a pending claim may mean, for customs to
// choose from: by registration number, or by a similar name.
type Suspect struct {
	Exporter
	// ScorePermille is the similarity of the normalised names, 0–1000.
	ScorePermille int  `json:"scorePermille"`
	SameRegNo     bool `json:"sameRegNo"`
}

// ClaimDetail is a claim with its suspected matches (customs only).
type ClaimDetail struct {
	Claim
	Suspects []Suspect `json:"suspects"`
}

// ClaimFilter selects claims.
type ClaimFilter struct {
	Status       model.ClaimStatus
	EnterpriseID string
	// Q is part of the exporter's name or registration number, or a
	// prefiling id.
	Q        string
	Page     int
	PageSize int
}

// ClaimPage is a page of claims, newest first.
type ClaimPage struct {
	Items    []Claim `json:"items"`
	Total    int     `json:"total"`
	Page     int     `json:"page"`
	PageSize int     `json:"pageSize"`
}

// ClaimDecision is customs' answer to a pending claim: confirm with a registry
// entry, or reject with a reason.
type ClaimDecision struct {
	ExporterID int64  `json:"exporterId,omitempty"`
	Reason     string `json:"reason,omitempty"`
}

// Bounds of the suspected matches.
const (
	maxSuspects = 5
	// minScore leaves out names that share little more than a common
	// word ("COFFEE").
	minScore = 0.35
)

// RecordClaim records the exporter claim of a prefiling just declared. It
// never fails the declaration (pending claims do not block a prefiling):
// a failure is logged, and declaring again records it.
func (s *Service) RecordClaim(ctx context.Context, enterpriseID, prefilingID string, d model.PrefilingData) {
	if err := s.recordClaim(ctx, enterpriseID, prefilingID, d); err != nil {
		s.log.Error("exporter claim not recorded", "prefilingId", prefilingID, "err", err)
	}
}

func (s *Service) recordClaim(ctx context.Context, enterpriseID, prefilingID string, d model.PrefilingData) error {
	regNo, norm := NormalizeRegNo(d.ExporterRegNo), Normalize(d.ExporterName)
	day := s.today().Format(time.DateOnly)
	finding, exporterID, err := s.match(ctx, regNo, norm, day)
	if err != nil {
		return err
	}
	status, decidedAt := model.ClaimPending, (*time.Time)(nil)
	if finding == model.FindingMatched {
		now := s.Now()
		status, decidedAt = model.ClaimConfirmed, &now
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO exporter_claims (prefiling_id, enterprise_id, exporter_name, exporter_reg_no, name_norm,
		origin, declared_on, status, finding, exporter_id, decided_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8, $9, $10, $11, $12) ON CONFLICT (prefiling_id) DO NOTHING`,
		prefilingID, enterpriseID, d.ExporterName, regNo, norm, d.Origin, day, status, finding, exporterID, decidedAt, s.Now())
	if err != nil {
		return fmt.Errorf("record exporter claim of %s: %w", prefilingID, err)
	}
	return nil
}

// match compares a claim with the entry of its registration number on day.
func (s *Service) match(ctx context.Context, regNo, norm, day string) (model.ClaimFinding, *int64, error) {
	if regNo == "" {
		return model.FindingNoRegNo, nil, nil
	}
	var (
		id      int64
		name    string
		status  model.ExporterStatus
		expires string
	)
	err := s.pool.QueryRow(ctx, `SELECT id, name_norm, status, coalesce(to_char(expires_on, 'YYYY-MM-DD'), '')
		FROM exporters WHERE reg_no = $1`, regNo).Scan(&id, &name, &status, &expires)
	if notFound(err) {
		return model.FindingNotFound, nil, nil
	}
	if err != nil {
		return "", nil, fmt.Errorf("match exporter %s: %w", regNo, err)
	}
	switch {
	case name != norm:
		return model.FindingNameMismatch, &id, nil
	case status == model.ExporterSuspended || status == model.ExporterCancelled:
		return model.FindingNotValid, &id, nil
	case status == model.ExporterExpired || (expires != "" && expires < day):
		return model.FindingExpired, &id, nil
	}
	return model.FindingMatched, &id, nil
}

const claimColumns = `c.id, c.prefiling_id, c.enterprise_id, c.exporter_name, c.exporter_reg_no, c.origin,
	to_char(c.declared_on, 'YYYY-MM-DD'), c.status, c.finding, c.decided_by, c.decided_at, c.reason, c.created_at,
	c.status = 'confirmed' AND e.status = 'valid' AND e.expires_on IS NOT NULL AND e.expires_on <= $1::date`

// claimTables is the claims joined with their entries; claimColumns'
// $1 is the last day of the warning period.
const claimTables = `exporter_claims c LEFT JOIN exporters e ON e.id = c.exporter_id`

func (s *Service) scanClaim(row pgx.Row) (Claim, error) {
	var c Claim
	var e Exporter
	var eID *int64
	var eRegNo, eName, eNorm, eCountry, eProducts, eReg, eExp, eStatus, eSource, eBy *string
	var eHeld *bool
	var eCreated, eUpdated *time.Time
	err := row.Scan(&c.ID, &c.PrefilingID, &c.EnterpriseID, &c.ExporterName, &c.ExporterRegNo, &c.Origin, &c.DeclaredOn,
		&c.Status, &c.Finding, &c.DecidedBy, &c.DecidedAt, &c.Reason, &c.CreatedAt, &c.ExpiresSoon,
		&eID, &eRegNo, &eName, &eNorm, &eCountry, &eProducts, &eReg, &eExp, &eStatus, &eSource, &eHeld, &e.LastSeenAt,
		&eCreated, &eUpdated, &eBy)
	if err != nil || eID == nil {
		return c, err
	}
	e.ID, e.RegNo, e.Name, e.NameNorm, e.Country, e.Products = *eID, *eRegNo, *eName, *eNorm, *eCountry, *eProducts
	e.RegisteredOn, e.ExpiresOn, e.Status, e.Source = *eReg, *eExp, model.ExporterStatus(*eStatus), model.ExporterSource(*eSource)
	e.Held, e.CreatedAt, e.UpdatedAt, e.UpdatedBy = *eHeld, *eCreated, *eUpdated, *eBy
	c.Exporter = &e
	return c, nil
}

// entryColumns are the entry's columns in a claim query (NULL without one).
const entryColumns = `, e.id, e.reg_no, e.name, e.name_norm, e.country, e.products,
	coalesce(to_char(e.registered_on, 'YYYY-MM-DD'), ''), coalesce(to_char(e.expires_on, 'YYYY-MM-DD'), ''), e.status, e.source,
	e.held, e.last_seen_at, e.created_at, e.updated_at, e.updated_by`

func (s *Service) warnUntil() string {
	return s.today().AddDate(0, 0, s.cfg.WarnDays).Format(time.DateOnly)
}

// Claims lists claims, newest first; an enterprise sees only its own.
func (s *Service) Claims(ctx context.Context, u accounts.User, f ClaimFilter) (ClaimPage, error) {
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PageSize < 1 || f.PageSize > 200 {
		f.PageSize = 20
	}
	if !service.SeesAll(u) {
		f.EnterpriseID = u.EnterpriseID
	}
	args := []any{s.warnUntil()}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{"true"}
	if f.Status != "" {
		where = append(where, "c.status = "+arg(string(f.Status)))
	}
	if f.EnterpriseID != "" {
		where = append(where, "c.enterprise_id = "+arg(f.EnterpriseID))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		where = append(where, fmt.Sprintf("(c.exporter_name ILIKE %s OR c.exporter_reg_no LIKE %s OR c.prefiling_id = %s)",
			arg("%"+escapeLike(q)+"%"), arg(escapeLike(NormalizeRegNo(q))+"%"), arg(strings.ToUpper(q))))
	}
	list := pgpage.List{Columns: claimColumns + entryColumns, From: claimTables + " WHERE " + strings.Join(where, " AND "), OrderBy: "c.id DESC"}
	items, total, err := pgpage.Read(ctx, s.pool, list, args, f.PageSize, (f.Page-1)*f.PageSize, s.scanClaim)
	if err != nil {
		return ClaimPage{}, fmt.Errorf("list claims: %w", err)
	}
	return ClaimPage{Items: items, Total: total, Page: f.Page, PageSize: f.PageSize}, nil
}

// claim is a claim the caller may see.
func (s *Service) claim(ctx context.Context, u accounts.User, id int64) (Claim, error) {
	c, err := s.scanClaim(s.pool.QueryRow(ctx, "SELECT "+claimColumns+entryColumns+" FROM "+claimTables+" WHERE c.id = $2", s.warnUntil(), id))
	if notFound(err) || (err == nil && !service.SeesAll(u) && c.EnterpriseID != u.EnterpriseID) {
		return Claim{}, model.Refuse(model.ReasonClaimNotFound, model.Params{"claimId": id}, "claim %d not found", id)
	}
	if err != nil {
		return Claim{}, fmt.Errorf("read claim %d: %w", id, err)
	}
	return c, nil
}

// Claim is one claim; customs see its suspected matches too.
func (s *Service) Claim(ctx context.Context, u accounts.User, id int64) (ClaimDetail, error) {
	c, err := s.claim(ctx, u, id)
	if err != nil {
		return ClaimDetail{}, err
	}
	out := ClaimDetail{Claim: c, Suspects: []Suspect{}}
	if !service.SeesAll(u) {
		return out, nil
	}
	out.Suspects, err = s.suspects(ctx, c)
	return out, err
}

// suspects ranks the registry by the similarity of its normalised names
// to the claim's: the entry of the claim's registration number first,
// then the closest names. The registry is read whole (id and name only):
// it is tens of thousands of entries at most.
func (s *Service) suspects(ctx context.Context, c Claim) ([]Suspect, error) {
	norm := Normalize(c.ExporterName)
	rows, err := s.pool.Query(ctx, `SELECT id, name_norm, reg_no = $1 FROM exporters`, c.ExporterRegNo)
	if err != nil {
		return nil, fmt.Errorf("rank suspects: %w", err)
	}
	type scored struct {
		id    int64
		score float64
		same  bool
	}
	var all []scored
	for rows.Next() {
		var sc scored
		var name string
		if err := rows.Scan(&sc.id, &name, &sc.same); err != nil {
			rows.Close()
			return nil, fmt.Errorf("rank suspects: %w", err)
		}
		sc.same = sc.same && c.ExporterRegNo != ""
		sc.score = Similarity(norm, name)
		if sc.same || sc.score >= minScore {
			all = append(all, sc)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("rank suspects: %w", err)
	}
	slices.SortFunc(all, func(a, b scored) int {
		if a.same != b.same {
			if a.same {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.id, b.id))
	})
	out := []Suspect{}
	for _, sc := range all[:min(len(all), maxSuspects)] {
		d, err := s.Get(ctx, sc.id)
		if err != nil {
			return nil, err
		}
		out = append(out, Suspect{Exporter: d.Exporter, ScorePermille: int(sc.score*1000 + 0.5), SameRegNo: sc.same})
	}
	return out, nil
}

// Decide confirms a pending claim with a registry entry (ExporterID) or
// rejects it (Reason required; no ExporterID).
func (s *Service) Decide(ctx context.Context, u accounts.User, id int64, confirm bool, d ClaimDecision) (Claim, error) {
	var p validation.Problems
	if confirm {
		if d.ExporterID <= 0 {
			p.AddModel(model.Problem{Field: "exporterId", Rule: model.RuleRequired})
		}
		p.AddModel(model.CheckText("reason", d.Reason, model.Note)...)
	} else {
		p.AddModel(model.CheckText("reason", d.Reason, model.RequiredNote)...)
	}
	if err := p.Err(); err != nil {
		return Claim{}, err
	}
	c, err := s.claim(ctx, u, id)
	if err != nil {
		return Claim{}, err
	}
	if c.Status != model.ClaimPending {
		return Claim{}, model.Refuse(model.ReasonClaimDecided, model.Params{"claimId": id}, "claim %d is %s", id, c.Status)
	}
	status, exporterID := model.ClaimRejected, c.exporterID()
	if confirm {
		if _, err := s.Get(ctx, d.ExporterID); err != nil {
			return Claim{}, err
		}
		status, exporterID = model.ClaimConfirmed, &d.ExporterID
	}
	tag, err := s.pool.Exec(ctx, `UPDATE exporter_claims SET status = $2, exporter_id = $3, decided_by = $4, decided_at = $5,
		reason = $6 WHERE id = $1 AND status = 'pending'`, id, status, exporterID, u.Username, s.Now(), d.Reason)
	if err != nil {
		return Claim{}, fmt.Errorf("decide claim %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return Claim{}, model.Refuse(model.ReasonClaimDecided, model.Params{"claimId": id}, "claim %d was decided meanwhile", id)
	}
	return s.claim(ctx, u, id)
}

func (c Claim) exporterID() *int64 {
	if c.Exporter == nil {
		return nil
	}
	return &c.Exporter.ID
}
