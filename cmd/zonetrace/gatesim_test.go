package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"zonetrace/gateway/gates"
)

// The simulator signs what it sends with the key whose public half it
// prints, and reuses the key file on the next run.
func TestGateSimSignsWithThePrintedKey(t *testing.T) {
	var public ed25519.PublicKey
	var got []gates.EventRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		sig, _ := base64.StdEncoding.DecodeString(r.Header.Get(gates.HeaderSignature))
		msg := gates.SignedMessage(r.Header.Get(gates.HeaderGate), r.Header.Get(gates.HeaderTimestamp), r.Header.Get(gates.HeaderNonce), body)
		if r.URL.Path != "/api/v1/gate-events" || !ed25519.Verify(public, msg, sig) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var ev gates.EventRequest
		if !assert.NoError(t, json.Unmarshal(body, &ev)) {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		got = append(got, ev)
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(gates.Event{ID: int64(len(got)), Plate: ev.Plate, Direction: ev.Direction, State: gates.StateUnmatched})
	}))
	defer srv.Close()
	keyFile := filepath.Join(t.TempDir(), "gate.key")

	var out bytes.Buffer
	require.NoError(t, gateSimCommand(context.Background(), []string{"--url", srv.URL, "--key", keyFile, "--gate", "G7"}, &out))
	require.Contains(t, out.String(), "generated gate key")
	line := out.String()[strings.Index(out.String(), "public key: ")+len("public key: "):]
	public, err := gates.ParsePublicKey(strings.TrimSpace(line))
	require.NoError(t, err)

	events := filepath.Join(t.TempDir(), "events.jsonl")
	require.NoError(t, os.WriteFile(events, []byte("# a morning\n{\"plate\":\"苏E12345\",\"direction\":\"in\"}\n{\"plate\":\"苏E12345\",\"direction\":\"out\",\"documentNo\":\"FB1\"}\n"), 0o600))
	out.Reset()
	require.NoError(t, gateSimCommand(context.Background(), []string{"--url", srv.URL, "--key", keyFile, "--gate", "G7", "--events", events}, &out))
	require.NotContains(t, out.String(), "generated", "the key file is reused")
	require.Len(t, got, 2)
	require.Equal(t, "FB1", got[1].DocumentNo)
	require.NotEmpty(t, got[0].At)

	// Another key is refused by the server, and the simulator says so.
	other := filepath.Join(t.TempDir(), "other.key")
	err = gateSimCommand(context.Background(), []string{"--url", srv.URL, "--key", other, "--plate", "苏E1"}, io.Discard)
	require.ErrorContains(t, err, "HTTP 401")
}
