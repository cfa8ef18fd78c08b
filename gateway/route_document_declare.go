package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/docdrafts"
	"zonetrace/gateway/validation"
	"zonetrace/network/ledger"
)

// declaration is the documentJSON argument of DeclareDocument.
type declaration struct {
	ID           string               `json:"id"`
	Family       model.Family         `json:"family"`
	BusinessType model.BusinessType   `json:"businessType"`
	Head         model.DocumentHead   `json:"head"`
	Lines        []model.DocumentLine `json:"lines"`
}

// declare declares a complete draft on the ledger (one-click declaration).
// The document number is reserved in the draft before the submit, so
// whatever happens after it, a later declare of the same draft resumes with
// the same number and the ledger (which refuses an existing number) never
// holds two declarations of one draft.
func (r *docDraftRoutes) declare(c *gin.Context) {
	ctx := c.Request.Context()
	u := mustUser(c)
	d, err := r.store.Get(ctx, u.EnterpriseID, c.Param("id"))
	if err != nil {
		r.g.fail(c, docDraftError(err))
		return
	}
	if d.Declared() {
		payload, again, err := r.g.declaredEarlier(c, "DeclareDocument", "GetDocument", d.DocumentID, "{}")
		switch {
		case err != nil:
			r.g.fail(c, err)
		case again:
			r.g.answerDocument(c, http.StatusCreated, d.DocumentID, payload)
		default:
			r.g.fail(c, docDraftError(docdrafts.ErrDeclared))
		}
		return
	}
	if w := docdrafts.Warnings(d.Family, d.BusinessType, d.Head, d.Lines); len(w) > 0 {
		e := apierror.Invalid(w...)
		e.Message, e.MessageZh = "the draft is incomplete", "信息不完整，不能申报"
		r.g.fail(c, e)
		return
	}
	candidate, err := docdrafts.NewDocumentID(d.Family, time.Now())
	if err != nil {
		r.g.fail(c, err)
		return
	}
	if d, err = r.store.Reserve(ctx, u.EnterpriseID, d.ID, candidate); err != nil {
		r.g.fail(c, docDraftError(err))
		return
	}
	signer, err := r.g.identities.For(u)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	raw, err := json.Marshal(declaration{ID: d.DocumentID, Family: d.Family, BusinessType: d.BusinessType, Head: d.Head, Lines: d.Lines})
	if err != nil {
		r.g.fail(c, fmt.Errorf("encode document %s: %w", d.DocumentID, err))
		return
	}
	getDocument := r.g.evaluate(signer, "GetDocument", d.DocumentID)
	payload, err := r.g.submit(c, txCall{signer: signer, function: "DeclareDocument",
		args: []string{c.GetString(ctxLedgerRequestID), string(raw)}, readBack: getDocument})
	if err != nil {
		payload, err = r.resume(c, d, err, getDocument)
	}
	if err != nil {
		r.g.fail(c, lineRefusals(err))
		return
	}
	if err := r.store.MarkDeclared(context.WithoutCancel(ctx), u.EnterpriseID, d.ID, u.Username); err != nil {
		r.g.fail(c, err)
		return
	}
	r.g.answerDocument(c, http.StatusCreated, d.DocumentID, payload)
}

// resume sorts out a failed DeclareDocument. CONFLICT on the reserved
// number means an earlier attempt (under another idempotency key) declared
// it: read it back. Any other chaincode rejection means nothing was
// declared: free the number so the draft can be corrected. A ledger failure
// leaves the reservation, as the outcome is unknown.
func (r *docDraftRoutes) resume(c *gin.Context, d docdrafts.Draft, submitErr error, getDocument func(context.Context) ([]byte, error)) ([]byte, error) {
	var cc *ledger.ChaincodeError
	if !errors.As(submitErr, &cc) {
		return nil, submitErr
	}
	if classify(submitErr).Code == apierror.Conflict {
		payload, err := getDocument(c.Request.Context())
		var existing model.Document
		if err == nil && json.Unmarshal(payload, &existing) == nil && existing.EnterpriseID == d.EnterpriseID {
			return payload, nil
		}
	}
	if err := r.store.Unreserve(context.WithoutCancel(c.Request.Context()), d.EnterpriseID, d.ID, d.DocumentID); err != nil {
		return nil, errors.Join(submitErr, err)
	}
	return nil, submitErr
}

// refusalField finds the field a chaincode problem is about: its message
// starts with the field path (chaincode/contract/docvalidate.go), e.g.
// "lines[3].traceCode KS… is not a valid trace code".
var refusalField = regexp.MustCompile(`^(lines\[(\d+)\](\.[A-Za-z]+)?|head\.[A-Za-z]+|lines)`)

// lineRefusals turns the chaincode's INVALID_ARGUMENT answer, which lists
// its problems separated by "; ", into 422 details naming each field, so a
// declarant sees which line to fix. Other errors pass unchanged.
func lineRefusals(err error) error {
	var cc *ledger.ChaincodeError
	if !errors.As(err, &cc) {
		return err
	}
	parsed, ok := model.ParseError(cc.Message)
	if !ok || parsed.Code != model.CodeInvalid || len(parsed.Problems) > 0 {
		// A refusal with structured problems maps to 422 details in
		// apierror (with Chinese from the catalogue) as it is.
		return err
	}
	var p validation.Problems
	for _, part := range strings.Split(parsed.Message, "; ") {
		part = strings.TrimSpace(part)
		m := refusalField.FindStringSubmatch(part)
		switch {
		case m == nil:
			p.Add("document", part, "单据被拒绝："+part)
		case m[2] != "":
			n, _ := strconv.Atoi(m[2])
			p.Add(m[1], part, fmt.Sprintf("第%d行：%s", n+1, part))
		default:
			p.Add(m[1], part, "单据被拒绝："+part)
		}
	}
	e := apierror.Ledger(err)
	e.Details = p
	return e
}
