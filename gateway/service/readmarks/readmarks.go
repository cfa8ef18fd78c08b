// Package readmarks lists an enterprise's receipts with its read marks and
// marks them read. The receipts are the indexer's and the marks the
// gateway's, so the rules joining the two live here.
package readmarks

import (
	"context"
	"strings"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/receipts"
	"zonetrace/indexer/query"
)

// Reads pages the enterprise's receipts in the indexer's mirror.
type Reads interface {
	Receipts(ctx context.Context, f query.ReceiptFilter) (query.ReceiptPage, error)
}

// Service lists and marks receipts.
type Service struct {
	Reads Reads
	Marks *receipts.Store
}

// Receipt is a receipt with its enterprise's read mark.
type Receipt struct {
	model.Receipt
	Read bool `json:"read"`
}

// Page is a page of receipts, newest first.
type Page struct {
	Items    []Receipt `json:"items"`
	Total    int       `json:"total"`
	Page     int       `json:"page"`
	PageSize int       `json:"pageSize"`
}

// List pages f.EnterpriseID's receipts, newest first; unread leaves out the
// read ones, which means walking all of them, as the marks are not in the
// indexer's database.
func (s *Service) List(ctx context.Context, f query.ReceiptFilter, unread bool) (Page, error) {
	if unread {
		return s.unread(ctx, f)
	}
	p, err := s.Reads.Receipts(ctx, f)
	if err != nil {
		return Page{}, err
	}
	items, err := s.withMarks(ctx, f.EnterpriseID, p.Items)
	if err != nil {
		return Page{}, err
	}
	return Page{Items: items, Total: p.Total, Page: p.Page, PageSize: p.PageSize}, nil
}

func (s *Service) unread(ctx context.Context, f query.ReceiptFilter) (Page, error) {
	var unread []Receipt
	for n := 1; ; n++ {
		p, err := s.Reads.Receipts(ctx, query.ReceiptFilter{EnterpriseID: f.EnterpriseID, DocumentID: f.DocumentID, Page: n, PageSize: query.MaxPageSize})
		if err != nil {
			return Page{}, err
		}
		items, err := s.withMarks(ctx, f.EnterpriseID, p.Items)
		if err != nil {
			return Page{}, err
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
	out := Page{Items: []Receipt{}, Total: len(unread), Page: f.Page, PageSize: f.PageSize}
	if from := (f.Page - 1) * f.PageSize; from < len(unread) {
		out.Items = unread[from:min(from+f.PageSize, len(unread))]
	}
	return out, nil
}

func (s *Service) withMarks(ctx context.Context, enterpriseID string, list []model.Receipt) ([]Receipt, error) {
	ids := make([]string, len(list))
	for i, r := range list {
		ids[i] = r.ID
	}
	read, err := s.Marks.ReadAmong(ctx, enterpriseID, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Receipt, len(list))
	for i, r := range list {
		out[i] = Receipt{Receipt: r, Read: read[r.ID]}
	}
	return out, nil
}

// MarkRead marks one of the enterprise's receipts read by user. Receipt ids
// are "txID:documentID"; another enterprise's receipt is NOT_FOUND, like
// one that does not exist.
func (s *Service) MarkRead(ctx context.Context, enterpriseID, user, id string) (Receipt, error) {
	r, err := s.own(ctx, enterpriseID, id)
	if err != nil {
		return Receipt{}, err
	}
	if err := s.Marks.MarkRead(ctx, enterpriseID, id, user); err != nil {
		return Receipt{}, err
	}
	return Receipt{Receipt: r, Read: true}, nil
}

func (s *Service) own(ctx context.Context, enterpriseID, id string) (model.Receipt, error) {
	notFound := apierror.Newf(apierror.NotFound, "no receipt "+id+" of your enterprise", "本企业没有回执"+id)
	_, documentID, ok := strings.Cut(id, ":")
	if !ok || documentID == "" {
		return model.Receipt{}, notFound
	}
	for n := 1; ; n++ {
		p, err := s.Reads.Receipts(ctx, query.ReceiptFilter{EnterpriseID: enterpriseID, DocumentID: documentID, Page: n, PageSize: query.MaxPageSize})
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
