package model

import (
	"maps"
	"slices"
)

// The foreign exporter registry (境外出口商备案, tender functions 11 and
// 68–71): a copy of the official registration website's listing kept off
// chain by the gateway (gateway/exporters), and the exporter claims of
// declared prefilings checked against it. This file is its domain:
// statuses, sources, limits and the check of an entry.

// ExporterStatus is a registration's standing.
type ExporterStatus string

const (
	ExporterValid     ExporterStatus = "valid"
	ExporterExpired   ExporterStatus = "expired"
	ExporterSuspended ExporterStatus = "suspended"
	ExporterCancelled ExporterStatus = "cancelled"
)

// ExporterStatuses lists the statuses in a fixed order.
var ExporterStatuses = []ExporterStatus{ExporterValid, ExporterExpired, ExporterSuspended, ExporterCancelled}

// ExporterSource says where an entry's current values came from.
type ExporterSource string

const (
	ExporterFromCrawl  ExporterSource = "crawl"
	ExporterFromImport ExporterSource = "import"
	ExporterFromManual ExporterSource = "manual"
)

// ClaimStatus is where an exporter claim stands.
type ClaimStatus string

const (
	ClaimConfirmed ClaimStatus = "confirmed"
	ClaimPending   ClaimStatus = "pending"
	ClaimRejected  ClaimStatus = "rejected"
)

// ClaimStatuses lists the claim statuses in a fixed order.
var ClaimStatuses = []ClaimStatus{ClaimPending, ClaimConfirmed, ClaimRejected}

// ClaimFinding is what the comparison with the registry found when the
// prefiling was declared.
type ClaimFinding string

const (
	// FindingMatched: registration number and normalised name match a
	// valid, unexpired entry.
	FindingMatched ClaimFinding = "matched"
	// FindingNoRegNo: the prefiling names no registration number.
	FindingNoRegNo ClaimFinding = "no_reg_no"
	// FindingNotFound: no entry has the registration number.
	FindingNotFound ClaimFinding = "not_found"
	// FindingNameMismatch: the entry of the number has another name.
	FindingNameMismatch ClaimFinding = "name_mismatch"
	// FindingExpired: the entry's registration had expired on the
	// declaration date.
	FindingExpired ClaimFinding = "expired"
	// FindingNotValid: the entry is suspended or cancelled.
	FindingNotValid ClaimFinding = "not_valid"
)

// ClaimFindings lists the findings in a fixed order.
var ClaimFindings = []ClaimFinding{FindingMatched, FindingNoRegNo, FindingNotFound, FindingNameMismatch, FindingExpired, FindingNotValid}

// MaxExporterRows bounds one import of the registry (the crawl keeps the
// whole listing; an import adds or corrects entries).
const MaxExporterRows = 5000

// ExporterEntry is one registration as customs keep it.
type ExporterEntry struct {
	RegNo        string         `json:"regNo"`
	Name         string         `json:"name"`
	Country      string         `json:"country"` // ISO 3166-1 alpha-2, as prefiling origins
	Products     string         `json:"products"`
	RegisteredOn string         `json:"registeredOn"` // YYYY-MM-DD, optional
	ExpiresOn    string         `json:"expiresOn"`    // YYYY-MM-DD, optional
	Status       ExporterStatus `json:"status"`
}

// CheckExporterEntry checks an entry; field names are prefix + "." + the
// JSON name ("exporter.regNo", "exporterRows[3].name").
func CheckExporterEntry(prefix string, e ExporterEntry) Problems {
	var ps Problems
	f := func(name string) string { return prefix + "." + name }
	ps = append(ps, CheckText(f("regNo"), e.RegNo, RequiredSingleLine)...)
	ps = append(ps, CheckText(f("name"), e.Name, RequiredSingleLine)...)
	checkPattern(&ps, f("country"), e.Country, FormatCountry, IsCountry)
	ps = append(ps, CheckText(f("products"), e.Products, SingleLine)...)
	checkOptionalPattern(&ps, f("registeredOn"), e.RegisteredOn, FormatDate, isDate)
	checkOptionalPattern(&ps, f("expiresOn"), e.ExpiresOn, FormatDate, isDate)
	if e.RegisteredOn != "" && e.ExpiresOn != "" && isDate(e.RegisteredOn) && isDate(e.ExpiresOn) && e.ExpiresOn < e.RegisteredOn {
		ps.Add(f("expiresOn"), RuleStopBeforeStart, Params{"start": e.RegisteredOn})
	}
	if !slices.Contains(ExporterStatuses, e.Status) {
		ps.Add(f("status"), RuleUnknownValue, nil)
	}
	return ps
}

// Refusals of the exporter registry (the gateway's; the chaincode has none
// of these).
const (
	ReasonExporterExists   Reason = "EXPORTER_EXISTS"    // {regNo}
	ReasonExporterNotFound Reason = "EXPORTER_NOT_FOUND" // {exporterId}
	ReasonClaimNotFound    Reason = "CLAIM_NOT_FOUND"    // {claimId}
	// ReasonClaimDecided: only a pending claim is confirmed or rejected
	// {claimId}.
	ReasonClaimDecided Reason = "CLAIM_ALREADY_DECIDED"
	// ReasonCrawlOff: no registry website is configured to crawl.
	ReasonCrawlOff Reason = "EXPORTER_CRAWL_OFF"
)

func init() {
	maps.Copy(reasonCodes, map[Reason]Code{
		ReasonExporterExists: CodeConflict, ReasonExporterNotFound: CodeNotFound, ReasonClaimNotFound: CodeNotFound,
		ReasonClaimDecided: CodeConflict, ReasonCrawlOff: CodeConflict,
	})
}
