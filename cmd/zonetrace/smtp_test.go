package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/notify"
)

func smtpConfigOf(t *testing.T, env map[string]string, args ...string) (*notify.SMTPConfig, error) {
	t.Helper()
	flags := flag.NewFlagSet("run", flag.ContinueOnError)
	s := newSMTPFlags(flags, func(k string) string { return env[k] })
	require.NoError(t, flags.Parse(args))
	return s.config()
}

func TestSMTPFlags(t *testing.T) {
	c, err := smtpConfigOf(t, nil)
	require.NoError(t, err)
	require.Nil(t, c, "no host, no e-mail")

	c, err = smtpConfigOf(t, map[string]string{"ZT_SMTP_HOST": "mail.example", "ZT_SMTP_FROM": "ZoneTrace <noreply@zone.example>",
		"ZT_SMTP_USERNAME": "zt", "ZT_SMTP_PASSWORD": "from-env"})
	require.NoError(t, err)
	require.Equal(t, notify.SMTPConfig{Host: "mail.example", Port: 587, TLS: notify.SMTPStartTLS, From: "ZoneTrace <noreply@zone.example>",
		Username: "zt", Password: "from-env"}, *c)

	file := filepath.Join(t.TempDir(), "pw")
	require.NoError(t, os.WriteFile(file, []byte("from-file\n"), 0o600))
	c, err = smtpConfigOf(t, map[string]string{"ZT_SMTP_PASSWORD": "from-env"}, "--smtp-host=mail.example", "--smtp-tls=tls",
		"--smtp-from=noreply@zone.example", "--smtp-password-file="+file)
	require.NoError(t, err)
	require.Equal(t, 465, c.Port)
	require.Equal(t, "from-file", c.Password, "the file wins over the environment")

	for _, args := range [][]string{
		{"--smtp-host=mail.example"}, // no sender
		{"--smtp-host=mail.example", "--smtp-from=a@b.example", "--smtp-tls=ssl"},
		{"--smtp-host=mail.example", "--smtp-from=a@b.example", "--smtp-port=x"},
		{"--smtp-host=mail.example", "--smtp-from=a@b.example", "--smtp-port=70000"},
	} {
		_, err := smtpConfigOf(t, nil, args...)
		require.Error(t, err, args)
	}
}
