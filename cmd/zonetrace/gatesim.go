package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"time"

	"zonetrace/gateway/gates"
	"zonetrace/internal/apiclient"
)

// gateSimCommand plays a barrier gate: it signs vehicle events with the
// gate's Ed25519 key and posts them to a running gateway (the demo, and a
// gate vendor's reference for the signature).
func gateSimCommand(ctx context.Context, args []string, out io.Writer) error {
	flags := flag.NewFlagSet("gate-sim", flag.ContinueOnError)
	baseURL := flags.String("url", "https://127.0.0.1:8080", "the gateway's base URL")
	caFile := flags.String("ca", ".data/node/tls/ca/cert.pem", "PEM CA certificate the gateway's TLS certificate chains to (empty: the system's)")
	keyFile := flags.String("key", "gate.key", "the gate's Ed25519 private key (PKCS #8 PEM); generated and written there when missing")
	gateID := flags.String("gate", "G1", "the gate's id")
	register := flags.Bool("register", false, "register the gate and its public key first, as the zone admin (--admin, password in ZT_GATE_ADMIN_PASSWORD)")
	admin := flags.String("admin", "admin", "zone admin username for --register")
	name := flags.String("name", "", "gate name for --register (default 卡口 <gate>)")
	x := flags.Int("x", 100, "gate position on the zone schematic (0-1000) for --register")
	y := flags.Int("y", 500, "gate position on the zone schematic (0-1000) for --register")
	directions := flags.String("directions", gates.DirectionBoth, "in, out or both, for --register")
	events := flags.String("events", "", "file of events, one JSON object a line ({plate, direction, at?, imageRef?, documentNo?}); - reads standard input")
	plate := flags.String("plate", "", "one event: the vehicle plate")
	direction := flags.String("direction", gates.DirectionIn, "one event: in or out")
	documentNo := flags.String("document", "", "one event: the document number the driver gave")
	interval := flags.Duration("interval", 0, "pause between events")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	key, created, err := loadOrCreateGateKey(*keyFile)
	if err != nil {
		return err
	}
	pub := gates.EncodePublicKey(key.Public().(ed25519.PublicKey))
	if created {
		fmt.Fprintf(out, "generated gate key %s\n", *keyFile)
	}
	fmt.Fprintf(out, "gate %s public key: %s\n", *gateID, pub)
	client, err := gateSimClient(*baseURL, *caFile)
	if err != nil {
		return err
	}
	if *register {
		if *name == "" {
			*name = "卡口 " + *gateID
		}
		if err := client.Login(ctx, *admin, os.Getenv("ZT_GATE_ADMIN_PASSWORD")); err != nil {
			return err
		}
		err := client.Post(ctx, "/api/v1/gates", gates.GateRequest{ID: *gateID, Name: *name, X: *x, Y: *y, Directions: *directions, PublicKey: pub}, nil)
		switch {
		case apiclient.StatusOf(err) == http.StatusConflict:
			fmt.Fprintf(out, "gate %s is already registered\n", *gateID)
		case err != nil:
			return err
		default:
			fmt.Fprintf(out, "registered gate %s\n", *gateID)
		}
		client.Token = ""
	}
	var list []gates.EventRequest
	switch {
	case *events != "":
		if list, err = readGateEvents(*events); err != nil {
			return err
		}
	case *plate != "":
		list = []gates.EventRequest{{Plate: *plate, Direction: *direction, DocumentNo: *documentNo}}
	}
	for i, ev := range list {
		if i > 0 && *interval > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(*interval):
			}
		}
		got, err := sendGateEvent(ctx, client, *gateID, key, ev)
		if err != nil {
			return fmt.Errorf("event %d (%s %s): %w", i+1, ev.Plate, ev.Direction, err)
		}
		fmt.Fprintf(out, "event %d: %s %s %s → %s %s%s\n", got.ID, got.Plate, got.Direction, got.At.Format(time.RFC3339),
			got.State, got.DocumentID, got.UnmatchedWhy)
	}
	return nil
}

// sendGateEvent signs and posts one event.
func sendGateEvent(ctx context.Context, client *apiclient.Client, gateID string, key ed25519.PrivateKey, ev gates.EventRequest) (gates.Event, error) {
	if ev.At == "" {
		ev.At = time.Now().Format(time.RFC3339)
	}
	if ev.ImageRef == "" {
		ev.ImageRef = "sim://" + gateID + "/" + ev.At + ".jpg"
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return gates.Event{}, err
	}
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return gates.Event{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, client.BaseURL+"/api/v1/gate-events", bytes.NewReader(body))
	if err != nil {
		return gates.Event{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range gates.Sign(key, gateID, time.Now(), hex.EncodeToString(nonce), body) {
		req.Header.Set(k, v)
	}
	resp, err := client.HTTP.Do(req)
	if err != nil {
		return gates.Event{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return gates.Event{}, err
	}
	if resp.StatusCode != http.StatusCreated {
		return gates.Event{}, fmt.Errorf("HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(raw)))
	}
	var got gates.Event
	return got, json.Unmarshal(raw, &got)
}

func gateSimClient(baseURL, caFile string) (*apiclient.Client, error) {
	if caFile == "" || !strings.HasPrefix(baseURL, "https:") {
		return apiclient.New(baseURL), nil
	}
	pemBytes, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("read CA certificate: %w", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pemBytes) {
		return nil, fmt.Errorf("%s holds no PEM certificate", caFile)
	}
	return apiclient.NewTLS(baseURL, roots), nil
}

// loadOrCreateGateKey reads the gate's key, or makes one (mode 0600) when
// the file does not exist.
func loadOrCreateGateKey(path string) (ed25519.PrivateKey, bool, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, false, err
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, false, err
		}
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
			return nil, false, fmt.Errorf("write gate key: %w", err)
		}
		return key, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read gate key: %w", err)
	}
	block, _ := pem.Decode(raw)
	if block == nil {
		return nil, false, fmt.Errorf("%s holds no PEM key", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, false, fmt.Errorf("parse gate key: %w", err)
	}
	key, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, false, fmt.Errorf("%s is not an Ed25519 key", path)
	}
	return key, false, nil
}

func readGateEvents(path string) ([]gates.EventRequest, error) {
	var r io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	var out []gates.EventRequest
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var ev gates.EventRequest
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ev); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, n, err)
		}
		out = append(out, ev)
	}
	return out, sc.Err()
}
