package send

import (
	"context"
	"errors"
	"fmt"
	"time"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/customsmsg/outgoing"
	"zonetrace/indexer/query"
)

// maxAutoPages bounds one round of SendDeclared; what it leaves waits for
// the next round.
const maxAutoPages = 20

// SendDeclared sends the message of every declared document of a family
// customs reviews in its own systems (checklists, warehouse receipts, gate
// registrations) that has none yet: declaring on this platform is
// declaring to customs (tender: 申报单证同步). Documents declared before
// automatic sending began on this node are left alone. It reports how many
// it queued.
func (s *Service) SendDeclared(ctx context.Context) (int, error) {
	if !s.AutoSend() {
		return 0, nil
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO customs_outbox_auto (since) VALUES ($1) ON CONFLICT DO NOTHING`, s.started.UTC()); err != nil {
		return 0, fmt.Errorf("start automatic sending: %w", err)
	}
	var since time.Time
	if err := s.pool.QueryRow(ctx, `SELECT since FROM customs_outbox_auto`).Scan(&since); err != nil {
		return 0, fmt.Errorf("automatic sending: %w", err)
	}
	n := 0
	for _, f := range model.Families {
		if outgoing.TypeOf(f) == "" {
			continue
		}
		for page := 1; page <= maxAutoPages; page++ {
			p, err := s.docs.SearchDocuments(ctx, query.DocumentFilter{Family: f, Status: model.DocDeclared, Page: page, PageSize: query.MaxPageSize})
			if err != nil {
				return n, err
			}
			for _, d := range p.Items {
				sent, err := s.sendDeclared(ctx, d.Document, since)
				if err != nil {
					return n, err
				}
				if sent {
					n++
				}
			}
			if len(p.Items) < p.PageSize || len(p.Items) == 0 {
				break
			}
		}
	}
	return n, nil
}

func (s *Service) sendDeclared(ctx context.Context, d model.Document, since time.Time) (bool, error) {
	declared, err := time.Parse(time.RFC3339Nano, d.DeclaredAt)
	if err != nil || declared.Before(since) {
		return false, nil
	}
	var known bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM customs_outbox WHERE document_id = $1)`, d.ID).Scan(&known); err != nil {
		return false, fmt.Errorf("send log of %s: %w", d.ID, err)
	}
	if known {
		return false, nil
	}
	m, sasDclNo, err := s.build(ctx, d, "")
	var apiErr *apierror.Error
	if errors.As(err, &apiErr) && apiErr.Code == apierror.ValidationFailed {
		s.log.Warn("national message not built", "document", d.ID, "err", err.Error())
		return false, s.recordUnbuildable(ctx, d, describe(err))
	}
	if err != nil {
		return false, err
	}
	if _, err := s.queue(ctx, d, m, AutoRequester, sasDclNo); err != nil {
		return false, err
	}
	return true, nil
}
