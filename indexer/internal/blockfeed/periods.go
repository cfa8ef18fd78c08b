package blockfeed

import (
	"time"

	"zonetrace/chaincode/model"
)

// Advance moves the chain's clock forward by d before the next
// transaction, so tests can spread trade over months.
func (c *Chain) Advance(d time.Duration) { c.clock = c.clock.Add(d) }

// Now is the time of the last transaction.
func (c *Chain) Now() time.Time { return c.clock }

// DefinePeriod commits an enterprise's accounting period as the contract's
// DefinePeriod does.
func (c *Chain) DefinePeriod(enterpriseID, periodID, from, to string) model.AccountPeriod {
	txID, at := c.next()
	p := model.AccountPeriod{EnterpriseID: enterpriseID, PeriodID: periodID, From: from, To: to, Status: model.PeriodOpen,
		DefinedAt: at, DefinedTx: txID, DefinedBy: Declarant(enterpriseID)}
	c.periods[enterpriseID+"/"+periodID] = &p
	c.commit(txID, at, "DefinePeriod", Declarant(enterpriseID), model.DomainEvent{Type: model.EventAccountPeriodChanged, AccountPeriod: &p})
	return p
}

// ClosePeriod commits the close of a period with totalsHash.
func (c *Chain) ClosePeriod(enterpriseID, periodID, totalsHash string) model.AccountPeriod {
	txID, at := c.next()
	p := *c.periods[enterpriseID+"/"+periodID]
	actor := Declarant(enterpriseID)
	p.Status, p.TotalsHash, p.ClosedAt, p.ClosedTx, p.ClosedBy = model.PeriodClosed, totalsHash, at, txID, &actor
	c.periods[enterpriseID+"/"+periodID] = &p
	c.commit(txID, at, "ClosePeriod", actor, model.DomainEvent{Type: model.EventAccountPeriodChanged, AccountPeriod: &p})
	return p
}
