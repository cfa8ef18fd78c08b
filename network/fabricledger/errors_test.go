package fabricledger

import (
	"errors"
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"zonetrace/network/ledger"
)

func TestEndorseError(t *testing.T) {
	withDetail := func(code codes.Code, msg, detail string) error {
		st, err := status.New(code, msg).WithDetails(&gateway.ErrorDetail{Address: "127.0.0.1:27100", MspId: "CustomsMSP", Message: detail})
		require.NoError(t, err)
		return st.Err()
	}
	tests := []struct {
		name        string
		err         error
		wantMessage string // chaincode message, empty when not a chaincode error
	}{
		{
			name:        "a chaincode rejection in the peer details keeps the model's code prefix",
			err:         withDetail(codes.Aborted, "failed to endorse transaction, see attached details for more info", "chaincode response 500, FORBIDDEN: not allowed for role customs"),
			wantMessage: "FORBIDDEN: not allowed for role customs",
		},
		{
			name:        "an evaluation's rejection in the status message is found too",
			err:         status.Error(codes.Unknown, "evaluate call to endorser returned error: chaincode response 500, NOT_FOUND: prefiling PF1 does not exist"),
			wantMessage: "NOT_FOUND: prefiling PF1 does not exist",
		},
		{
			name: "a refused creator is an endorsement failure",
			err:  withDetail(codes.Aborted, "failed to endorse transaction", "error validating proposal: access denied: channel [zonetrace] creator org unknown"),
		},
		{
			name: "an unreachable peer is an endorsement failure",
			err:  status.Error(codes.Unavailable, "connection refused"),
		},
		{
			name: "an error without gRPC status is an endorsement failure",
			err:  errors.New("boom"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := endorseError(tt.err, "tx1", "DeclarePrefiling")
			var ccErr *ledger.ChaincodeError
			if tt.wantMessage == "" {
				require.ErrorIs(t, err, ledger.ErrEndorsement)
				require.NotErrorAs(t, err, &ccErr)
				return
			}
			require.ErrorAs(t, err, &ccErr)
			require.Equal(t, tt.wantMessage, ccErr.Message)
			require.Equal(t, "tx1", ccErr.TxID)
			require.NotErrorIs(t, err, ledger.ErrEndorsement)
		})
	}
}
