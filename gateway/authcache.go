package gateway

import (
	"context"
	"errors"
	"time"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/indexer/query"
	"zonetrace/internal/ttlcache"
)

// statusCache remembers whether enterprises are disabled, as the read
// model knows them, for authenticate: with the session cache it makes a
// request of a known session cost no statement before its own. An
// enterprise disabled through this process is forgotten once its change
// is answered; one disabled through another gateway is seen within the
// TTL (the chain and the indexer take their own moments anyway).
type statusCache struct {
	ttl     time.Duration
	entries *ttlcache.Cache[string, bool]
}

// enterpriseStatusCacheSize bounds the enterprises remembered.
const enterpriseStatusCacheSize = 10_000

// newStatusCache follows Config.SessionCacheTTL; nil caches nothing.
func newStatusCache(ttl time.Duration) *statusCache {
	if ttl < 0 {
		return nil
	}
	if ttl == 0 {
		ttl = accounts.DefaultSessionCacheTTL
	}
	return &statusCache{ttl: ttl, entries: ttlcache.New[string, bool](enterpriseStatusCacheSize)}
}

// enterpriseDisabled reports whether the read model has enterprise id
// disabled; an enterprise not indexed yet is not.
func (g *Gateway) enterpriseDisabled(ctx context.Context, id string) (bool, error) {
	c := g.enterpriseStatus
	var gen uint64
	now := time.Now()
	if c != nil {
		if disabled, ok := c.entries.Get(id, now); ok {
			return disabled, nil
		}
		gen = c.entries.Begin()
	}
	e, err := g.cfg.Reads.Enterprise(ctx, id)
	if errors.Is(err, query.ErrNotFound) {
		// Not cached: the registration's block may be indexed any moment.
		return false, nil
	}
	if err != nil {
		return false, err
	}
	disabled := e.Status == model.EnterpriseDisabled
	if c != nil {
		c.entries.Put(gen, id, disabled, now.Add(c.ttl))
	}
	return disabled, nil
}

// forgetEnterpriseStatus makes the next request read enterprise id's
// status afresh (after this process changed it).
func (g *Gateway) forgetEnterpriseStatus(id string) {
	if g.enterpriseStatus != nil {
		g.enterpriseStatus.entries.Forget(id)
	}
}
