package basicdata

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/validation"
)

// The draft checks below refuse what the synced reference data contradicts:
// an HS code the tariff lacks or that is not valid on the day, an account
// book that is unknown, another enterprise's, or not in force. Each check
// runs only once its data set has been synced: on a fresh install the
// tables are empty, and refusing every draft then would stop the zone until
// the platform is reachable. Once synced, an unknown value is refused.
// Values of the wrong format are left to the chaincode's own checks
// (model.CheckPrefilingData, model.CheckDocumentContent), which already
// report them.

// Synced reports whether dataset has been pulled whole at least once and
// holds records: a pull that found nothing (an empty drop folder, a
// platform answering no records) must not turn every value into an unknown
// one.
func (s *Service) Synced(ctx context.Context, dataset string) (bool, error) {
	var ok bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM basic_data_sets WHERE dataset = $1)
		AND EXISTS (SELECT 1 FROM basic_data_records WHERE dataset = $1 AND removed_at IS NULL)`, dataset).Scan(&ok); err != nil {
		return false, fmt.Errorf("basic data %s synced: %w", dataset, err)
	}
	return ok, nil
}

// day is the zone's calendar day of t.
func day(t time.Time) string { return t.In(model.ZoneTime).Format(time.DateOnly) }

// CheckPrefiling checks a prefiling's HS code on the day of declaring.
func (s *Service) CheckPrefiling(ctx context.Context, d model.PrefilingData, on time.Time) (validation.Problems, error) {
	var p validation.Problems
	err := s.checkHSCodes(ctx, &p, map[string]string{"data.hsCode": d.HSCode}, day(on))
	return p, err
}

// CheckDocument checks a document draft of enterpriseID: its lines' HS
// codes and its account book, on the day of declaring.
func (s *Service) CheckDocument(ctx context.Context, enterpriseID string, head model.DocumentHead, lines []model.DocumentLine, on time.Time) (validation.Problems, error) {
	var p validation.Problems
	codes := make(map[string]string, len(lines))
	for i, l := range lines {
		codes[fmt.Sprintf("lines[%d].hsCode", i)] = l.HSCode
	}
	today := day(on)
	if err := s.checkHSCodes(ctx, &p, codes, today); err != nil {
		return nil, err
	}
	if err := s.checkAccountBook(ctx, &p, enterpriseID, head.AccountBookNo, today); err != nil {
		return nil, err
	}
	sortByField(p)
	return p, nil
}

// checkHSCodes checks each well-formed code of fields. An 8-digit code
// stands for the 10-digit codes under it: it is known when one is, valid
// when one is valid.
func (s *Service) checkHSCodes(ctx context.Context, p *validation.Problems, fields map[string]string, today string) error {
	wanted := map[string]bool{}
	for _, c := range fields {
		if model.HSCodePattern.MatchString(c) {
			wanted[c] = true
		}
	}
	if len(wanted) == 0 {
		return nil
	}
	if ok, err := s.Synced(ctx, HSCodes); err != nil || !ok {
		return err
	}
	codes := make([]string, 0, len(wanted))
	for c := range wanted {
		codes = append(codes, c)
	}
	// For each asked code: whether any code under it is listed, and
	// whether any is valid today.
	rows, err := s.pool.Query(ctx, `SELECT c, count(r.key) > 0,
			coalesce(bool_or(r.data->>'validFrom' <= $3 AND (coalesce(r.data->>'validTo', '') = '' OR $3 <= r.data->>'validTo')), false)
		FROM unnest($2::text[]) AS c
		LEFT JOIN basic_data_records r ON r.dataset = $1 AND r.removed_at IS NULL AND r.key LIKE c || '%'
		GROUP BY c`, HSCodes, codes, today)
	if err != nil {
		return fmt.Errorf("check HS codes: %w", err)
	}
	type state struct{ known, valid bool }
	found := map[string]state{}
	for rows.Next() {
		var c string
		var st state
		if err := rows.Scan(&c, &st.known, &st.valid); err != nil {
			return fmt.Errorf("check HS codes: %w", err)
		}
		found[c] = st
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check HS codes: %w", err)
	}
	for field, c := range fields {
		st, asked := found[c]
		switch {
		case !asked:
		case !st.known:
			p.AddModel(model.Problem{Field: field, Rule: model.RuleHSCodeUnknown, Params: model.Params{"hsCode": c}})
		case !st.valid:
			p.AddModel(model.Problem{Field: field, Rule: model.RuleHSCodeNotValid, Params: model.Params{"hsCode": c, "date": today}})
		}
	}
	sortByField(*p)
	return nil
}

func (s *Service) checkAccountBook(ctx context.Context, p *validation.Problems, enterpriseID, number, today string) error {
	if number == "" {
		return nil
	}
	if ok, err := s.Synced(ctx, AccountBooks); err != nil || !ok {
		return err
	}
	const field = "head.accountBookNo"
	var b AccountBook
	err := s.pool.QueryRow(ctx, `SELECT data->>'enterpriseId', data->>'status', data->>'validFrom', data->>'validTo'
		FROM basic_data_records WHERE dataset = $1 AND key = $2 AND removed_at IS NULL`, AccountBooks, number).
		Scan(&b.EnterpriseID, &b.Status, &b.ValidFrom, &b.ValidTo)
	params := model.Params{"accountBookNo": number}
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		p.AddModel(model.Problem{Field: field, Rule: model.RuleAccountBookUnknown, Params: params})
	case err != nil:
		return fmt.Errorf("check account book: %w", err)
	case b.EnterpriseID != enterpriseID:
		p.AddModel(model.Problem{Field: field, Rule: model.RuleAccountBookOfOther, Params: params})
	case !b.InForce(today):
		params["date"] = today
		p.AddModel(model.Problem{Field: field, Rule: model.RuleAccountBookExpired, Params: params})
	}
	return nil
}

// InDraftBook is the account book to prefill in an in-draft of
// enterpriseID on day on: its one bonded account book in force. ok is
// false when account books were never synced, or none or several fit —
// the transferee then picks one itself.
func (s *Service) InDraftBook(ctx context.Context, enterpriseID string, on time.Time) (number string, ok bool, err error) {
	synced, err := s.Synced(ctx, AccountBooks)
	if err != nil || !synced {
		return "", false, err
	}
	today := day(on)
	rows, err := s.pool.Query(ctx, `SELECT key FROM basic_data_records
		WHERE dataset = $1 AND enterprise_id = $2 AND removed_at IS NULL AND data->>'type' = $3 AND data->>'status' = $4
			AND data->>'validFrom' <= $5 AND $5 <= data->>'validTo'
		ORDER BY key LIMIT 2`, AccountBooks, enterpriseID, BookBonded, BookActive, today)
	if err != nil {
		return "", false, fmt.Errorf("in-draft account book: %w", err)
	}
	books, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return "", false, fmt.Errorf("in-draft account book: %w", err)
	}
	if len(books) != 1 {
		return "", false, nil
	}
	return books[0], true, nil
}

// sortByField orders problems by field, lines by their number, so answers
// are stable.
func sortByField(p validation.Problems) {
	slices.SortStableFunc(p, func(a, b validation.Problem) int { return compareFields(a.Field, b.Field) })
}

var lineIndex = regexp.MustCompile(`^lines\[(\d+)\]`)

func compareFields(a, b string) int {
	ma, mb := lineIndex.FindStringSubmatch(a), lineIndex.FindStringSubmatch(b)
	if ma != nil && mb != nil && ma[1] != mb[1] {
		x, _ := strconv.Atoi(ma[1])
		y, _ := strconv.Atoi(mb[1])
		return x - y
	}
	return strings.Compare(a, b)
}
