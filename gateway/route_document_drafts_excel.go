package gateway

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/docdrafts"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// maxExportDrafts bounds one export; more asks the user to narrow the
// filters rather than building a workbook nobody can open.
const maxExportDrafts = 1000

// importFailure is the 422 answer of a refused import: like an API error,
// with the row of each problem (docs/api.md, IMPORT_FAILED).
type importFailure struct {
	Error struct {
		Code      string                    `json:"code"`
		Message   string                    `json:"message"`
		MessageZh string                    `json:"messageZh"`
		Details   []docdrafts.ImportProblem `json:"details"`
	} `json:"error"`
}

func sendWorkbook(c *gin.Context, name string, body []byte) {
	c.Header("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	c.Data(http.StatusOK, xlsxType, body)
}

// templateFromQuery reads family and businessType, which must name a
// template.
func templateFromQuery(family, businessType string) (docdrafts.Template, error) {
	t, ok := docdrafts.TemplateFor(model.Family(family), model.BusinessType(businessType))
	if !ok {
		return t, badRequest("businessType", fmt.Sprintf("family %q has no business type %q", family, businessType), "单据类型或业务类型无效")
	}
	return t, nil
}

func (r *docDraftRoutes) templateWorkbook(c *gin.Context) {
	t, err := templateFromQuery(c.Query("family"), c.Query("businessType"))
	if err != nil {
		r.g.fail(c, err)
		return
	}
	var buf bytes.Buffer
	if err := docdrafts.WriteTemplate(&buf, t); err != nil {
		r.g.fail(c, err)
		return
	}
	sendWorkbook(c, t.NameZh+"模板.xlsx", buf.Bytes())
}

// importWorkbook creates one draft from an uploaded workbook, all or
// nothing: a workbook with any bad row creates nothing and is answered 422
// IMPORT_FAILED listing every bad row.
func (r *docDraftRoutes) importWorkbook(c *gin.Context) {
	if err := parseMultipart(c); err != nil {
		r.g.fail(c, err)
		return
	}
	t, err := templateFromQuery(c.PostForm("family"), c.PostForm("businessType"))
	if err != nil {
		r.g.fail(c, err)
		return
	}
	fh, err := c.FormFile("file")
	if err != nil {
		r.g.fail(c, badRequest("file", "a multipart field file with the .xlsx workbook is required", "请上传Excel文件（表单字段file）"))
		return
	}
	file, err := fh.Open()
	if err != nil {
		r.g.fail(c, fmt.Errorf("open uploaded workbook: %w", err))
		return
	}
	defer file.Close()
	content, err := docdrafts.Import(file, t.Family, t.BusinessType)
	var refused *docdrafts.ImportError
	if errors.As(err, &refused) {
		var body importFailure
		body.Error.Code = "IMPORT_FAILED"
		body.Error.Message = fmt.Sprintf("the workbook has %d problems; nothing was imported", len(refused.Problems))
		body.Error.MessageZh = fmt.Sprintf("导入文件有%d处错误，未导入任何数据", len(refused.Problems))
		body.Error.Details = refused.Problems
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, body)
		return
	}
	if err != nil {
		r.g.fail(c, err)
		return
	}
	r.newDraft(c, content)
}

func (r *docDraftRoutes) exportWorkbook(c *gin.Context) {
	f, err := draftFilter(c)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	f.Page, f.PageSize = 1, maxExportDrafts
	p, err := r.store.List(c.Request.Context(), mustUser(c).EnterpriseID, f)
	if err != nil {
		r.g.fail(c, err)
		return
	}
	if p.Total > maxExportDrafts {
		r.g.fail(c, apierror.Newf(apierror.ValidationFailed,
			fmt.Sprintf("%d drafts match; narrow the filters to at most %d", p.Total, maxExportDrafts),
			fmt.Sprintf("符合条件的草稿有%d份，请缩小范围至%d份以内", p.Total, maxExportDrafts)))
		return
	}
	var buf bytes.Buffer
	if err := docdrafts.WriteExport(&buf, p.Items); err != nil {
		r.g.fail(c, err)
		return
	}
	noteRows(c, len(p.Items))
	sendWorkbook(c, "单据草稿.xlsx", buf.Bytes())
}
