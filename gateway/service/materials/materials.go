// Package materials answers queries by material number (料号), the
// enterprise's own key of a goods item: the batches declared under it and
// where they stand. An enterprise sees its own batches; customs sees every
// enterprise's, optionally of one.
package materials

import (
	"context"
	"net/url"

	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/service"
	"zonetrace/gateway/validation"
	"zonetrace/indexer/query"
)

// Reads is what the queries read from the indexer's mirror.
type Reads interface {
	MaterialBatches(ctx context.Context, f query.MaterialFilter) ([]query.MaterialBatch, error)
}

// Service answers material number queries.
type Service struct {
	Reads Reads
	// AppURL is the web app's public base URL, where the material page is.
	AppURL string
}

// Material is a material number with its batches.
type Material struct {
	MaterialNo string `json:"materialNo"`
	// URI is the app page of the material, the payload of its QR.
	URI string `json:"uri"`
	// WeightGrams and StockGrams total the batches' declared weight and
	// what the zone holds of them now.
	WeightGrams int64                 `json:"weightGrams"`
	StockGrams  int64                 `json:"stockGrams"`
	Batches     []query.MaterialBatch `json:"batches"`
}

// Get returns material number materialNo as u sees it: an enterprise user
// its own batches whatever enterpriseID asks, others those of enterpriseID
// or of every enterprise. A material number with no visible batch is
// NOT_FOUND.
func (s *Service) Get(ctx context.Context, u accounts.User, materialNo, enterpriseID string) (Material, error) {
	if materialNo == "" {
		return Material{}, validation.Problems{{Field: "materialNo", Message: "is required", MessageZh: "料号不能为空"}}
	}
	if !service.SeesAll(u) {
		enterpriseID = u.EnterpriseID
	}
	batches, err := s.Reads.MaterialBatches(ctx, query.MaterialFilter{MaterialNo: materialNo, EnterpriseID: enterpriseID})
	if err != nil {
		return Material{}, err
	}
	if len(batches) == 0 {
		return Material{}, apierror.New(apierror.NotFound)
	}
	m := Material{MaterialNo: materialNo, URI: s.uri(materialNo, enterpriseID), Batches: batches}
	for _, b := range batches {
		m.WeightGrams += b.WeightGrams
		m.StockGrams += b.StockGrams
	}
	return m, nil
}

// uri is the app page of a material number, scoped to an enterprise when
// one is known (material numbers are per enterprise).
func (s *Service) uri(materialNo, enterpriseID string) string {
	u := s.AppURL + "/materials/" + url.PathEscape(materialNo)
	if enterpriseID != "" {
		u += "?enterpriseId=" + url.QueryEscape(enterpriseID)
	}
	return u
}
