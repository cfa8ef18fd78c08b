package fabricledger

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"google.golang.org/grpc/status"

	"zonetrace/network/ledger"
)

// chaincodeResponse finds the chaincode's own message in a peer's error text,
// e.g. "chaincode response 500, FORBIDDEN: not allowed for role customs".
var chaincodeResponse = regexp.MustCompile(`chaincode response (\d+), (.*)$`)

// chaincodeMessage returns the chaincode's message carried by an endorsement
// or evaluation error: first from the per-peer details the gateway attaches,
// then from the status message itself.
func chaincodeMessage(err error) (string, bool) {
	st, ok := status.FromError(err)
	if !ok {
		return "", false
	}
	for _, d := range st.Details() {
		if detail, ok := d.(*gateway.ErrorDetail); ok {
			if m := chaincodeResponse.FindStringSubmatch(detail.GetMessage()); m != nil {
				return m[2], true
			}
		}
	}
	if m := chaincodeResponse.FindStringSubmatch(st.Message()); m != nil {
		return m[2], true
	}
	return "", false
}

// endorseError maps a failed endorsement or evaluation: a chaincode
// rejection becomes *ledger.ChaincodeError (keeping the model's code
// prefix), anything else wraps ledger.ErrEndorsement with the peer details.
func endorseError(err error, txID, function string) error {
	if msg, ok := chaincodeMessage(err); ok {
		return &ledger.ChaincodeError{TxID: txID, Message: msg}
	}
	text := describe(err)
	if strings.Contains(text, "ProposalResponsePayloads do not match") {
		return fmt.Errorf("endorse %s (transaction %s): %w: %s", function, txID, errEndorsersDisagree, text)
	}
	return fmt.Errorf("endorse %s (transaction %s): %w: %s", function, txID, ledger.ErrEndorsement, text)
}

// errEndorsersDisagree reports endorsing peers that simulated on different
// committed states (one had not yet committed the latest block touching a
// key the transaction reads). Like an MVCC conflict it resolves by proposing
// again, so Submit retries it instead of failing.
var errEndorsersDisagree = errors.New("fabric ledger: endorsing peers returned different results")

// describe renders a gRPC error with the per-peer details the gateway adds.
func describe(err error) string {
	st, ok := status.FromError(err)
	if !ok {
		return err.Error()
	}
	text := st.Code().String() + ": " + st.Message()
	for _, d := range st.Details() {
		if detail, ok := d.(*gateway.ErrorDetail); ok {
			text += fmt.Sprintf(" [%s %s: %s]", detail.GetMspId(), detail.GetAddress(), detail.GetMessage())
		}
	}
	return text
}

// ErrOutcomeUnknown reports a submission that may or may not have committed:
// the orderer or peer connection failed after the transaction was sent and
// the ledger did not show it within the settle timeout. Re-driving it is
// safe only through the chaincode's request IDs.
var ErrOutcomeUnknown = errors.New("fabric ledger: transaction outcome unknown")
