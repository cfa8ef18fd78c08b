package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/chaincode/model"
	"zonetrace/internal/apiclient"
	"zonetrace/internal/pgtest"
	"zonetrace/internal/platform"
)

// clearAmount is a price or value in clear in a dump of the tables.
var clearAmount = regexp.MustCompile(`"(avgPriceFen|unitPriceFen|valueFen)": ?\d`)

// TestSensitiveFieldsSealedAtRest is the node as `make run` keeps it: after
// the demo data and an uploaded certificate, a pg_dump of the tables holding
// prices and values shows none in clear, nor does the attachment file on
// disk show its content; the API returns them unchanged; after rotate-keys
// and the retirement of the first KEK version, a restarted node still
// returns them, and verify (mirror against a replay of the ledger) passes.
func TestSensitiveFieldsSealedAtRest(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole node")
	}
	pgDump := filepath.Join(pgBin, "pg_dump")
	if _, err := os.Stat(pgDump); err != nil {
		t.Skip("needs pg_dump in " + pgBin)
	}
	ctx := t.Context()
	log := slog.New(slog.DiscardHandler)
	node := &nodeConfig{DataDir: t.TempDir(), DatabaseURL: pgtest.NewDatabase(t), Ledger: platform.LedgerEmbedded}
	start := func() *platform.Platform {
		t.Helper()
		p, err := platform.Start(ctx, platform.Config{DataDir: node.DataDir, DatabaseURL: node.DatabaseURL, Listen: "127.0.0.1:0", Logger: log})
		require.NoError(t, err)
		return p
	}
	p := start()
	require.NoError(t, seedDemo(ctx, p, func() *apiclient.Client { return apiclient.New(p.URL) }, nil))

	type amounts struct {
		prefilings map[string]int64
		lines      map[string]model.DocumentLine
		file       []byte
	}
	certificate := []byte("%PDF-1.4\nCertificate of origin ZT-CO-55821 Santos Export SA\n%%EOF\n")
	read := func(p *platform.Platform, sum string) amounts {
		t.Helper()
		c := apiclient.New(p.URL)
		require.NoError(t, c.Login(ctx, "customs", demoPassword))
		var pfs struct{ Items []model.Prefiling }
		require.NoError(t, c.Get(ctx, "/api/v1/prefilings?pageSize=100", &pfs))
		var docs struct{ Items []model.Document }
		require.NoError(t, c.Get(ctx, "/api/v1/documents?pageSize=100", &docs))
		a := amounts{prefilings: map[string]int64{}, lines: map[string]model.DocumentLine{}}
		for _, pf := range pfs.Items {
			a.prefilings[pf.ID] = pf.Data.AvgPriceFen
		}
		for _, d := range docs.Items {
			for _, l := range d.Lines {
				a.lines[fmt.Sprintf("%s/%d", d.ID, l.Seq)] = l
			}
		}
		res, err := c.Do(ctx, apiclient.Request{Method: http.MethodGet, Path: "/api/v1/attachments/" + sum}, nil)
		require.NoError(t, err)
		a.file = res.Body
		return a
	}

	ent := apiclient.New(p.URL)
	require.NoError(t, ent.Login(ctx, "ent-a", demoPassword))
	var body bytes.Buffer
	form := multipart.NewWriter(&body)
	part, err := form.CreateFormFile("file", "co.pdf")
	require.NoError(t, err)
	_, err = part.Write(certificate)
	require.NoError(t, err)
	require.NoError(t, form.Close())
	var uploaded struct{ SHA256 string }
	_, err = ent.Do(ctx, apiclient.Request{Method: http.MethodPost, Path: "/api/v1/attachments", Body: body.Bytes(),
		ContentType: form.FormDataContentType(), NoWait: true}, &uploaded)
	require.NoError(t, err)

	before := read(p, uploaded.SHA256)
	require.NotEmpty(t, before.prefilings)
	require.NotEmpty(t, before.lines)
	for id, price := range before.prefilings {
		require.Positive(t, price, "prefiling %s shows its price through the API", id)
	}
	require.Equal(t, certificate, before.file)

	dump, err := exec.Command(pgDump, "--data-only", "-t", "prefilings", "-t", "prefiling_steps", "-t", "documents",
		"-t", "document_lines", "-t", "prefiling_drafts", "-t", "document_drafts", node.DatabaseURL).CombinedOutput()
	require.NoError(t, err, "%s", dump)
	require.Contains(t, string(dump), "zt1:", "the dump holds sealed values")
	require.NotRegexp(t, clearAmount, string(dump))
	for id, price := range before.prefilings {
		require.NotRegexp(t, fmt.Sprintf(`(?m)^%s\t.*\t%d\t`, regexp.QuoteMeta(id), price), string(dump),
			"the avg_price_fen column of %s is sealed", id)
	}
	stored, err := os.ReadFile(filepath.Join(node.DataDir, "attachments", uploaded.SHA256[:2], uploaded.SHA256))
	require.NoError(t, err)
	require.NotContains(t, string(stored), "ZT-CO-55821")
	require.NotContains(t, string(stored), "%PDF")

	var out bytes.Buffer
	require.NoError(t, rotateKeys(ctx, node, &out))
	require.Contains(t, out.String(), "under KEK version 2")
	require.NoError(t, p.Close())
	retireFirstKEK(t, platform.KeyFile(node.DataDir))

	p = start()
	defer p.Close()
	require.Equal(t, before, read(p, uploaded.SHA256), "after rotation and retirement everything reads the same")
	require.NoError(t, verify(ctx, log, node, &out), "verify passes with sealing on")
}

// retireFirstKEK removes version 1 from a key ring file, as an operator
// does once rotate-keys re-wrapped every data key.
func retireFirstKEK(t *testing.T, path string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var ring map[string]map[string]string
	require.NoError(t, json.Unmarshal(raw, &ring))
	require.Contains(t, ring["versions"], "1")
	delete(ring["versions"], "1")
	raw, err = json.Marshal(ring)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, raw, 0o600))
}
