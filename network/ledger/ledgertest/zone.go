package ledgertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/network/ledger"
	"zonetrace/network/pki"
)

// zone drives the real chaincode on one fixture: the zone's standing
// identities and a counter that keeps every id of the suite unique on the
// shared chain.
type zone struct {
	f       *Fixture
	customs ledger.Signer // a CustomsMSP client: role customs
	admin   ledger.Signer // a ZoneAdminMSP admin: role zone admin
	seq     atomic.Int64
}

func newZone(t *testing.T, f *Fixture) *zone {
	return &zone{
		f:       f,
		customs: f.Issue(t, pki.CustomsMSP, "conformance-officer", pki.OUClient),
		admin:   f.Issue(t, pki.ZoneAdminMSP, "conformance-admin", pki.OUAdmin),
	}
}

func (z *zone) ledger() ledger.Ledger { return z.f.Ledger }

func (z *zone) next() int64 { return z.seq.Add(1) }

func (z *zone) req() string { return fmt.Sprintf("conformance-%d", z.next()) }

// enterpriseID is a new unified social credit code.
func (z *zone) enterpriseID() string { return fmt.Sprintf("91320583MA%08d", z.next()) }

func (z *zone) prefilingID() string { return fmt.Sprintf("PF20261128%08d", z.next()) }

func enterpriseJSON(id string) string {
	return `{"id":"` + id + `","name":"昆山咖啡进口有限公司","kind":"importer"}`
}

// prefilingJSON is a complete, valid prefiling of a coffee batch.
const prefilingJSON = `{"commodity":"coffee","productName":"埃塞俄比亚耶加雪菲生咖啡豆","hsCode":"0901110000",` +
	`"origin":"ET","exporterName":"Yirgacheffe Coffee Farmers Union","exporterRegNo":"CETH0001",` +
	`"quarantineBatchNo":"Q2026-0001","quarantineResult":"qualified","avgPriceFen":6850,"currency":"CNY",` +
	`"weightGrams":19200000,"grade":"G1","plantingRegion":"Gedeo","productionDate":"2026-09-01",` +
	`"shelfLifeDays":540,"attachments":[]}`

// register registers a new enterprise as the zone admin.
func (z *zone) register(ctx context.Context, t *testing.T) (string, *ledger.SubmitResult) {
	t.Helper()
	id := z.enterpriseID()
	res, err := z.ledger().Submit(ctx, z.admin, "RegisterEnterprise", z.req(), enterpriseJSON(id))
	require.NoError(t, err)
	return id, res
}

// bind binds signer's certificate to enterprise id.
func (z *zone) bind(ctx context.Context, t *testing.T, id string, signer ledger.Signer) {
	t.Helper()
	_, err := z.ledger().Submit(ctx, z.admin, "BindIdentity", z.req(), id, signer.MspID(), string(signer.Credentials()))
	require.NoError(t, err)
}

// enterprise registers an enterprise and binds a new client of mspID to it.
func (z *zone) enterprise(ctx context.Context, t *testing.T, mspID string) (string, ledger.Signer) {
	t.Helper()
	id, _ := z.register(ctx, t)
	signer := z.f.Issue(t, mspID, fmt.Sprintf("conformance-enterprise-%d", z.next()), pki.OUClient)
	z.bind(ctx, t, id, signer)
	return id, signer
}

// declare declares n prefilings as the enterprise's signer.
func (z *zone) declare(ctx context.Context, t *testing.T, signer ledger.Signer, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = z.prefilingID()
		_, err := z.ledger().Submit(ctx, signer, "DeclarePrefiling", z.req(), ids[i], prefilingJSON)
		require.NoError(t, err)
	}
	return ids
}

func (z *zone) prefiling(ctx context.Context, t *testing.T, id string) model.Prefiling {
	t.Helper()
	raw, err := z.ledger().Evaluate(ctx, z.customs, "GetPrefiling", id)
	require.NoError(t, err)
	var p model.Prefiling
	require.NoError(t, json.Unmarshal(raw, &p))
	return p
}

func (z *zone) whoAmI(ctx context.Context, t *testing.T, signer ledger.Signer) model.Actor {
	t.Helper()
	raw, err := z.ledger().Evaluate(ctx, signer, "WhoAmI")
	require.NoError(t, err)
	var a model.Actor
	require.NoError(t, json.Unmarshal(raw, &a))
	return a
}

func (z *zone) height(ctx context.Context, t *testing.T) uint64 {
	t.Helper()
	h, err := z.ledger().Height(ctx)
	require.NoError(t, err)
	return h
}

// refusal asserts err is a chaincode refusal (not an invalidation, not an
// endorsement failure) and returns the model's code it carries.
func refusal(t *testing.T, err error) model.Code {
	t.Helper()
	var cc *ledger.ChaincodeError
	require.ErrorAs(t, err, &cc)
	require.NotEmpty(t, cc.TxID, "a refusal names the refused proposal")
	require.NotErrorIs(t, err, ledger.ErrInvalidated)
	require.NotErrorIs(t, err, ledger.ErrEndorsement)
	parsed, ok := model.ParseError(cc.Message)
	require.True(t, ok, "refusal without a model code: %s", cc.Message)
	return parsed.Code
}

var errEnough = errors.New("ledgertest: enough blocks")

// blocks listens from block from until block until has been delivered.
func (z *zone) blocks(ctx context.Context, t *testing.T, from, until uint64) []ledger.Block {
	t.Helper()
	var out []ledger.Block
	err := z.ledger().Listen(ctx, from, func(b ledger.Block) error {
		out = append(out, b)
		if b.Number >= until {
			return errEnough
		}
		return nil
	})
	require.ErrorIs(t, err, errEnough)
	return out
}

// requireChain asserts blocks are numbered from, from+1, … and each names
// its predecessor's hash.
func requireChain(t *testing.T, blocks []ledger.Block, from uint64) {
	t.Helper()
	for i, b := range blocks {
		require.Equal(t, from+uint64(i), b.Number, "block %d of the stream", i)
		require.NotEmpty(t, b.Hash)
		if i > 0 {
			require.Equal(t, blocks[i-1].Hash, b.PreviousHash, "block %d does not follow block %d", b.Number, blocks[i-1].Number)
		}
	}
}

// txByID finds a transaction and its block's number.
func txByID(blocks []ledger.Block, id string) (ledger.Transaction, uint64, bool) {
	for _, b := range blocks {
		for _, tx := range b.Transactions {
			if tx.ID == id {
				return tx, b.Number, true
			}
		}
	}
	return ledger.Transaction{}, 0, false
}
