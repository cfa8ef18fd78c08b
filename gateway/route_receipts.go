package gateway

import (
	"net/http"
	"path/filepath"
	"strings"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/customsmsg/inbox"
	"zonetrace/gateway/receipts"
	"zonetrace/indexer/query"
)

// webhookKeyFile holds the key that seals webhook secrets, under DataDir:
// outside the database, so a database copy alone does not reveal them.
const webhookKeyFile = "webhook-secrets.key"

// receiptStores are the gateway's own receipt tables.
type receiptStores struct {
	receipts *receipts.Store
	inbox    *inbox.Store
}

func (g *Gateway) receiptStores() receiptStores {
	sealer := receipts.NewKeyFileSealer(filepath.Join(g.cfg.DataDir, webhookKeyFile))
	return receiptStores{receipts: receipts.NewStore(g.cfg.Pool, sealer), inbox: inbox.New(g.cfg.Pool)}
}

// receiptJSON is a receipt with its enterprise's read mark.
type receiptJSON struct {
	model.Receipt
	Read bool `json:"read"`
}

type receiptPage struct {
	Items    []receiptJSON `json:"items"`
	Total    int           `json:"total"`
	Page     int           `json:"page"`
	PageSize int           `json:"pageSize"`
}

func (g *Gateway) routeReceipts(api *gin.RouterGroup, store *receipts.Store) {
	r := api.Group("/receipts", allow(enterpriseOnly...))
	r.GET("", g.listReceipts(store))
	r.POST("/:id/read", g.idempotent(true), g.markReceiptRead(store))
}

// listReceipts lists the enterprise's receipts, newest first. The receipts
// are the indexer's and the read marks the gateway's, so unread=true walks
// the enterprise's receipts and leaves out the read ones.
func (g *Gateway) listReceipts(store *receipts.Store) gin.HandlerFunc {
	return func(c *gin.Context) {
		page, pageSize, err := pageParams(c)
		if err != nil {
			g.fail(c, err)
			return
		}
		unread := false
		switch c.Query("unread") {
		case "", "false":
		case "true":
			unread = true
		default:
			g.fail(c, badRequest("unread", "must be true or false", "须为true或false"))
			return
		}
		u := mustUser(c)
		f := query.ReceiptFilter{EnterpriseID: u.EnterpriseID, DocumentID: c.Query("documentId"), Page: page, PageSize: pageSize}
		var out receiptPage
		if unread {
			out, err = g.unreadReceipts(c, store, f)
		} else {
			out, err = g.markedReceipts(c, store, f)
		}
		if err != nil {
			g.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, out)
	}
}

func (g *Gateway) markedReceipts(c *gin.Context, store *receipts.Store, f query.ReceiptFilter) (receiptPage, error) {
	p, err := g.cfg.Reads.Receipts(c.Request.Context(), f)
	if err != nil {
		return receiptPage{}, err
	}
	items, err := withMarks(c, store, f.EnterpriseID, p.Items)
	if err != nil {
		return receiptPage{}, err
	}
	return receiptPage{Items: items, Total: p.Total, Page: p.Page, PageSize: p.PageSize}, nil
}

func (g *Gateway) unreadReceipts(c *gin.Context, store *receipts.Store, f query.ReceiptFilter) (receiptPage, error) {
	var unread []receiptJSON
	for n := 1; ; n++ {
		p, err := g.cfg.Reads.Receipts(c.Request.Context(), query.ReceiptFilter{EnterpriseID: f.EnterpriseID, DocumentID: f.DocumentID, Page: n, PageSize: query.MaxPageSize})
		if err != nil {
			return receiptPage{}, err
		}
		items, err := withMarks(c, store, f.EnterpriseID, p.Items)
		if err != nil {
			return receiptPage{}, err
		}
		for _, it := range items {
			if !it.Read {
				unread = append(unread, it)
			}
		}
		if len(p.Items) == 0 || n*query.MaxPageSize >= p.Total {
			break
		}
	}
	out := receiptPage{Items: []receiptJSON{}, Total: len(unread), Page: f.Page, PageSize: f.PageSize}
	if from := (f.Page - 1) * f.PageSize; from < len(unread) {
		out.Items = unread[from:min(from+f.PageSize, len(unread))]
	}
	return out, nil
}

func withMarks(c *gin.Context, store *receipts.Store, enterpriseID string, list []model.Receipt) ([]receiptJSON, error) {
	ids := make([]string, len(list))
	for i, r := range list {
		ids[i] = r.ID
	}
	read, err := store.ReadAmong(c.Request.Context(), enterpriseID, ids)
	if err != nil {
		return nil, err
	}
	out := make([]receiptJSON, len(list))
	for i, r := range list {
		out[i] = receiptJSON{Receipt: r, Read: read[r.ID]}
	}
	return out, nil
}

// markReceiptRead marks one of the enterprise's receipts read. Receipt ids
// are "txID:documentID"; another enterprise's receipt is NOT_FOUND, like
// one that does not exist.
func (g *Gateway) markReceiptRead(store *receipts.Store) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := mustUser(c)
		id := c.Param("id")
		r, err := g.ownReceipt(c, u.EnterpriseID, id)
		if err != nil {
			g.fail(c, err)
			return
		}
		if err := store.MarkRead(c.Request.Context(), u.EnterpriseID, id, u.Username); err != nil {
			g.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, receiptJSON{Receipt: r, Read: true})
	}
}

func (g *Gateway) ownReceipt(c *gin.Context, enterpriseID, id string) (model.Receipt, error) {
	notFound := apierror.Newf(apierror.NotFound, "no receipt "+id+" of your enterprise", "本企业没有回执"+id)
	_, documentID, ok := strings.Cut(id, ":")
	if !ok || documentID == "" {
		return model.Receipt{}, notFound
	}
	for n := 1; ; n++ {
		p, err := g.cfg.Reads.Receipts(c.Request.Context(), query.ReceiptFilter{EnterpriseID: enterpriseID, DocumentID: documentID, Page: n, PageSize: query.MaxPageSize})
		if err != nil {
			return model.Receipt{}, err
		}
		for _, r := range p.Items {
			if r.ID == id {
				return r, nil
			}
		}
		if len(p.Items) == 0 || n*query.MaxPageSize >= p.Total {
			return model.Receipt{}, notFound
		}
	}
}
