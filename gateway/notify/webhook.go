package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Webhook headers: the signature covers "<timestamp>.<body>", so a
// receiver that refuses old timestamps also refuses replays.
const (
	TimestampHeader = "X-ZoneTrace-Timestamp"
	SignatureHeader = "X-ZoneTrace-Signature"
	DeliveryHeader  = "X-ZoneTrace-Delivery"
)

// Sign returns the SignatureHeader value of body sent at timestamp (Unix
// seconds): "sha256=" and the hex HMAC-SHA256 of "<timestamp>.<body>".
func Sign(secret []byte, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify reports, in constant time, whether header is the signature of
// body at timestamp; receivers (and tests) use it.
func Verify(secret []byte, timestamp string, body []byte, header string) bool {
	return hmac.Equal([]byte(header), []byte(Sign(secret, timestamp, body)))
}

// WebhookPayload is the JSON body of a webhook delivery.
type WebhookPayload struct {
	DeliveryID int64          `json:"deliveryId"`
	MessageID  int64          `json:"messageId"`
	Recipient  string         `json:"recipient"`
	Source     string         `json:"source"`
	Kind       string         `json:"kind"`
	Subject    string         `json:"subject"`
	Params     map[string]any `json:"params"`
	Severity   string         `json:"severity"`
	Link       string         `json:"link"`
	CreatedAt  time.Time      `json:"createdAt"`
}

// Webhook POSTs deliveries, signed, to the user's webhook URL. Its client
// must dial only addresses the receipt webhooks' policy allows
// (receipts.AddressPolicy.Client).
type Webhook struct {
	client *http.Client
	now    func() time.Time
}

// NewWebhook returns the webhook channel sending with client.
func NewWebhook(client *http.Client) *Webhook { return &Webhook{client: client, now: time.Now} }

// Name is ChannelWebhook.
func (*Webhook) Name() string { return ChannelWebhook }

// Send posts d; any answer but 2xx is a failure to retry.
func (w *Webhook) Send(ctx context.Context, d Delivery) error {
	if d.Contact.WebhookURL == "" || len(d.Contact.WebhookSecret) == 0 {
		return ErrNoAddress
	}
	body, err := json.Marshal(WebhookPayload{DeliveryID: d.ID, MessageID: d.MessageID, Recipient: d.Username,
		Source: d.Message.Source, Kind: d.Message.Kind, Subject: d.Message.Subject, Params: d.Message.Params,
		Severity: d.Message.Severity, Link: d.Message.Link, CreatedAt: d.CreatedAt})
	if err != nil {
		return fmt.Errorf("webhook body: %w", err)
	}
	ts := strconv.FormatInt(w.now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.Contact.WebhookURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "ZoneTrace-Notify/1")
	req.Header.Set(DeliveryHeader, strconv.FormatInt(d.ID, 10))
	req.Header.Set(TimestampHeader, ts)
	req.Header.Set(SignatureHeader, Sign(d.Contact.WebhookSecret, ts, body))
	resp, err := w.client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook post: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook answered %s", strings.TrimSpace(resp.Status))
	}
	return nil
}
