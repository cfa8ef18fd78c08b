package gateway

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/ocr/recognitions"
	"zonetrace/gateway/openapi"
)

type recognitionRequest struct {
	AttachmentSHA256 string `json:"attachmentSha256"`
	// Kind is origin_certificate or quarantine_certificate.
	Kind string `json:"kind"`
}

// recognitionJSON is a recognition with its fields set against the draft.
type recognitionJSON struct {
	ID               int64                     `json:"id"`
	DraftID          string                    `json:"draftId"`
	AttachmentSHA256 string                    `json:"attachmentSha256"`
	Kind             string                    `json:"kind"`
	State            string                    `json:"state"`
	Progress         int                       `json:"progress"`
	Fields           []recognitions.Suggestion `json:"fields"`
	Source           string                    `json:"source,omitempty"`
	Failure          string                    `json:"failure,omitempty"`
	CreatedBy        string                    `json:"createdBy"`
	CreatedAt        time.Time                 `json:"createdAt"`
	UpdatedAt        time.Time                 `json:"updatedAt"`
}

func toRecognitionJSON(rec recognitions.Recognition, d model.PrefilingData) recognitionJSON {
	return recognitionJSON{ID: rec.ID, DraftID: rec.DraftID, AttachmentSHA256: rec.AttachmentSHA256, Kind: rec.Kind,
		State: rec.State, Progress: rec.Progress, Fields: recognitions.Suggest(rec.Fields, d), Source: rec.Source,
		Failure: rec.Failure, CreatedBy: rec.CreatedBy, CreatedAt: rec.CreatedAt, UpdatedAt: rec.UpdatedAt}
}

type recognitionList struct {
	Items []recognitionJSON `json:"items"`
}

// Certificate recognitions read an uploaded certificate in the background
// (gateway/ocr/recognitions) and suggest its fields for the draft; the
// draft changes only when the enterprise saves it with them.
func (g *Gateway) routeOCR(api *gin.RouterGroup) {
	r := api.Group("/prefiling-drafts/:id/recognitions", allow(enterpriseOnly...))
	r.POST("", g.startRecognition)
	r.GET("", g.listRecognitions)
}

func recognitionOperations() []openapi.Operation {
	const v1 = APIPrefix
	return []openapi.Operation{
		{Method: "POST", Path: v1 + "/prefiling-drafts/{id}/recognitions", Tag: "prefiling drafts",
			Summary: "Read an uploaded certificate of origin or quarantine certificate for an undeclared draft in the background (201 queued; 200 with the recognition already made for the file, unless it failed)",
			Request: recognitionRequest{}, Status: 201, Response: recognitionJSON{}},
		{Method: "GET", Path: v1 + "/prefiling-drafts/{id}/recognitions", Tag: "prefiling drafts",
			Summary: "The draft's recognitions, newest first, with progress and the fields read (confidence, needsReview) set against the draft's values (typed, differs)",
			Status:  200, Response: recognitionList{}},
	}
}

func (g *Gateway) startRecognition(c *gin.Context) {
	var req recognitionRequest
	if err := decodeJSON(c, &req); err != nil {
		g.fail(c, err)
		return
	}
	u := mustUser(c)
	ctx := c.Request.Context()
	rec, created, err := g.recognitions.Start(ctx, u.EnterpriseID, c.Param("id"), req.AttachmentSHA256, req.Kind, u.Username)
	if err != nil {
		g.fail(c, err)
		return
	}
	d, err := g.drafts.Get(ctx, u.EnterpriseID, c.Param("id"))
	if err != nil {
		g.fail(c, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	c.JSON(status, toRecognitionJSON(rec, d.Data))
}

func (g *Gateway) listRecognitions(c *gin.Context) {
	u := mustUser(c)
	ctx := c.Request.Context()
	recs, err := g.recognitions.List(ctx, u.EnterpriseID, c.Param("id"))
	if err != nil {
		g.fail(c, err)
		return
	}
	d, err := g.drafts.Get(ctx, u.EnterpriseID, c.Param("id"))
	if err != nil {
		g.fail(c, err)
		return
	}
	out := recognitionList{Items: make([]recognitionJSON, 0, len(recs))}
	for _, rec := range recs {
		out.Items = append(out.Items, toRecognitionJSON(rec, d.Data))
	}
	c.JSON(http.StatusOK, out)
}
