package gateway

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/notify"
	"zonetrace/gateway/openapi"
)

// streamPing is how often an idle notification stream sends a comment, so
// proxies do not close it as idle and a dead client is noticed.
const streamPing = 25 * time.Second

// newNotifications builds the notification service: in-app always, the
// webhook channel under the receipt webhooks' address policy, e-mail when
// the node has an SMTP server.
func (g *Gateway) newNotifications() (*notify.Service, error) {
	policy := g.webhookAddresses()
	opts := []notify.Option{notify.WithSealer(g.cfg.Sealer), notify.WithURLChecker(policy),
		notify.WithChannel(notify.NewWebhook(policy.Client(10 * time.Second))),
		notify.WithLogger(g.log.With("component", "notify"))}
	if g.cfg.SMTP != nil {
		cfg := *g.cfg.SMTP
		if cfg.PublicURL == "" {
			cfg.PublicURL = g.cfg.PublicURL
		}
		email, err := notify.NewEmail(cfg)
		if err != nil {
			return nil, err
		}
		opts = append(opts, notify.WithChannel(email))
	}
	return notify.New(g.cfg.Pool, opts...)
}

// Notifications is the notification service: producers (the risk alert
// engine) publish through it, and the job queue works its deliveries
// (AddWorkers).
func (g *Gateway) Notifications() *notify.Service { return g.notify }

// CloseStreams ends the open notification streams, so a shutdown does not
// wait for them (http.Server.RegisterOnShutdown).
func (g *Gateway) CloseStreams() { g.notify.Hub().Close() }

func (g *Gateway) routeNotifications(api *gin.RouterGroup) {
	api.GET("/notifications/stream", g.streamNotifications)
	api.GET("/notification-subscriptions", g.notificationSettings)
	// The body may hold a webhook secret: kept out of the submissions outbox.
	api.PUT("/notification-subscriptions", g.idempotent(false), g.saveNotificationSettings)
}

func (g *Gateway) notificationSettings(c *gin.Context) {
	u := mustUser(c)
	s, err := g.notify.Settings(c.Request.Context(), u.Username, string(u.Role))
	if err != nil {
		g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s)
}

func (g *Gateway) saveNotificationSettings(c *gin.Context) {
	var in notify.SettingsInput
	if err := decodeJSON(c, &in); err != nil {
		g.fail(c, err)
		return
	}
	u := mustUser(c)
	s, err := g.notify.SaveSettings(c.Request.Context(), u.Username, string(u.Role), in)
	if err != nil {
		g.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s)
}

// streamNotifications is a Server-Sent Events stream of the user's new
// notifications: an event "notification" with {"id": …} for a new inbox
// row, {"alertId": …} for an operation-log alert to the user's role; the
// client reloads its inbox then. It ends when the client leaves or the server
// shuts down; the client reconnects (and polls meanwhile).
func (g *Gateway) streamNotifications(c *gin.Context) {
	ctx := c.Request.Context()
	u := mustUser(c)
	events, closeStream := g.notify.Hub().Subscribe(ctx, u.Username, string(u.Role))
	defer closeStream()
	h := c.Writer.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	c.Status(http.StatusOK)
	if _, err := fmt.Fprint(c.Writer, "retry: 5000\n: connected\n\n"); err != nil {
		return
	}
	c.Writer.Flush()
	ping := time.NewTicker(streamPing)
	defer ping.Stop()
	for {
		var err error
		select {
		case <-ctx.Done():
			return
		case e, open := <-events:
			if !open {
				return
			}
			var data []byte
			if data, err = json.Marshal(e); err == nil {
				_, err = fmt.Fprintf(c.Writer, "event: notification\ndata: %s\n\n", data)
			}
		case <-ping.C:
			_, err = fmt.Fprint(c.Writer, ": ping\n\n")
		}
		if err != nil {
			return
		}
		c.Writer.Flush()
	}
}

func notificationOperations() []openapi.Operation {
	const v1 = APIPrefix
	return []openapi.Operation{
		{Method: "GET", Path: v1 + "/notifications/stream", Tag: "notifications",
			Summary: "Server-Sent Events: an event \"notification\" with {\"id\"} for each new own inbox row or {\"alertId\"} for each operation-log alert to the own role; comments every 25 s",
			Status:  200, Content: "text/event-stream"},
		{Method: "GET", Path: v1 + "/notification-subscriptions", Tag: "notifications",
			Summary: "The own notification settings: e-mail, webhook URL, every kind × channel (role defaults filled in), which channels this node can send on",
			Status:  200, Response: notify.Settings{}},
		{Method: "PUT", Path: v1 + "/notification-subscriptions", Tag: "notifications",
			Summary:    "Save the own notification settings; an empty webhookSecret keeps the current one; subscriptions not listed keep their value",
			Idempotent: true, Request: notify.SettingsInput{}, Status: 200, Response: notify.Settings{}},
	}
}
