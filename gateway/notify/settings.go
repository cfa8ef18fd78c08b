package notify

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"zonetrace/gateway/validation"
)

// DefaultEnabled says whether a user of role receives kind on channel
// until the user says otherwise: customs see every risk alert in the app
// and by e-mail, everyone else in the app only; webhooks, SMS and IM are
// opt-in.
func DefaultEnabled(role, kind, channel string) bool {
	switch channel {
	case ChannelInApp:
		return slices.Contains(Kinds, kind)
	case ChannelEmail:
		return role == "customs_officer" || role == "customs_admin"
	}
	return false
}

// Subscription is whether a user receives a kind on a channel.
type Subscription struct {
	Kind    string `json:"kind"`
	Channel string `json:"channel"`
	Enabled bool   `json:"enabled"`
}

// Contact is where a user is reached outside the web app.
type Contact struct {
	Email         string
	WebhookURL    string
	WebhookSecret []byte
}

// Settings are a user's subscriptions (every kind × channel, defaults
// filled in) and contact addresses, never the webhook secret.
type Settings struct {
	Email            string         `json:"email"`
	WebhookURL       string         `json:"webhookUrl"`
	WebhookSecretSet bool           `json:"webhookSecretSet"`
	Subscriptions    []Subscription `json:"subscriptions"`
	// Configured says which channels this node can send on.
	Configured map[string]bool `json:"configured"`
}

// SettingsInput replaces a user's settings; an empty WebhookSecret keeps
// the current one. Subscriptions not listed keep their current value.
type SettingsInput struct {
	Email         string         `json:"email"`
	WebhookURL    string         `json:"webhookUrl"`
	WebhookSecret string         `json:"webhookSecret"`
	Subscriptions []Subscription `json:"subscriptions"`
}

// URLChecker refuses webhook addresses the node may not reach (the same
// policy as receipt webhooks, receipts.AddressPolicy).
type URLChecker interface {
	CheckURL(ctx context.Context, raw string) error
}

// Sealer seals the webhook secrets at rest (internal/sealing.Sealer).
type Sealer interface {
	Seal(place, row string, plaintext []byte) string
	Open(place, sealed string) ([]byte, error)
}

const secretPlace = "notification_contacts.webhook_secret"

// subscriptionSet holds the explicit choices of some users.
type subscriptionSet map[[3]string]bool

func (s subscriptionSet) enabled(r recipient, kind, channel string) bool {
	if v, ok := s[[3]string{r.Username, kind, channel}]; ok {
		return v
	}
	return DefaultEnabled(r.Role, kind, channel)
}

func subscriptionsOf(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, rs []recipient) (subscriptionSet, error) {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = r.Username
	}
	rows, err := q.Query(ctx, `SELECT username, kind, channel, enabled FROM notification_subscriptions WHERE username = ANY($1)`, names)
	if err != nil {
		return nil, fmt.Errorf("read subscriptions: %w", err)
	}
	set := subscriptionSet{}
	var u, k, c string
	var on bool
	_, err = pgx.ForEachRow(rows, []any{&u, &k, &c, &on}, func() error {
		set[[3]string{u, k, c}] = on
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read subscriptions: %w", err)
	}
	return set, nil
}

// Settings returns username's settings.
func (s *Service) Settings(ctx context.Context, username, role string) (Settings, error) {
	set, err := subscriptionsOf(ctx, s.pool, []recipient{{Username: username}})
	if err != nil {
		return Settings{}, err
	}
	out := Settings{Subscriptions: []Subscription{}, Configured: map[string]bool{}}
	var sealed string
	err = s.pool.QueryRow(ctx, `SELECT email, webhook_url, webhook_secret_sealed FROM notification_contacts WHERE username = $1`,
		username).Scan(&out.Email, &out.WebhookURL, &sealed)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return Settings{}, fmt.Errorf("read contact of %s: %w", username, err)
	}
	out.WebhookSecretSet = sealed != ""
	r := recipient{Username: username, Role: role}
	for _, k := range Kinds {
		for _, c := range Channels {
			out.Subscriptions = append(out.Subscriptions, Subscription{Kind: k, Channel: c, Enabled: set.enabled(r, k, c)})
		}
	}
	for _, c := range Channels {
		ch, ok := s.channels[c]
		_, unconfigured := ch.(Unconfigured)
		out.Configured[c] = ok && !unconfigured
	}
	return out, nil
}

// SaveSettings validates and stores in as username's settings; bad input
// is refused with validation.Problems and changes nothing.
func (s *Service) SaveSettings(ctx context.Context, username, role string, in SettingsInput) (Settings, error) {
	var p validation.Problems
	if a, err := mail.ParseAddress(in.Email); in.Email != "" && (err != nil || a.Address != in.Email || len(in.Email) > 254) {
		p.Add("email", "must be an e-mail address", "请填写有效的电子邮箱地址")
	}
	if in.WebhookURL != "" {
		u, err := url.Parse(in.WebhookURL)
		switch {
		case len(in.WebhookURL) > 2048:
			p.Add("webhookUrl", "must be at most 2048 characters", "不得超过2048个字符")
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil:
			p.Add("webhookUrl", "must be an absolute http or https URL without credentials", "须为http或https绝对地址，且不含用户名密码")
		case s.urls != nil && s.urls.CheckURL(ctx, in.WebhookURL) != nil:
			p.Add("webhookUrl", "must reach a public address (not loopback, private, link-local, multicast or this node)",
				"回调地址须为公网地址（不得为本机、内网、链路本地、组播地址或本节点）")
		}
	}
	if n := utf8.RuneCountInString(in.WebhookSecret); in.WebhookSecret != "" && (n < 16 || n > 256) {
		p.Add("webhookSecret", "must be 16-256 characters", "密钥须为16-256个字符")
	}
	var byEmail, byWebhook bool
	for i, sub := range in.Subscriptions {
		if !slices.Contains(Kinds, sub.Kind) || !slices.Contains(Channels, sub.Channel) {
			p.Add(fmt.Sprintf("subscriptions[%d]", i), "unknown kind or channel", "未知的通知类型或渠道")
		}
		byEmail = byEmail || sub.Enabled && sub.Channel == ChannelEmail
		byWebhook = byWebhook || sub.Enabled && sub.Channel == ChannelWebhook
	}
	if byEmail && in.Email == "" {
		p.Add("email", "is required to subscribe by e-mail", "订阅邮件通知须填写电子邮箱")
	}
	if byWebhook && in.WebhookURL == "" {
		p.Add("webhookUrl", "is required to subscribe by webhook", "订阅回调通知须填写回调地址")
	}
	if err := p.Err(); err != nil {
		return Settings{}, err
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var sealed string
		err := tx.QueryRow(ctx, `SELECT webhook_secret_sealed FROM notification_contacts WHERE username = $1 FOR UPDATE`,
			username).Scan(&sealed)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("read contact of %s: %w", username, err)
		}
		switch {
		case in.WebhookSecret != "":
			if s.sealer == nil {
				return errors.New("notify: no sealer for webhook secrets")
			}
			sealed = s.sealer.Seal(secretPlace, username, []byte(in.WebhookSecret))
		case in.WebhookURL != "" && sealed == "":
			var p validation.Problems
			p.Add("webhookSecret", "is required to configure a webhook", "首次配置回调须设置密钥")
			return p
		}
		if _, err := tx.Exec(ctx, `INSERT INTO notification_contacts (username, email, webhook_url, webhook_secret_sealed, updated_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO UPDATE SET email = EXCLUDED.email,
			webhook_url = EXCLUDED.webhook_url, webhook_secret_sealed = EXCLUDED.webhook_secret_sealed, updated_at = EXCLUDED.updated_at`,
			username, in.Email, in.WebhookURL, sealed, s.now().UTC()); err != nil {
			return fmt.Errorf("store contact of %s: %w", username, err)
		}
		for _, sub := range in.Subscriptions {
			if _, err := tx.Exec(ctx, `INSERT INTO notification_subscriptions (username, kind, channel, enabled) VALUES ($1, $2, $3, $4)
				ON CONFLICT (username, kind, channel) DO UPDATE SET enabled = EXCLUDED.enabled`,
				username, sub.Kind, sub.Channel, sub.Enabled); err != nil {
				return fmt.Errorf("store subscription: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return Settings{}, err
	}
	return s.Settings(ctx, username, role)
}

// contactOf reads username's contact for a delivery.
func (s *Service) contactOf(ctx context.Context, tx pgx.Tx, username string) (Contact, error) {
	var c Contact
	var sealed string
	err := tx.QueryRow(ctx, `SELECT email, webhook_url, webhook_secret_sealed FROM notification_contacts WHERE username = $1`,
		username).Scan(&c.Email, &c.WebhookURL, &sealed)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("read contact of %s: %w", username, err)
	}
	if sealed != "" && s.sealer != nil {
		if c.WebhookSecret, err = s.sealer.Open(secretPlace, sealed); err != nil {
			return c, fmt.Errorf("open webhook secret of %s: %w", username, err)
		}
	}
	return c, nil
}
