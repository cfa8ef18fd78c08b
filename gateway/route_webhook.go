package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"zonetrace/gateway/receipts"
	"zonetrace/gateway/validation"
	"zonetrace/indexer/query"
)

// Webhook secret lengths.
const (
	minWebhookSecret = 16
	maxWebhookSecret = 256
	maxWebhookURL    = 2048
)

type webhookRequest struct {
	URL    string `json:"url"`
	Secret string `json:"secret,omitempty"`
}

func (r webhookRequest) check() error {
	var p validation.Problems
	u, err := url.Parse(r.URL)
	switch {
	case r.URL == "":
		p.Add("url", "is required", "请填写回调地址")
	case len(r.URL) > maxWebhookURL:
		p.Add("url", fmt.Sprintf("must be at most %d characters", maxWebhookURL), fmt.Sprintf("不得超过%d个字符", maxWebhookURL))
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil:
		p.Add("url", "must be an absolute http or https URL without credentials", "须为http或https绝对地址，且不含用户名密码")
	}
	if n := utf8.RuneCountInString(r.Secret); r.Secret != "" && (n < minWebhookSecret || n > maxWebhookSecret) {
		p.Add("secret", fmt.Sprintf("must be %d-%d characters", minWebhookSecret, maxWebhookSecret), fmt.Sprintf("密钥须为%d-%d个字符", minWebhookSecret, maxWebhookSecret))
	}
	return p.Err()
}

type deliveryPage struct {
	Items    []receipts.Delivery `json:"items"`
	Total    int                 `json:"total"`
	Page     int                 `json:"page"`
	PageSize int                 `json:"pageSize"`
}

func (g *Gateway) routeWebhook(api *gin.RouterGroup, store *receipts.Store) {
	w := api.Group("/webhook", allow(enterpriseOnly...))
	w.GET("", g.getWebhook(store))
	// The body holds the secret: kept out of the submissions outbox.
	w.PUT("", g.idempotent(false), g.putWebhook(store))
	w.GET("/deliveries", g.listDeliveries(store))
}

func (g *Gateway) getWebhook(store *receipts.Store) gin.HandlerFunc {
	return func(c *gin.Context) {
		w, err := store.Webhook(c.Request.Context(), mustUser(c).EnterpriseID)
		if err != nil && !errors.Is(err, receipts.ErrNoWebhook) {
			g.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, w)
	}
}

func (g *Gateway) putWebhook(store *receipts.Store) gin.HandlerFunc {
	return func(c *gin.Context) {
		var req webhookRequest
		if err := decodeJSON(c, &req); err != nil {
			g.fail(c, err)
			return
		}
		if err := req.check(); err != nil {
			g.fail(c, err)
			return
		}
		if err := g.webhookAddresses().CheckURL(c.Request.Context(), req.URL); err != nil {
			g.fail(c, validation.Problems{{Field: "url",
				Message:   "must reach a public address (not loopback, private, link-local, multicast or this node)",
				MessageZh: "回调地址须为公网地址（不得为本机、内网、链路本地、组播地址或本节点）"}})
			return
		}
		u := mustUser(c)
		w, err := store.SetWebhook(c.Request.Context(), u.EnterpriseID, req.URL, req.Secret, u.Username)
		if errors.Is(err, receipts.ErrSecretRequired) {
			var p validation.Problems
			p.Add("secret", "is required to configure a webhook", "首次配置回调须设置密钥")
			err = p
		}
		if err != nil {
			g.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, w)
	}
}

func (g *Gateway) listDeliveries(store *receipts.Store) gin.HandlerFunc {
	return func(c *gin.Context) {
		page, pageSize, err := pageParams(c)
		if err != nil {
			g.fail(c, err)
			return
		}
		items, total, err := store.Deliveries(c.Request.Context(), mustUser(c).EnterpriseID, page, pageSize)
		if err != nil {
			g.fail(c, err)
			return
		}
		if items == nil {
			items = []receipts.Delivery{}
		}
		c.JSON(http.StatusOK, deliveryPage{Items: items, Total: total, Page: page, PageSize: pageSize})
	}
}

// RunDeliverer delivers the ledger's receipts to the enterprises' webhooks
// until ctx ends (then it returns ctx's error). Run it once per process
// beside the HTTP server; several processes on one database share the work
// safely.
func (g *Gateway) RunDeliverer(ctx context.Context, opts ...receipts.Option) error {
	opts = append([]receipts.Option{receipts.WithLogger(g.log.With("component", "webhooks")),
		receipts.WithAddressPolicy(g.webhookAddresses())}, opts...)
	return receipts.NewDeliverer(g.receiptStores().receipts, receiptSource{g.cfg.Reads}, opts...).Run(ctx)
}

// webhookAddresses is the policy of which addresses webhooks may reach.
func (g *Gateway) webhookAddresses() receipts.AddressPolicy {
	return receipts.AddressPolicy{AllowLoopback: g.cfg.WebhookAllowLoopback}
}

// receiptSource adapts the read model to the deliverer.
type receiptSource struct{ reads ReadModel }

func (s receiptSource) ReceiptsAfter(ctx context.Context, after receipts.Position, limit int) ([]receipts.Positioned, error) {
	list, err := s.reads.ReceiptsAfter(ctx, query.ReceiptPosition{Block: after.Block, Index: after.Index}, limit)
	if err != nil {
		return nil, err
	}
	out := make([]receipts.Positioned, len(list))
	for i, p := range list {
		out[i] = receipts.Positioned{Position: receipts.Position{Block: p.Position.Block, Index: p.Position.Index}, Receipt: p.Receipt}
	}
	return out, nil
}
