package prefilings

import (
	"context"
	"fmt"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/validation"
)

// ownAttachments refuses a declaration listing a file its enterprise did
// not upload — another enterprise's file, or one nobody uploaded — with one
// problem per such attachment, before anything reaches the ledger. The
// chain anchors only a hash; this is the one place that ties the hash to a
// file the declarant holds.
func (s *Service) ownAttachments(ctx context.Context, enterpriseID, field string, list []model.Attachment) error {
	if len(list) == 0 {
		return nil
	}
	sums := make([]string, len(list))
	for i, a := range list {
		sums[i] = a.SHA256
	}
	uploaded, err := s.Uploads.Uploaded(ctx, enterpriseID, sums)
	if err != nil {
		return err
	}
	var p validation.Problems
	for i, a := range list {
		if !uploaded[a.SHA256] {
			p.Add(fmt.Sprintf("%s[%d].sha256", field, i), "is not a file your enterprise uploaded", "不是本企业上传的附件，请先上传")
		}
	}
	return p.Err()
}
