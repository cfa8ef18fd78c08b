package apierror_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/model/zh"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/drafts"
	"zonetrace/gateway/identities"
	"zonetrace/gateway/validation"
	"zonetrace/indexer/query"
	"zonetrace/network/ledger"
)

func TestFrom(t *testing.T) {
	t.Parallel()
	cc := func(msg string) error {
		return fmt.Errorf("submit: %w", &ledger.ChaincodeError{TxID: "t", Message: msg})
	}
	cases := []struct {
		name   string
		err    error
		status int
		code   apierror.Code
	}{
		{"a chaincode FORBIDDEN is 403", cc("FORBIDDEN: caller is not the owner"), 403, apierror.Forbidden},
		{"a chaincode NOT_FOUND is 404", cc("NOT_FOUND: prefiling PF1"), 404, apierror.NotFound},
		{"a chaincode CONFLICT is 409", cc("CONFLICT: prefiling is approved"), 409, apierror.Conflict},
		{"a chaincode INVALID_ARGUMENT is 422", cc("INVALID_ARGUMENT: weightGrams must be > 0"), 422, apierror.ValidationFailed},
		{"a chaincode error with a Fabric prefix is still parsed", cc("endorse: rpc error: CONFLICT: x"), 409, apierror.Conflict},
		{"a chaincode error without code is internal", cc("panic: nil map"), 500, apierror.Internal},
		{"an MVCC conflict is worth retrying", fmt.Errorf("submit: %w", ledger.ErrConflict), 503, apierror.LedgerUnavailable},
		{"an endorsement failure is worth retrying", ledger.ErrEndorsement, 503, apierror.LedgerUnavailable},
		{"a transaction ordered but invalidated is worth retrying", fmt.Errorf("submit: %w", &ledger.InvalidatedError{TxID: "t", Block: 7, Code: "ENDORSEMENT_POLICY_FAILURE"}), 503, apierror.LedgerUnavailable},
		{"validation problems are 422", validation.Problems{{Field: "f", Message: "m", MessageZh: "z"}}, 422, apierror.ValidationFailed},
		{"a cursor the API did not issue is 400", fmt.Errorf("search documents: %w", query.ErrInvalidCursor), 400, apierror.BadRequest},
		{"a missing draft is 404", fmt.Errorf("get: %w", drafts.ErrNotFound), 404, apierror.NotFound},
		{"a declared draft is 409", drafts.ErrDeclared, 409, apierror.Conflict},
		{"bad credentials are 401", accounts.ErrBadCredentials, 401, apierror.Unauthenticated},
		{"a read-only role is 403", identities.ErrReadOnly, 403, apierror.Forbidden},
		{"an oversized body is 413", &http.MaxBytesError{Limit: 1}, 413, apierror.PayloadTooLarge},
		{"anything else is 500", errors.New("boom"), 500, apierror.Internal},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := apierror.From(tc.err)
			require.Equal(t, tc.status, e.Status)
			require.Equal(t, tc.code, e.Code)
			require.NotEmpty(t, e.Message)
			require.NotEmpty(t, e.MessageZh)
		})
	}
	t.Run("internal errors do not leak their text", func(t *testing.T) {
		e := apierror.From(errors.New("password=hunter2"))
		require.NotContains(t, e.Body().Error.Message, "hunter2")
	})
	t.Run("a chaincode message is passed on in English only", func(t *testing.T) {
		e := apierror.From(cc("CONFLICT: prefiling PF1 is approved"))
		require.Equal(t, "prefiling PF1 is approved", e.Message)
		require.Equal(t, "当前状态不允许此操作", e.MessageZh, "an old refusal without a reason shows its class, never its English")
	})
	t.Run("any ledger failure other than a rejection is unavailable", func(t *testing.T) {
		require.Equal(t, apierror.LedgerUnavailable, apierror.Ledger(context.DeadlineExceeded).Code)
		require.Equal(t, apierror.NotFound, apierror.Ledger(cc("NOT_FOUND: x")).Code)
	})
	t.Run("every code has a status and messages", func(t *testing.T) {
		for _, c := range apierror.Codes() {
			e := apierror.New(c)
			require.Equal(t, c, e.Code)
			require.GreaterOrEqual(t, e.Status, 400)
			require.NotEmpty(t, e.MessageZh)
		}
	})
}

// Finding: refusals reached the Chinese UI in English ("… is not held by …
// in non-bonded stock", "… is already registered") without details.
func TestRefusalsCarryReasonAndDetails(t *testing.T) {
	t.Parallel()
	ledgerErr := func(e *model.Error) error {
		return fmt.Errorf("submit: %w", &ledger.ChaincodeError{TxID: "t", Message: "chaincode response 500, " + e.Error()})
	}
	t.Run("a conflict carries its reason and params", func(t *testing.T) {
		e := apierror.From(ledgerErr(model.Refuse(model.ReasonStockInsufficient, model.Params{"documentId": "FL20261126AAAAAAAA",
			"lineSeq": 1, "traceCode": "KSCF261126000421", "holder": "91320583MA1XXXXX1A", "bonded": false, "heldGrams": int64(500), "askedGrams": int64(700)},
			"FL20261126AAAAAAAA line 1: 91320583MA1XXXXX1A holds 500 g of KSCF261126000421, 700 g cannot move")))
		require.Equal(t, 409, e.Status)
		body := e.Body().Error
		require.Equal(t, "STOCK_INSUFFICIENT", body.Reason)
		require.Equal(t, json.Number("500"), body.Params["heldGrams"])
		require.Equal(t, "单据 FL20261126AAAAAAAA 第1行：企业 91320583MA1XXXXX1A 持有溯源码 KSCF261126000421 的非保税库存 500 克，不足申报的 700 克，货物无法移动", body.MessageZh)
		raw, err := json.Marshal(e.Body())
		require.NoError(t, err)
		require.Contains(t, string(raw), `"reason":"STOCK_INSUFFICIENT"`)
		require.Contains(t, string(raw), `"askedGrams":700`)
	})
	t.Run("field problems become details with rule, params and Chinese", func(t *testing.T) {
		var ps model.Problems
		ps.Add("lines[0].traceCode", model.RuleTraceCodeOfOther, model.Params{"traceCode": "KSCF261126000421"})
		ps.Add("reason", model.RuleControlCharacter, model.Params{"position": 3})
		var refusal *model.Error
		require.ErrorAs(t, ps.Err(), &refusal)
		e := apierror.From(ledgerErr(refusal))
		require.Equal(t, 422, e.Status)
		require.Len(t, e.Details, 2)
		require.Equal(t, model.RuleTraceCodeOfOther, e.Details[0].Rule)
		require.Equal(t, "第1行溯源码：溯源码 KSCF261126000421 属于其他企业", e.Details[0].MessageZh)
		require.Equal(t, "理由第3个字符是不可见的控制字符，请删除", e.Details[1].MessageZh)
		require.Equal(t, "reason: must not contain control characters (character 3)", "reason: "+e.Details[1].Message)
	})
	t.Run("problems the gateway finds itself have a rule too", func(t *testing.T) {
		var p validation.Problems
		p.Add("page", "must be a number", "页码须为数字")
		body := apierror.From(p).Body().Error
		require.Equal(t, model.RuleInvalid, body.Details[0].Rule)
		body = apierror.Invalid(validation.Problem{Field: "query", Message: "m", MessageZh: "查询条件无效"}).Body().Error
		require.Equal(t, model.RuleInvalid, body.Details[0].Rule)
	})
}

// Every reason the chaincode can give reaches the Chinese UI as Chinese.
func TestNoEnglishInMessageZh(t *testing.T) {
	t.Parallel()
	samples := model.Params{"documentId": "HZ20261126AAAAAAAA", "prefilingId": "PF20261126AAAAAAAA", "traceCode": "KSCF261126000421",
		"enterpriseId": "91320583MA1XXXXX1A", "holder": "91320583MA1XXXXX1A", "inLegId": "BL20261126BBBBBBBB", "receiptId": "SAS223:1",
		"txId": "4f2a9c", "name": "clerk Smith", "mspId": "WarehouseMSP", "messageType": "SAS223", "commodity": "coffee",
		"at": "2026-11-26T01:00:00Z", "year": "2025", "lineSeq": 3, "heldGrams": 1000, "askedGrams": 2000, "status": "manual_review",
		"family": "checklist", "businessType": "conversion", "role": "zone_admin", "action": "ReviewDocument", "objectType": "balance",
		"bonded": true, "version": 3, "baseVersion": 2, "code": "RISK_WATCH", "checklistId": "HZ20261126CCCCCCCC", "shortfallGrams": 1000,
		"attribute": model.AttrEnterpriseID, "userRole": "customs_officer", "periodId": "2026H1", "from": "2026-01-01", "to": "2026-06-30", model.ParamProblemCount: 1,
		"alertKind": "high_risk", "subject": "KSCF261126000421", "period": "PF20261126AAAAAAAA", "disposalState": "closed", "step": "dispose",
		"children": 2, "count": 2, "recordIds": "WMS-001, WMS-002", "runId": 7, "level": "bin", "parentLevel": "shelf",
		"syncId": 12, "dataset": "hs_codes",
		"regNo": "CBRA02001202300017", "exporterId": 12, "claimId": 34,
		"parameter": "cursor"}
	for _, r := range model.Reasons() {
		refusal := model.Refuse(r, samples, "an English message that must not be shown")
		if r == model.ReasonFieldInvalid {
			refusal.Problems = []model.Problem{{Field: "lines[0].valueFen", Rule: model.RuleValueMismatch, Params: model.Params{"expectedFen": "7200", "toleranceFen": 1}}}
		}
		e := apierror.From(fmt.Errorf("submit: %w", &ledger.ChaincodeError{Message: refusal.Error()}))
		require.Empty(t, zh.EnglishWords(e.MessageZh, samples), "%s: %s", r, e.MessageZh)
		require.NotContains(t, e.MessageZh, "English")
		for _, d := range e.Details {
			require.Empty(t, zh.EnglishWords(d.MessageZh, d.Params), "%s: %s", r, d.MessageZh)
		}
	}
}

// A refusal the gateway decides itself in the model's terms (off-chain
// records: gateway/warehouse) maps like the chaincode's.
func TestModelRefusalMapsByItsReason(t *testing.T) {
	t.Parallel()
	refusal := model.Refuse(model.ReasonLocationParentLevel, model.Params{"code": "B1", "level": "bin", "parentLevel": "shelf"}, "wrong parent")
	e := apierror.From(fmt.Errorf("create location: %w", refusal))
	require.Equal(t, apierror.ValidationFailed, e.Code)
	require.Equal(t, string(model.ReasonLocationParentLevel), e.Reason)
	require.Equal(t, "B1是库位，其上级须为货架", e.MessageZh)
	e = apierror.From(model.Refuse(model.ReasonRecordChanged, model.Params{"recordIds": "R2", "count": 1}, "changed"))
	require.Equal(t, apierror.Conflict, e.Code)
	require.Equal(t, 409, e.Status)
}

// A list cursor the API did not issue is the client's mistake, told in
// Chinese from its reason.
func TestInvalidCursorCarriesItsReason(t *testing.T) {
	t.Parallel()
	e := apierror.From(fmt.Errorf("search prefilings: %w", query.ErrInvalidCursor))
	require.Equal(t, 400, e.Status)
	require.Equal(t, string(model.ReasonCursorInvalid), e.Reason)
	require.Equal(t, "cursor", e.Params["parameter"])
	require.Equal(t, "翻页参数 cursor 无效：不是系统给出的翻页位置，请从第一页重新查询", e.MessageZh)
	require.Equal(t, "cursor", e.Details[0].Field)
}
