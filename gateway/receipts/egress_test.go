package receipts

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestWebhookAddressPolicy(t *testing.T) {
	t.Parallel()
	own := netip.MustParseAddr("203.0.113.7")
	p := AddressPolicy{ownAddresses: func() []netip.Addr { return []netip.Addr{own} }}
	forbidden := []string{
		"127.0.0.1", "127.1.2.3", "::1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "fd00::1", "fc00::2",
		"169.254.169.254", "fe80::1", "224.0.0.1", "ff02::1", "0.0.0.0", "::", "0.1.2.3", "100.64.0.1",
		"100.127.255.254", "255.255.255.255", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "203.0.113.7",
	}
	for _, a := range forbidden {
		require.ErrorIs(t, p.CheckAddr(netip.MustParseAddr(a)), ErrAddressForbidden, a)
	}
	for _, a := range []string{"8.8.8.8", "100.128.0.1", "198.51.100.20", "2001:4860:4860::8888"} {
		require.NoError(t, p.CheckAddr(netip.MustParseAddr(a)), a)
	}
	t.Run("URLs at registration", func(t *testing.T) {
		for _, u := range []string{"http://127.0.0.1:8080/x", "https://[::1]/x", "http://localhost/x", "http://a.localhost/x",
			"http://169.254.169.254/latest/meta-data", "http://10.0.0.1/", "http://[fd12::1]:443/"} {
			require.ErrorIs(t, p.CheckURL(t.Context(), u), ErrAddressForbidden, u)
		}
		require.NoError(t, p.CheckURL(t.Context(), "https://receiver.invalid/hook"), "an unresolvable name is left to the dial-time check")
		loop := AddressPolicy{AllowLoopback: true}
		require.NoError(t, loop.CheckURL(t.Context(), "http://127.0.0.1:9/x"))
		require.ErrorIs(t, loop.CheckURL(t.Context(), "http://10.0.0.1/x"), ErrAddressForbidden, "only loopback is opened")
	})
}

// TestWebhooksCannotReachLoopbackOrPrivateAddresses: a webhook pointed at
// the node's own network (by address or by a name resolving there, as in
// DNS rebinding) is never dialed, and the delivery log shows the class
// address_forbidden, not the network's answer.
func TestWebhooksCannotReachLoopbackOrPrivateAddresses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	require.NoError(t, err)

	for _, target := range []string{srv.URL, "http://localhost:" + port} {
		t.Run(target, func(t *testing.T) {
			s, pool := newStore(t)
			// The store takes any URL: this stands for a name that resolved
			// to a public address at registration and to loopback later.
			_, err := s.SetWebhook(ctx, entA, target+"/hook", "a-long-webhook-secret", "ent-a")
			require.NoError(t, err)
			src := &fakeSource{}
			rc := src.add(entA)
			d := NewDeliverer(s, src)
			_, err = d.Follow(ctx)
			require.NoError(t, err)
			n, err := d.SendDue(ctx)
			require.NoError(t, err)
			require.Equal(t, 1, n)
			require.Zero(t, hits.Load(), "the receiver on loopback was never reached")
			var lastErr string
			require.NoError(t, pool.QueryRow(ctx, `SELECT last_error FROM webhook_deliveries WHERE receipt_id = $1`, rc.ID).Scan(&lastErr))
			require.Equal(t, FailAddressForbidden, lastErr)

			// Raw error text recorded by an older version is not shown.
			_, err = pool.Exec(ctx, `UPDATE webhook_deliveries SET last_error = 'post: dial tcp 10.0.0.7:22: connect: connection refused'`)
			require.NoError(t, err)
			items, _, err := s.Deliveries(ctx, entA, 1, 10)
			require.NoError(t, err)
			require.Equal(t, FailOther, items[0].LastError)
		})
	}
	t.Run("allowed for tests, the same receiver is reached", func(t *testing.T) {
		s, _ := newStore(t)
		_, err := s.SetWebhook(ctx, entA, srv.URL+"/hook", "a-long-webhook-secret", "ent-a")
		require.NoError(t, err)
		src := &fakeSource{}
		src.add(entA)
		d := NewDeliverer(s, src, WithAddressPolicy(AddressPolicy{AllowLoopback: true}))
		_, err = d.Follow(ctx)
		require.NoError(t, err)
		_, err = d.SendDue(ctx)
		require.NoError(t, err)
		require.EqualValues(t, 1, hits.Load())
	})
}

func TestDeliveryFailureClasses(t *testing.T) {
	t.Parallel()
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: &net.AddrError{Err: "x"}}
	cases := []struct {
		status int
		err    error
		want   string
	}{
		{503, errors.New("answered 503"), FailHTTP5xx},
		{404, errors.New("answered 404"), FailHTTP4xx},
		{302, errors.New("answered 302"), FailHTTP3xx},
		{0, fmt.Errorf("post: %w", fmt.Errorf("%w: 10.0.0.1", ErrAddressForbidden)), FailAddressForbidden},
		{0, &url.Error{Op: "Post", URL: "http://x", Err: &net.DNSError{Err: "no such host", Name: "x"}}, FailDNS},
		{0, fmt.Errorf("post: %w", context.DeadlineExceeded), FailTimeout},
		{0, refused, FailConnection},
	}
	for _, c := range cases {
		require.Equal(t, c.want, failureClass(c.status, c.err), "%v", c.err)
	}
	t.Run("a closed port is connection_refused", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := l.Addr().String()
		require.NoError(t, l.Close())
		client := &http.Client{Timeout: 2 * time.Second, Transport: AddressPolicy{AllowLoopback: true}.transport()}
		resp, err := client.Get("http://" + addr + "/")
		if err == nil {
			_ = resp.Body.Close()
		}
		require.Equal(t, FailConnRefused, failureClass(0, err))
	})
}
