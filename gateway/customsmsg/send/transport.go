package send

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"zonetrace/gateway/customsmsg/outgoing"
)

// Transport hands a built message to customs' side. It returns a reference
// for the send log (the file written, the endpoint's answer).
type Transport interface {
	Name() string
	Send(ctx context.Context, m outgoing.Message) (string, error)
}

// ErrRefused marks a send the other side refused for good (an HTTP 4xx):
// sending the same bytes again cannot help, so it is not retried.
var ErrRefused = errors.New("refused by the receiving side")

// Directory drops messages into the Single Window client's import folder
// (its OutBox), as gx-customs-bridge and the Qingdao WMS do (§2.4). The file
// is written under a temporary name and renamed, so the client never picks
// up half a file.
type Directory struct {
	Dir string
}

// Name names the transport in the send log.
func (d Directory) Name() string { return "directory" }

// Send writes m as Dir/m.FileName.
func (d Directory) Send(_ context.Context, m outgoing.Message) (string, error) {
	if err := os.MkdirAll(d.Dir, 0o750); err != nil {
		return "", fmt.Errorf("import folder: %w", err)
	}
	final := filepath.Join(d.Dir, filepath.Base(m.FileName))
	tmp, err := os.CreateTemp(d.Dir, ".sending-*")
	if err != nil {
		return "", fmt.Errorf("import folder: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	if _, err := tmp.Write(m.XML); err != nil {
		_ = tmp.Close()
		return "", fmt.Errorf("write %s: %w", final, err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return "", fmt.Errorf("write %s: %w", final, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("write %s: %w", final, err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return "", fmt.Errorf("place %s: %w", final, err)
	}
	return final, nil
}

// HTTP posts messages to an endpoint (a customs bridge, the zone's
// 物贸通平台 adapter) as application/xml.
type HTTP struct {
	URL    string
	Client *http.Client
	// Header is added to every request (e.g. an API key).
	Header http.Header
}

// Name names the transport in the send log.
func (h HTTP) Name() string { return "http" }

// Send posts m; any 2xx is a delivery, a 4xx a refusal (ErrRefused), other
// answers and network errors are retried.
func (h HTTP) Send(ctx context.Context, m outgoing.Message) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(m.XML))
	if err != nil {
		return "", fmt.Errorf("customs endpoint: %w", err)
	}
	for k, vs := range h.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Content-Type", "application/xml; charset=utf-8")
	req.Header.Set("X-Message-Type", m.Type)
	req.Header.Set("X-File-Name", m.FileName)
	client := h.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("post to customs endpoint: %w", err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	ref := strings.TrimSpace(fmt.Sprintf("HTTP %d %s", resp.StatusCode, bytes.TrimSpace(answer)))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return ref, nil
	case resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusRequestTimeout:
		return ref, fmt.Errorf("%w: %s", ErrRefused, ref)
	default:
		return ref, fmt.Errorf("customs endpoint answered %s", ref)
	}
}
