package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"time"
	"zonetrace/chaincode/model"
)

// SMTP TLS modes.
const (
	// SMTPStartTLS upgrades a plain connection with STARTTLS and refuses a
	// server that does not offer it (the default, port 587).
	SMTPStartTLS = "starttls"
	// SMTPTLS speaks TLS from the first byte (port 465).
	SMTPTLS = "tls"
	// SMTPPlain sends in the clear: a relay on the node's own host or a
	// test server only.
	SMTPPlain = "none"
)

// SMTPConfig is the mail server the e-mail channel sends through.
type SMTPConfig struct {
	Host string
	Port int
	// TLS is SMTPStartTLS (default), SMTPTLS or SMTPPlain.
	TLS string
	// From is the sender address, e.g. "ZoneTrace <noreply@zone.example>".
	From string
	// Username and Password authenticate with PLAIN when Username is set
	// (over TLS only: net/smtp refuses PLAIN in the clear except to
	// localhost).
	Username, Password string
	// PublicURL is the web app's base URL, for the link in the mail.
	PublicURL string
	// Timeout bounds one SMTP conversation (default 30 s).
	Timeout time.Duration
}

// Validate reports a configuration the channel cannot use.
func (c SMTPConfig) Validate() error {
	switch {
	case c.Host == "":
		return errors.New("smtp: host is required")
	case c.Port <= 0 || c.Port > 65535:
		return fmt.Errorf("smtp: bad port %d", c.Port)
	case c.TLS != "" && c.TLS != SMTPStartTLS && c.TLS != SMTPTLS && c.TLS != SMTPPlain:
		return fmt.Errorf("smtp: TLS mode %q is not starttls, tls or none", c.TLS)
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("smtp: from address: %w", err)
	}
	return nil
}

// Email sends deliveries as Chinese e-mails over SMTP.
type Email struct {
	cfg  SMTPConfig
	from *mail.Address
}

// NewEmail returns the e-mail channel of cfg.
func NewEmail(cfg SMTPConfig) (*Email, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.TLS == "" {
		cfg.TLS = SMTPStartTLS
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	from, _ := mail.ParseAddress(cfg.From)
	return &Email{cfg: cfg, from: from}, nil
}

// Name is ChannelEmail.
func (*Email) Name() string { return ChannelEmail }

// Send mails d to the user's address (ErrNoAddress when there is none).
func (e *Email) Send(ctx context.Context, d Delivery) error {
	if d.Contact.Email == "" {
		return ErrNoAddress
	}
	subject, body, err := Render(d.Message, e.cfg.PublicURL)
	if err != nil {
		return err
	}
	msg := e.compose(d, subject, body)
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	return e.send(ctx, d.Contact.Email, msg)
}

func (e *Email) compose(d Delivery, subject, body string) []byte {
	var b bytes.Buffer
	to := mail.Address{Address: d.Contact.Email}
	fmt.Fprintf(&b, "From: %s\r\n", e.from.String())
	fmt.Fprintf(&b, "To: %s\r\n", to.String())
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.BEncoding.Encode("UTF-8", subject))
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().UTC().Format(time.RFC1123Z))
	// One Message-ID per delivery: a receiver can drop the copy a crash
	// between sending and recording made.
	fmt.Fprintf(&b, "Message-ID: <zt-notify-%d@%s>\r\n", d.ID, e.host())
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}

func (e *Email) host() string {
	if _, h, ok := strings.Cut(e.from.Address, "@"); ok {
		return h
	}
	return "zonetrace"
}

func (e *Email) send(ctx context.Context, to string, msg []byte) error {
	addr := net.JoinHostPort(e.cfg.Host, strconv.Itoa(e.cfg.Port))
	tlsConfig := &tls.Config{ServerName: e.cfg.Host, MinVersion: tls.VersionTLS12}
	dialer := &net.Dialer{}
	var conn net.Conn
	var err error
	if e.cfg.TLS == SMTPTLS {
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: tlsConfig}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("smtp: connect: %w", err)
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	c, err := smtp.NewClient(conn, e.cfg.Host)
	if err != nil {
		_ = conn.Close()
		return fmt.Errorf("smtp: greeting: %w", err)
	}
	defer c.Close() //nolint:errcheck // after Quit it only closes the closed connection; on an error path the error above is the one to report
	if err := c.Hello(e.host()); err != nil {
		return fmt.Errorf("smtp: hello: %w", err)
	}
	if e.cfg.TLS == SMTPStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("smtp: server does not offer STARTTLS")
		}
		if err := c.StartTLS(tlsConfig); err != nil {
			return fmt.Errorf("smtp: starttls: %w", err)
		}
	}
	if e.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", e.cfg.Username, e.cfg.Password, e.cfg.Host)); err != nil {
			return fmt.Errorf("smtp: auth: %w", err)
		}
	}
	if err := c.Mail(e.from.Address); err != nil {
		return fmt.Errorf("smtp: mail from: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("smtp: rcpt to: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp: data: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("smtp: write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp: end of data: %w", err)
	}
	return c.Quit()
}

// kindLabel is the Chinese name of a kind (the web app has the same
// table in web/src/api/notifications.js).
func kindLabel(kind string) string {
	if zh, ok := model.AlertKindZh[model.AlertKind(kind)]; ok {
		return zh
	}
	if kind == KindExporterExpiring {
		return "出口商备案即将到期"
	}
	return kind
}

var severityLabels = map[string]string{SeverityInfo: "提示", SeverityWarning: "警告", SeverityCritical: "严重"}

// paramLabels name the facts alert producers put in Params; a fact with
// no label is shown under its key.
var paramLabels = map[string]string{
	"days": "已存储天数", "maxDays": "最长存储天数", "category": "货物类别", "origin": "原产地", "hsCode": "商品编码",
	"productName": "品名", "priceFen": "申报单价（分）", "referencePriceFen": "参考单价（分）", "percent": "偏离比例（%）",
	"thresholdPercent": "阈值（%）", "documentId": "单证编号", "enterpriseId": "企业编号", "traceCode": "追溯码",
	"certificate": "检疫证书", "reason": "原因", "regNo": "备案号", "exporterName": "出口商", "expiresOn": "有效期至",
}

type fact struct{ Label, Value string }

var (
	subjectTemplate = template.Must(template.New("subject").Parse(`【ZoneTrace风险预警】{{.Kind}}：{{.Subject}}`))
	bodyTemplate    = template.Must(template.New("body").Parse(`您好，

ZoneTrace 发出一条{{.Kind}}预警（级别：{{.Severity}}）。

预警对象：{{.Subject}}
{{range .Facts}}{{.Label}}：{{.Value}}
{{end}}{{if .Link}}
查看详情：{{.Link}}
{{end}}
此邮件由系统自动发送，请勿回复。如需调整通知方式，请登录系统在“通知设置”中修改。
`))
)

// Render words m as a Chinese e-mail subject and body.
func Render(m Message, publicURL string) (subject, body string, err error) {
	keys := make([]string, 0, len(m.Params))
	for k := range m.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	facts := make([]fact, 0, len(keys))
	for _, k := range keys {
		label := paramLabels[k]
		if label == "" {
			label = k
		}
		facts = append(facts, fact{Label: label, Value: fmt.Sprint(m.Params[k])})
	}
	link := ""
	if m.Link != "" {
		link = strings.TrimRight(publicURL, "/") + m.Link
	}
	data := struct {
		Kind, Severity, Subject, Link string
		Facts                         []fact
	}{kindLabel(m.Kind), severityLabels[m.Severity], m.Subject, link, facts}
	var s, b strings.Builder
	if err := subjectTemplate.Execute(&s, data); err != nil {
		return "", "", fmt.Errorf("render subject: %w", err)
	}
	if err := bodyTemplate.Execute(&b, data); err != nil {
		return "", "", fmt.Errorf("render body: %w", err)
	}
	return s.String(), b.String(), nil
}
