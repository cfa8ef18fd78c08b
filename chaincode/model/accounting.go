package model

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// KeyAccountPeriod holds an enterprise's accounting period: [enterpriseID,
// periodID].
const KeyAccountPeriod = "account-period"

// FormatPeriodID names the format of a period id.
const FormatPeriodID = "PERIOD_ID"

// PeriodIDPattern is an enterprise's own name for a period ("2026H1").
var PeriodIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// PeriodStatus says whether a period's totals are recorded.
type PeriodStatus string

const (
	PeriodOpen   PeriodStatus = "open"
	PeriodClosed PeriodStatus = "closed"
)

// AccountPeriod is a period an enterprise keeps its accounts over (周期核算:
// half year, year…). From and To are calendar days in China Standard Time,
// both included. Closing records the hash of the period's totals
// (PeriodTotalsHash), so a later change to figures of a closed period shows
// as a different hash.
type AccountPeriod struct {
	EnterpriseID string       `json:"enterpriseId"`
	PeriodID     string       `json:"periodId"`
	From         string       `json:"from"`
	To           string       `json:"to"`
	Status       PeriodStatus `json:"status"`
	DefinedAt    string       `json:"definedAt"`
	DefinedTx    string       `json:"definedTx"`
	DefinedBy    Actor        `json:"definedBy"`
	TotalsHash   string       `json:"totalsHash,omitempty" metadata:",optional"`
	ClosedAt     string       `json:"closedAt,omitempty" metadata:",optional"`
	ClosedTx     string       `json:"closedTx,omitempty" metadata:",optional"`
	ClosedBy     *Actor       `json:"closedBy,omitempty" metadata:",optional"`
}

// ZoneTime is the zone's civil time (China Standard Time, no daylight
// saving): period days start at its midnight, and every date the product
// prints or reads as a day is a day of it.
var ZoneTime = time.FixedZone("CST", 8*3600)

// CheckPeriod checks the id and days of a period to define.
func CheckPeriod(periodID, from, to string) Problems {
	var ps Problems
	checkPattern(&ps, "periodId", periodID, FormatPeriodID, PeriodIDPattern.MatchString)
	checkPattern(&ps, "from", from, FormatDate, isDate)
	checkPattern(&ps, "to", to, FormatDate, isDate)
	return ps
}

// PeriodBounds is the time range [start, end) of the days from..to: from's
// midnight to the midnight after to, China Standard Time.
func PeriodBounds(from, to string) (start, end time.Time, err error) {
	start, err = time.ParseInLocation(time.DateOnly, from, ZoneTime)
	if err != nil {
		return start, end, fmt.Errorf("period start %q: %w", from, err)
	}
	last, err := time.ParseInLocation(time.DateOnly, to, ZoneTime)
	if err != nil {
		return start, end, fmt.Errorf("period end %q: %w", to, err)
	}
	return start, last.AddDate(0, 0, 1), nil
}

// PeriodFigure is one line of a period's totals: the weight of one batch
// (trace code) in one customs status at one enterprise. Opening + the ins −
// the outs = Closing. Reversals of voided documents count negative in the
// flow they undo.
type PeriodFigure struct {
	TraceCode          string `json:"traceCode"`
	Bonded             bool   `json:"bonded"`
	OpeningGrams       int64  `json:"openingGrams"`
	EntryGrams         int64  `json:"entryGrams"`
	TransferInGrams    int64  `json:"transferInGrams"`
	ConversionInGrams  int64  `json:"conversionInGrams"`
	ExitGrams          int64  `json:"exitGrams"`
	TransferOutGrams   int64  `json:"transferOutGrams"`
	ConversionOutGrams int64  `json:"conversionOutGrams"`
	ClosingGrams       int64  `json:"closingGrams"`
}

// Balanced reports whether opening + ins − outs = closing.
func (f PeriodFigure) Balanced() bool {
	return f.OpeningGrams+f.EntryGrams+f.TransferInGrams+f.ConversionInGrams-
		f.ExitGrams-f.TransferOutGrams-f.ConversionOutGrams == f.ClosingGrams
}

// PeriodTotalsHash is the SHA-256 (lowercase hex) of a period's figures:
// one line per figure, sorted by trace code (bytewise) then bonded before
// non-bonded, each "traceCode|B or N|opening|entry|transferIn|conversionIn|
// exit|transferOut|conversionOut|closing\n", preceded by the line
// "enterpriseId|periodId|from|to\n". Whoever holds the figures can recompute it.
func PeriodTotalsHash(p AccountPeriod, figures []PeriodFigure) string {
	sorted := append([]PeriodFigure(nil), figures...)
	sortFigures(sorted)
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%s|%s|%s\n", p.EnterpriseID, p.PeriodID, p.From, p.To)
	for _, f := range sorted {
		status := "N"
		if f.Bonded {
			status = "B"
		}
		fmt.Fprintf(&b, "%s|%s|%d|%d|%d|%d|%d|%d|%d|%d\n", f.TraceCode, status, f.OpeningGrams, f.EntryGrams,
			f.TransferInGrams, f.ConversionInGrams, f.ExitGrams, f.TransferOutGrams, f.ConversionOutGrams, f.ClosingGrams)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

func sortFigures(list []PeriodFigure) {
	slices.SortFunc(list, func(a, b PeriodFigure) int {
		if c := strings.Compare(a.TraceCode, b.TraceCode); c != 0 {
			return c
		}
		switch {
		case a.Bonded == b.Bonded:
			return 0
		case a.Bonded:
			return -1
		}
		return 1
	})
}
