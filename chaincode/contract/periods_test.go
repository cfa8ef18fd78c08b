package contract

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
)

func TestAccountPeriods(t *testing.T) {
	t.Parallel()
	z := newZone(t) // the world's clock is 2026-11-26
	hash := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

	var p model.AccountPeriod
	require.NoError(t, json.Unmarshal(z.mustInvoke(z.entA, "DefinePeriod", z.req(), "2026H1", "2026-01-01", "2026-06-30"), &p))
	require.Equal(t, model.AccountPeriod{EnterpriseID: enterpriseA, PeriodID: "2026H1", From: "2026-01-01", To: "2026-06-30",
		Status: model.PeriodOpen, DefinedAt: p.DefinedAt, DefinedTx: p.DefinedTx, DefinedBy: p.DefinedBy}, p)
	require.Equal(t, model.EventAccountPeriodChanged, z.lastEvent.Events[0].Type)

	// Another enterprise may use the same id; the same enterprise may not.
	z.mustInvoke(z.entB, "DefinePeriod", z.req(), "2026H1", "2026-01-01", "2026-06-30")
	z.refused(model.CodeConflict, z.entA, "DefinePeriod", z.req(), "2026H1", "2026-01-01", "2026-12-31")
	z.refused(model.CodeInvalid, z.entA, "DefinePeriod", z.req(), "2026 H2", "2026-07-01", "2026-12-31")
	z.refused(model.CodeInvalid, z.entA, "DefinePeriod", z.req(), "2026H2", "2026-07-01", "2026-13-01")
	require.Equal(t, model.ReasonPeriodBackwards,
		z.refusal(model.CodeInvalid, z.entA, "DefinePeriod", z.req(), "2026H2", "2026-12-31", "2026-07-01").Reason)
	z.refused(model.CodeForbidden, z.customs, "DefinePeriod", z.req(), "2026H2", "2026-07-01", "2026-12-31")

	// A period closes once, after its last day.
	z.mustInvoke(z.entA, "DefinePeriod", z.req(), "2026", "2026-01-01", "2026-12-31")
	require.Equal(t, model.ReasonPeriodNotEnded, z.refusal(model.CodeConflict, z.entA, "ClosePeriod", z.req(), "2026", hash).Reason)
	z.refused(model.CodeInvalid, z.entA, "ClosePeriod", z.req(), "2026H1", "not-a-hash")
	require.Equal(t, model.ReasonPeriodNotFound, z.refusal(model.CodeNotFound, z.entA, "ClosePeriod", z.req(), "2025", hash).Reason)
	z.refused(model.CodeForbidden, z.customs, "ClosePeriod", z.req(), "2026H1", hash)

	require.NoError(t, json.Unmarshal(z.mustInvoke(z.entA, "ClosePeriod", z.req(), "2026H1", hash), &p))
	require.Equal(t, model.PeriodClosed, p.Status)
	require.Equal(t, hash, p.TotalsHash)
	require.Equal(t, enterpriseA, p.ClosedBy.EnterpriseID)
	require.Equal(t, &p, z.lastEvent.Events[0].AccountPeriod)
	require.Equal(t, model.ReasonPeriodClosed, z.refusal(model.CodeConflict, z.entA, "ClosePeriod", z.req(), "2026H1", hash).Reason)
}

func TestPeriodTotalsHash(t *testing.T) {
	t.Parallel()
	p := model.AccountPeriod{EnterpriseID: enterpriseA, PeriodID: "2026H1", From: "2026-01-01", To: "2026-06-30"}
	a := model.PeriodFigure{TraceCode: "A", Bonded: true, EntryGrams: 5, ClosingGrams: 5}
	b := model.PeriodFigure{TraceCode: "A", ExitGrams: 1, OpeningGrams: 1}
	// The order of the figures does not matter; every number does.
	require.Equal(t, model.PeriodTotalsHash(p, []model.PeriodFigure{a, b}), model.PeriodTotalsHash(p, []model.PeriodFigure{b, a}))
	changed := a
	changed.ClosingGrams++
	require.NotEqual(t, model.PeriodTotalsHash(p, []model.PeriodFigure{a, b}), model.PeriodTotalsHash(p, []model.PeriodFigure{changed, b}))
	require.True(t, a.Balanced())
	require.False(t, changed.Balanced())
}
