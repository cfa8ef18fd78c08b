package main

import (
	"flag"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"zonetrace/gateway/basicdata/connector"
)

func basicDataConfig(t *testing.T, env map[string]string, args ...string) (connector.Connector, time.Duration, error) {
	t.Helper()
	flags := flag.NewFlagSet("run", flag.ContinueOnError)
	b := newBasicDataFlags(flags, func(k string) string { return env[k] })
	require.NoError(t, flags.Parse(args))
	return b.config()
}

func TestBasicDataFlags(t *testing.T) {
	t.Parallel()
	conn, every, err := basicDataConfig(t, nil)
	require.NoError(t, err)
	require.Nil(t, conn, "off by default")
	require.Zero(t, every)

	conn, every, err = basicDataConfig(t, map[string]string{"ZT_BASIC_DATA_DIR": "/srv/drop"}, "--basic-data-every", "15m")
	require.NoError(t, err)
	require.Equal(t, connector.Directory{Dir: "/srv/drop"}, conn)
	require.Equal(t, 15*time.Minute, every)

	conn, _, err = basicDataConfig(t, map[string]string{"ZT_BASIC_DATA_TOKEN": "s3cret"}, "--basic-data-url", "https://platform.example/api")
	require.NoError(t, err)
	h, ok := conn.(connector.HTTP)
	require.True(t, ok)
	require.Equal(t, "s3cret", h.Token)
	require.Equal(t, "https://platform.example/api", h.BaseURL)

	for _, args := range [][]string{
		{"--basic-data-dir", "/a", "--basic-data-url", "https://b"},
		{"--basic-data-every", "10s"},
		{"--basic-data-url", "https://b", "--basic-data-cert", "c.pem"},
		{"--basic-data-url", "https://b", "--basic-data-ca", "/nonexistent.pem"},
	} {
		_, _, err := basicDataConfig(t, nil, args...)
		require.Error(t, err, args)
	}
}
