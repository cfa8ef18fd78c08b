package ledger_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/network/ledger"
)

func TestInvalidatedErrorMatchesItsClass(t *testing.T) {
	for _, tc := range []struct {
		code     string
		conflict bool
	}{
		{ledger.CodeMVCCReadConflict, true},
		{ledger.CodePhantomReadConflict, true},
		{"ENDORSEMENT_POLICY_FAILURE", false},
		{"DUPLICATE_TXID", false},
	} {
		t.Run(tc.code, func(t *testing.T) {
			err := fmt.Errorf("submit X: %w", &ledger.InvalidatedError{TxID: "tx1", Block: 7, Code: tc.code})
			require.ErrorIs(t, err, ledger.ErrInvalidated)
			require.Equal(t, tc.conflict, errors.Is(err, ledger.ErrConflict))
			require.NotErrorIs(t, err, ledger.ErrEndorsement)
			var invalid *ledger.InvalidatedError
			require.ErrorAs(t, err, &invalid)
			require.Equal(t, tc.conflict, invalid.Conflict())
			require.Contains(t, err.Error(), "tx1")
			require.Contains(t, err.Error(), tc.code)
		})
	}
}
