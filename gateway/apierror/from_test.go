package apierror_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/drafts"
	"zonetrace/gateway/identities"
	"zonetrace/gateway/validation"
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
		{"validation problems are 422", validation.Problems{{Field: "f", Message: "m", MessageZh: "z"}}, 422, apierror.ValidationFailed},
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
	t.Run("a chaincode message is passed on", func(t *testing.T) {
		e := apierror.From(cc("CONFLICT: prefiling PF1 is approved"))
		require.Equal(t, "prefiling PF1 is approved", e.Message)
		require.Contains(t, e.MessageZh, "当前状态不允许此操作")
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
