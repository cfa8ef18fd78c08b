// Package workqueue is customs' one work queue (工作台/待办) and the counts
// the menus show as badges: for customs what waits for it, for an
// enterprise its unread receipts and the transfers it has to receive.
package workqueue

import (
	"context"
	"slices"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/validation"
	"zonetrace/indexer/query"
)

// Reads is what the queue reads from the indexer's mirror.
type Reads interface {
	WorkQueue(ctx context.Context, f query.QueueFilter) (query.QueuePage, error)
	WorkQueueCounts(ctx context.Context) (query.QueueCounts, error)
	EnterpriseCounts(ctx context.Context, enterpriseID string) (query.EnterpriseCounts, error)
}

// ReadMarks counts the receipts an enterprise marked read (the marks are
// the gateway's, the receipts the indexer's).
type ReadMarks interface {
	CountRead(ctx context.Context, enterpriseID string) (int, error)
}

// Service answers the queue and the badges.
type Service struct {
	Reads Reads
	Marks ReadMarks
}

// Counts are the queue's counts per kind, every kind present, and their
// sum.
type Counts struct {
	Kinds query.QueueCounts `json:"kinds"`
	Total int               `json:"total"`
}

// Badges are the counts of the current user's menu. WorkQueue is set for
// customs only; the enterprise counts are zero for everyone else.
type Badges struct {
	WorkQueue         *Counts `json:"workQueue,omitempty"`
	UnreadReceipts    int     `json:"unreadReceipts"`
	IncomingTransfers int     `json:"incomingTransfers"`
}

// List pages the queue, oldest first. An unknown kind is a validation
// problem on field "kind".
func (s *Service) List(ctx context.Context, f query.QueueFilter) (query.QueuePage, error) {
	var p validation.Problems
	for _, k := range f.Kinds {
		if !slices.Contains(query.QueueKinds, k) {
			p.AddModel(model.Problem{Field: "kind", Rule: model.RuleUnknownValue, Params: model.Params{"value": string(k)}})
		}
	}
	if err := p.Err(); err != nil {
		return query.QueuePage{}, err
	}
	return s.Reads.WorkQueue(ctx, f)
}

// Counts counts the queue per kind.
func (s *Service) Counts(ctx context.Context) (Counts, error) {
	kinds, err := s.Reads.WorkQueueCounts(ctx)
	if err != nil {
		return Counts{}, err
	}
	return Counts{Kinds: kinds, Total: kinds.Total()}, nil
}

// Badges counts what u's menu shows.
func (s *Service) Badges(ctx context.Context, u accounts.User) (Badges, error) {
	switch u.Role {
	case accounts.RoleCustomsOfficer, accounts.RoleCustomsAdmin:
		c, err := s.Counts(ctx)
		if err != nil {
			return Badges{}, err
		}
		return Badges{WorkQueue: &c}, nil
	case accounts.RoleEnterprise:
		c, err := s.Reads.EnterpriseCounts(ctx, u.EnterpriseID)
		if err != nil {
			return Badges{}, err
		}
		read, err := s.Marks.CountRead(ctx, u.EnterpriseID)
		if err != nil {
			return Badges{}, err
		}
		// A mark is only ever set on a receipt of the enterprise, so the
		// difference is the unread ones; max guards a mirror being rebuilt.
		return Badges{UnreadReceipts: max(c.Receipts-read, 0), IncomingTransfers: c.IncomingTransfers}, nil
	}
	return Badges{}, nil
}
