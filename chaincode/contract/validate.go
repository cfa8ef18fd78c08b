package contract

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"zonetrace/chaincode/model"
)

var (
	hsCodePattern   = regexp.MustCompile(`^[0-9]{8}([0-9]{2})?$`)
	originPattern   = regexp.MustCompile(`^[A-Z]{2}$`)
	currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)
	sha256Pattern   = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

var attachmentKinds = []string{model.AttachmentOriginCertificate, model.AttachmentQuarantineCertificate, model.AttachmentOther}

// Upper bounds that keep a single record far below Fabric's message limits
// and catch unit mistakes (tonnes typed as grams).
const (
	maxText        = 200
	maxWeightGrams = 1_000_000_000_000 // one million tonnes
	maxPriceFen    = 100_000_000_00    // 100 million per kilogram
	maxAttachments = 20
	maxShelfLife   = 3650
)

// fieldErrors collects every problem of an input, so the declarant sees
// them all at once instead of one per attempt.
type fieldErrors []string

func (f *fieldErrors) addf(format string, args ...any) { *f = append(*f, fmt.Sprintf(format, args...)) }

func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return model.Errorf(model.CodeInvalid, "%s", strings.Join(f, "; "))
}

func checkText(f *fieldErrors, field, value string, required bool) {
	switch {
	case required && strings.TrimSpace(value) == "":
		f.addf("%s is required", field)
	case len([]rune(value)) > maxText:
		f.addf("%s must be at most %d characters", field, maxText)
	}
}

func checkDate(f *fieldErrors, field, value string) {
	if value == "" {
		return
	}
	if _, err := time.Parse(time.DateOnly, value); err != nil {
		f.addf("%s must be a date YYYY-MM-DD", field)
	}
}

func checkAttachments(f *fieldErrors, field string, as []model.Attachment) {
	if len(as) > maxAttachments {
		f.addf("%s: at most %d attachments", field, maxAttachments)
	}
	for i, a := range as {
		if !slices.Contains(attachmentKinds, a.Kind) {
			f.addf("%s[%d].kind %q is unknown", field, i, a.Kind)
		}
		if !sha256Pattern.MatchString(a.SHA256) {
			f.addf("%s[%d].sha256 must be 64 lower-case hex characters", field, i)
		}
		if a.Size <= 0 {
			f.addf("%s[%d].size must be positive", field, i)
		}
		checkText(f, fmt.Sprintf("%s[%d].name", field, i), a.Name, true)
	}
}

// validatePrefilingData checks format and completeness of a declaration.
func validatePrefilingData(d model.PrefilingData) error {
	var f fieldErrors
	checkText(&f, "commodity", d.Commodity, true)
	checkText(&f, "productName", d.ProductName, true)
	if !hsCodePattern.MatchString(d.HSCode) {
		f.addf("hsCode must be 8 or 10 digits")
	}
	if !originPattern.MatchString(d.Origin) {
		f.addf("origin must be an ISO 3166-1 alpha-2 code")
	}
	checkText(&f, "exporterName", d.ExporterName, true)
	checkText(&f, "exporterRegNo", d.ExporterRegNo, false)
	checkText(&f, "quarantineBatchNo", d.QuarantineBatchNo, d.QuarantineResult != model.QuarantinePending)
	if !slices.Contains(model.QuarantineResults, d.QuarantineResult) {
		f.addf("quarantineResult %q is unknown", d.QuarantineResult)
	}
	if d.AvgPriceFen <= 0 || d.AvgPriceFen > maxPriceFen {
		f.addf("avgPriceFen must be between 1 and %d", int64(maxPriceFen))
	}
	if !currencyPattern.MatchString(d.Currency) {
		f.addf("currency must be an ISO 4217 code")
	}
	if d.WeightGrams <= 0 || d.WeightGrams > maxWeightGrams {
		f.addf("weightGrams must be between 1 and %d", int64(maxWeightGrams))
	}
	checkText(&f, "grade", d.Grade, false)
	checkText(&f, "plantingRegion", d.PlantingRegion, false)
	checkDate(&f, "productionDate", d.ProductionDate)
	if d.ShelfLifeDays < 0 || d.ShelfLifeDays > maxShelfLife {
		f.addf("shelfLifeDays must be between 0 and %d", maxShelfLife)
	}
	checkText(&f, "materialNo", d.MaterialNo, false)
	checkText(&f, "batchNo", d.BatchNo, false)
	checkText(&f, "entryDraftNo", d.EntryDraftNo, false)
	checkAttachments(&f, "attachments", d.Attachments)
	return f.err()
}

// validateSupplement checks format and completeness only: consistency with
// the original declaration is customs' call when reviewing.
func validateSupplement(s model.SupplementData) error {
	var f fieldErrors
	checkText(&f, "quarantineBatchNo", s.QuarantineBatchNo, true)
	if !slices.Contains(model.QuarantineResults, s.QuarantineResult) || s.QuarantineResult == model.QuarantinePending {
		f.addf("quarantineResult must be qualified or unqualified")
	}
	checkDate(&f, "quarantineDate", s.QuarantineDate)
	if len([]rune(s.Note)) > 1000 {
		f.addf("note must be at most 1000 characters")
	}
	checkAttachments(&f, "attachments", s.Attachments)
	return f.err()
}

var prefilingIDPattern = regexp.MustCompile(`^PF[0-9]{8}[0-9A-Z]{8}$`)

func validReason(decision, reason string) error {
	switch decision {
	case "approve":
	case "return":
		if strings.TrimSpace(reason) == "" {
			return model.Errorf(model.CodeInvalid, "a return needs a reason")
		}
	default:
		return model.Errorf(model.CodeInvalid, "decision must be approve or return, not %q", decision)
	}
	if len([]rune(reason)) > 1000 {
		return model.Errorf(model.CodeInvalid, "reason must be at most 1000 characters")
	}
	return nil
}
