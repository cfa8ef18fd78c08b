package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"zonetrace/gateway/notify"
)

// smtpFlags are the mail server of e-mail notifications (docs/operations.md).
type smtpFlags struct {
	host, port, tls, from, username, passwordFile string
	getenv                                        func(string) string
}

func newSMTPFlags(flags *flag.FlagSet, getenv func(string) string) *smtpFlags {
	s := &smtpFlags{getenv: getenv}
	flags.StringVar(&s.host, "smtp-host", getenv("ZT_SMTP_HOST"), "mail server of e-mail notifications; empty sends none (env ZT_SMTP_HOST)")
	flags.StringVar(&s.port, "smtp-port", getenv("ZT_SMTP_PORT"), "its port (default 587, or 465 with --smtp-tls=tls; env ZT_SMTP_PORT)")
	flags.StringVar(&s.tls, "smtp-tls", getenv("ZT_SMTP_TLS"), "starttls (default), tls, or none for a relay on this host (env ZT_SMTP_TLS)")
	flags.StringVar(&s.from, "smtp-from", getenv("ZT_SMTP_FROM"), `sender, e.g. "ZoneTrace <noreply@zone.example>" (env ZT_SMTP_FROM)`)
	flags.StringVar(&s.username, "smtp-username", getenv("ZT_SMTP_USERNAME"), "user to authenticate as (PLAIN); empty sends unauthenticated (env ZT_SMTP_USERNAME)")
	flags.StringVar(&s.passwordFile, "smtp-password-file", getenv("ZT_SMTP_PASSWORD_FILE"),
		"file holding the password (env ZT_SMTP_PASSWORD_FILE; or the password itself in env ZT_SMTP_PASSWORD)")
	return s
}

// config is the SMTP configuration, nil when no host is set.
func (s *smtpFlags) config() (*notify.SMTPConfig, error) {
	if s.host == "" {
		return nil, nil
	}
	c := &notify.SMTPConfig{Host: s.host, TLS: s.tls, From: s.from, Username: s.username, Password: s.getenv("ZT_SMTP_PASSWORD")}
	if c.TLS == "" {
		c.TLS = notify.SMTPStartTLS
	}
	switch {
	case s.port != "":
		p, err := strconv.Atoi(s.port)
		if err != nil {
			return nil, fmt.Errorf("--smtp-port: %w", err)
		}
		c.Port = p
	case c.TLS == notify.SMTPTLS:
		c.Port = 465
	default:
		c.Port = 587
	}
	if s.passwordFile != "" {
		b, err := os.ReadFile(s.passwordFile)
		if err != nil {
			return nil, fmt.Errorf("--smtp-password-file: %w", err)
		}
		c.Password = strings.TrimSpace(string(b))
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}
