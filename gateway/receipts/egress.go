package receipts

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// ErrAddressForbidden reports a webhook address the node may not reach:
// loopback, private (RFC 1918, IPv6 ULA), carrier-grade NAT, link-local,
// multicast, unspecified or broadcast addresses, and the node's own
// addresses. Webhook receivers are enterprises' public services; letting
// an enterprise point the node at its own network would turn the delivery
// log into a scanner of it.
var ErrAddressForbidden = errors.New("webhook address not allowed")

// cgnat is the shared address space of RFC 6598 (not covered by
// netip.Addr.IsPrivate).
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// AddressPolicy decides which addresses webhooks may reach.
type AddressPolicy struct {
	// AllowLoopback lets deliveries reach loopback addresses: for tests
	// with a receiver on 127.0.0.1, never in production.
	AllowLoopback bool
	// ownAddresses lists the node's interface addresses; nil means read
	// them from the system at each check.
	ownAddresses func() []netip.Addr
}

// CheckAddr returns ErrAddressForbidden (wrapped) for an address webhooks
// may not reach.
func (p AddressPolicy) CheckAddr(ip netip.Addr) error {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid():
		return fmt.Errorf("%w: invalid address", ErrAddressForbidden)
	case ip.IsLoopback():
		if p.AllowLoopback {
			return nil
		}
		return fmt.Errorf("%w: %s is a loopback address", ErrAddressForbidden, ip)
	case ip.IsUnspecified(), ip.IsMulticast(), ip.IsInterfaceLocalMulticast(), ip.IsLinkLocalMulticast(),
		ip.IsLinkLocalUnicast(), ip.IsPrivate(), cgnat.Contains(ip),
		ip.Is4() && (ip.As4()[0] == 0 || ip == netip.AddrFrom4([4]byte{255, 255, 255, 255})):
		return fmt.Errorf("%w: %s is not a public address", ErrAddressForbidden, ip)
	}
	own := p.ownAddresses
	if own == nil {
		own = interfaceAddresses
	}
	for _, a := range own() {
		if a.Unmap() == ip {
			return fmt.Errorf("%w: %s is an address of this node", ErrAddressForbidden, ip)
		}
	}
	return nil
}

// CheckURL checks a webhook URL at registration: an address literal must
// be allowed, and so must every address a host name resolves to now.
// A name that does not resolve is accepted (the receiver may not be up
// yet); every delivery checks the address it actually dials, so a name
// later pointed elsewhere (DNS rebinding) is caught then.
func (p AddressPolicy) CheckURL(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if ip, err := netip.ParseAddr(host); err == nil {
		return p.CheckAddr(ip)
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		if p.AllowLoopback {
			return nil
		}
		return fmt.Errorf("%w: %s is a loopback name", ErrAddressForbidden, host)
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		if err := p.CheckAddr(a); err != nil {
			return err
		}
	}
	return nil
}

// control refuses, at connect time, an address the policy forbids: the
// dialer calls it with the resolved IP, so no name can slip past.
func (p AddressPolicy) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrAddressForbidden, address)
	}
	return p.CheckAddr(ap.Addr())
}

// transport is an HTTP transport that dials only addresses the policy
// allows and ignores proxy settings (a proxy would dial on our behalf,
// unchecked).
func (p AddressPolicy) transport() *http.Transport {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: p.control}
	return &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

func interfaceAddresses() []netip.Addr {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	out := make([]netip.Addr, 0, len(addrs))
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok {
			if ip, ok := netip.AddrFromSlice(n.IP); ok && !(ip.Unmap().IsLoopback()) {
				out = append(out, ip.Unmap())
			}
		}
	}
	return out
}

// Delivery failure classes, shown in the delivery log instead of raw error
// text (which would tell an enterprise how the node's network answers).
const (
	FailAddressForbidden = "address_forbidden"
	FailDNS              = "dns_error"
	FailConnRefused      = "connection_refused"
	FailTimeout          = "timeout"
	FailTLS              = "tls_error"
	FailConnection       = "connection_error"
	FailHTTP3xx          = "http_3xx"
	FailHTTP4xx          = "http_4xx"
	FailHTTP5xx          = "http_5xx"
	FailOther            = "error"
)

var failureClasses = map[string]bool{
	FailAddressForbidden: true, FailDNS: true, FailConnRefused: true, FailTimeout: true, FailTLS: true,
	FailConnection: true, FailHTTP3xx: true, FailHTTP4xx: true, FailHTTP5xx: true, FailOther: true,
}

// shownFailure is what the delivery log shows of a recorded failure: its
// class, or FailOther for raw error text recorded before classes were.
func shownFailure(recorded string) string {
	if recorded == "" || failureClasses[recorded] {
		return recorded
	}
	return FailOther
}

// failureClass maps an attempt's outcome (HTTP status, 0 for none, and its
// error) to one of the Fail… classes.
func failureClass(status int, err error) string {
	var (
		dnsErr  *net.DNSError
		netErr  net.Error
		certErr *tls.CertificateVerificationError
		recErr  tls.RecordHeaderError
		unkAuth x509.UnknownAuthorityError
		hostErr x509.HostnameError
		invErr  x509.CertificateInvalidError
		opErr   *net.OpError
	)
	switch {
	case status >= 500:
		return FailHTTP5xx
	case status >= 400:
		return FailHTTP4xx
	case status >= 300:
		return FailHTTP3xx
	case errors.Is(err, ErrAddressForbidden):
		return FailAddressForbidden
	case errors.As(err, &dnsErr):
		return FailDNS
	case errors.Is(err, syscall.ECONNREFUSED):
		return FailConnRefused
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return FailTimeout
	case errors.As(err, &certErr), errors.As(err, &recErr), errors.As(err, &unkAuth), errors.As(err, &hostErr),
		errors.As(err, &invErr), err != nil && strings.Contains(err.Error(), "tls: "):
		return FailTLS
	case errors.As(err, &opErr), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH):
		return FailConnection
	}
	return FailOther
}

// Client is an HTTP client that dials only addresses the policy allows,
// follows no redirects (a redirect could lead anywhere) and gives up after
// timeout; other webhooks of the node (gateway/notify) send with it.
func (p AddressPolicy) Client(timeout time.Duration) *http.Client {
	return &http.Client{Transport: p.transport(), Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
