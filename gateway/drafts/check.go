package drafts

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/validation"
)

// MaxTextLength bounds every free-text field of a draft.
const MaxTextLength = 500

var (
	hsCodePattern = regexp.MustCompile(`^([0-9]{8}|[0-9]{10})$`)
	sha256Pattern = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// CheckShape finds what makes data unacceptable even as a draft: unknown
// enum values, malformed attachment references and oversized text. Drafts
// may be incomplete, but they may not hold values no declaration could.
func CheckShape(d model.PrefilingData) error {
	var p validation.Problems
	if d.QuarantineResult != "" && !knownQuarantineResult(d.QuarantineResult) {
		p.Add("data.quarantineResult", "must be pending, qualified or unqualified", "检疫结果须为待检疫、合格或不合格")
	}
	for name, v := range map[string]string{
		"commodity": d.Commodity, "productName": d.ProductName, "hsCode": d.HSCode, "origin": d.Origin,
		"exporterName": d.ExporterName, "exporterRegNo": d.ExporterRegNo, "quarantineBatchNo": d.QuarantineBatchNo,
		"currency": d.Currency, "grade": d.Grade, "plantingRegion": d.PlantingRegion, "productionDate": d.ProductionDate,
		"materialNo": d.MaterialNo, "batchNo": d.BatchNo, "entryDraftNo": d.EntryDraftNo,
	} {
		if utf8.RuneCountInString(v) > MaxTextLength {
			p.Add("data."+name, fmt.Sprintf("must be at most %d characters", MaxTextLength), fmt.Sprintf("不得超过%d个字符", MaxTextLength))
		}
	}
	for i, a := range d.Attachments {
		field := fmt.Sprintf("data.attachments[%d]", i)
		switch a.Kind {
		case model.AttachmentOriginCertificate, model.AttachmentQuarantineCertificate, model.AttachmentOther:
		default:
			p.Add(field+".kind", "must be origin_certificate, quarantine_certificate or other", "附件类型须为原产地证书、检疫证书或其他")
		}
		if !sha256Pattern.MatchString(a.SHA256) {
			p.Add(field+".sha256", "must be 64 lowercase hex digits of an uploaded attachment", "须为已上传附件的SHA-256")
		}
		if a.Size <= 0 {
			p.Add(field+".size", "must be > 0", "须大于0")
		}
		if a.Name == "" || utf8.RuneCountInString(a.Name) > MaxTextLength {
			p.Add(field+".name", "is required", "附件名称必填")
		}
	}
	sortProblems(p)
	return p.Err()
}

// Warnings lists what declaring data would reject (信息不完整 and format
// errors); an empty list means the draft can be declared.
func Warnings(d model.PrefilingData) validation.Problems {
	p := validation.Problems{}
	required := func(field, value, zh string) {
		if value == "" {
			p.Add("data."+field, "is required", zh+"不能为空")
		}
	}
	required("commodity", d.Commodity, "商品类别")
	required("productName", d.ProductName, "商品名称")
	switch {
	case d.HSCode == "":
		p.Add("data.hsCode", "is required", "HS编码不能为空")
	case !hsCodePattern.MatchString(d.HSCode):
		p.Add("data.hsCode", "must be 10 (or 8) digits", "HS编码须为10位（或8位）数字")
	}
	switch {
	case d.Origin == "":
		p.Add("data.origin", "is required", "原产国不能为空")
	case !isoCountries[d.Origin]:
		p.Add("data.origin", "must be an ISO 3166-1 alpha-2 country code", "原产国须为ISO 3166-1两位国家代码")
	}
	required("exporterName", d.ExporterName, "境外出口商")
	if d.WeightGrams <= 0 {
		p.Add("data.weightGrams", "must be > 0", "重量须大于0")
	}
	if d.AvgPriceFen <= 0 {
		p.Add("data.avgPriceFen", "must be > 0", "进口均价须大于0")
	}
	switch {
	case d.Currency == "":
		p.Add("data.currency", "is required", "币制不能为空")
	case !currencies[d.Currency]:
		p.Add("data.currency", "must be a supported ISO 4217 currency code", "币制须为支持的ISO 4217代码")
	}
	required("quarantineResult", string(d.QuarantineResult), "检疫结果")
	if d.ProductionDate != "" {
		if _, err := time.Parse(time.DateOnly, d.ProductionDate); err != nil {
			p.Add("data.productionDate", "must be a date YYYY-MM-DD", "生产日期格式须为YYYY-MM-DD")
		}
	}
	if d.ShelfLifeDays < 0 {
		p.Add("data.shelfLifeDays", "must not be negative", "保质期不能为负数")
	}
	var shape validation.Problems
	if errors.As(CheckShape(d), &shape) {
		p = append(p, shape...)
	}
	sortProblems(p)
	return p
}

func knownQuarantineResult(r model.QuarantineResult) bool {
	for _, q := range model.QuarantineResults {
		if r == q {
			return true
		}
	}
	return false
}

// sortProblems orders problems by field so answers do not depend on map
// iteration order.
func sortProblems(p validation.Problems) {
	sort.SliceStable(p, func(i, j int) bool { return p[i].Field < p[j].Field })
}

// CheckSupplement validates a supplement (补录入) before it is submitted:
// the quarantine batch number and result are required, the date must be a
// date, attachments must reference uploaded files.
func CheckSupplement(s model.SupplementData) error {
	var p validation.Problems
	if s.QuarantineBatchNo == "" || utf8.RuneCountInString(s.QuarantineBatchNo) > MaxTextLength {
		p.Add("quarantineBatchNo", "is required", "检疫批次号不能为空")
	}
	if !knownQuarantineResult(s.QuarantineResult) {
		p.Add("quarantineResult", "must be pending, qualified or unqualified", "检疫结果须为待检疫、合格或不合格")
	}
	if s.QuarantineDate != "" {
		if _, err := time.Parse(time.DateOnly, s.QuarantineDate); err != nil {
			p.Add("quarantineDate", "must be a date YYYY-MM-DD", "检疫日期格式须为YYYY-MM-DD")
		}
	}
	if utf8.RuneCountInString(s.Note) > MaxTextLength {
		p.Add("note", fmt.Sprintf("must be at most %d characters", MaxTextLength), fmt.Sprintf("不得超过%d个字符", MaxTextLength))
	}
	var shape validation.Problems
	if errors.As(CheckShape(model.PrefilingData{Attachments: s.Attachments}), &shape) {
		for _, q := range shape {
			q.Field = strings.TrimPrefix(q.Field, "data.")
			p = append(p, q)
		}
	}
	sortProblems(p)
	return p.Err()
}
