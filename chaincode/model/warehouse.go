package model

import (
	"maps"
	"time"

	"zonetrace/chaincode/tracecode"
)

// The warehouse operators' own records (仓储企业 ERP/WMS 数据): in/out
// records and stocktakes (盘点) they feed to the gateway, and the storage
// locations (库区 → 仓库 → 货架 → 库位) they keep their goods in. They live
// off chain in the gateway (gateway/warehouse); the gateway compares them
// with the ledger's balances. This file is their domain: kinds, levels,
// limits and checks.

// WarehouseRecordKind is what a fed record says happened.
type WarehouseRecordKind string

const (
	WarehouseIn  WarehouseRecordKind = "in"
	WarehouseOut WarehouseRecordKind = "out"
	// WarehouseStocktake is a count (盘点): the weight found at a location,
	// which replaces what the earlier records there add up to.
	WarehouseStocktake WarehouseRecordKind = "stocktake"
)

// WarehouseRecordKinds lists the kinds in a fixed order.
var WarehouseRecordKinds = []WarehouseRecordKind{WarehouseIn, WarehouseOut, WarehouseStocktake}

// Limits of the warehouse feeds.
const (
	// MaxWarehouseRecords bounds one batch or one imported file, so a
	// refusal lists every problem in one answer of reasonable size.
	MaxWarehouseRecords = 5000
	// MaxWarehouseFutureSkew is how far past the receiving time a record's
	// time may lie (clocks of the operators' systems drift; days do not).
	MaxWarehouseFutureSkew = 24 * time.Hour
)

// warehouseEpoch is the earliest time a record may bear: earlier ones are
// unset clocks (1900, 0001), not history.
var warehouseEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, ZoneTime)

// WarehouseRecord is one record of an operator's WMS/ERP. RecordID is the
// operator's own id: resending it changes nothing, resending it changed is
// refused. It names the goods by TraceCode or by the operator's SKU (mapped
// to a trace code beforehand), never both. Weights are grams; At is an RFC
// 3339 time.
type WarehouseRecord struct {
	RecordID    string              `json:"recordId"`
	Kind        WarehouseRecordKind `json:"kind"`
	TraceCode   string              `json:"traceCode,omitempty"`
	SKU         string              `json:"sku,omitempty"`
	Location    string              `json:"location"`
	Packages    int64               `json:"packages"`
	WeightGrams int64               `json:"weightGrams"`
	At          string              `json:"at"`
}

// CheckWarehouseRecord checks one record received at now; prefix names it
// in problems ("records[3]"). A stocktake may count nothing (zero grams);
// an in or out record moves some weight.
func CheckWarehouseRecord(prefix string, r WarehouseRecord, now time.Time) Problems {
	name := func(key string) string { return prefix + "." + key }
	var ps Problems
	checkPattern(&ps, name("recordId"), r.RecordID, FormatRequestID, RequestIDPattern.MatchString)
	switch {
	case r.Kind == "":
		ps.Add(name("kind"), RuleRequired, nil)
	case !isWarehouseRecordKind(r.Kind):
		ps.Add(name("kind"), RuleUnknownValue, nil)
	}
	switch {
	case r.TraceCode == "" && r.SKU == "":
		ps.Add(name("traceCode"), RuleRequired, nil)
	case r.TraceCode != "" && r.SKU != "":
		ps.Add(name("sku"), RuleInvalid, nil)
	case r.TraceCode != "":
		if text := CheckText(name("traceCode"), r.TraceCode, RequiredSingleLine); len(text) > 0 {
			ps = append(ps, text...)
		} else if !tracecode.Valid(r.TraceCode) {
			ps.Add(name("traceCode"), RulePattern, Params{"format": FormatTraceCode})
		}
	default:
		checkPattern(&ps, name("sku"), r.SKU, FormatRequestID, RequestIDPattern.MatchString)
	}
	checkPattern(&ps, name("location"), r.Location, FormatRequestID, RequestIDPattern.MatchString)
	checkRange(&ps, name("packages"), r.Packages, MaxPackages)
	if r.Kind == WarehouseStocktake {
		checkRange(&ps, name("weightGrams"), r.WeightGrams, MaxWeightGrams)
	} else {
		checkAmount(&ps, name("weightGrams"), r.WeightGrams, MaxWeightGrams)
	}
	if r.At == "" {
		ps.Add(name("at"), RuleRequired, nil)
	} else if at, err := time.Parse(time.RFC3339, r.At); err != nil {
		ps.Add(name("at"), RulePattern, Params{"format": FormatTime})
	} else if latest := now.Add(MaxWarehouseFutureSkew); at.Before(warehouseEpoch) || at.After(latest) {
		ps.Add(name("at"), RuleOutOfRange, Params{"min": warehouseEpoch.In(ZoneTime).Format(time.DateTime),
			"max": latest.In(ZoneTime).Format(time.DateTime)})
	}
	return ps
}

func isWarehouseRecordKind(k WarehouseRecordKind) bool {
	for _, x := range WarehouseRecordKinds {
		if x == k {
			return true
		}
	}
	return false
}

// WarehouseColumns are the columns of an imported file (Excel or CSV), in
// the template's order: the record field each fills and its Chinese title.
// A header cell may hold either.
var WarehouseColumns = []struct{ Field, Title string }{
	{"recordId", "记录编号"}, {"kind", "类型"}, {"traceCode", "溯源码"}, {"sku", "商品货号"}, {"location", "库位"},
	{"packages", "件数"}, {"weightGrams", "重量（克）"}, {"at", "时间"},
}

// WarehouseKindTitles are the Chinese names a file may give the kinds.
var WarehouseKindTitles = map[string]WarehouseRecordKind{"入库": WarehouseIn, "出库": WarehouseOut, "盘点": WarehouseStocktake}

// SKUMapping maps an operator's SKU to the trace code of the batch.
type SKUMapping struct {
	SKU       string `json:"sku"`
	TraceCode string `json:"traceCode"`
}

// CheckSKUMapping checks one mapping; prefix names it ("items[2]").
func CheckSKUMapping(prefix string, m SKUMapping) Problems {
	var ps Problems
	checkPattern(&ps, prefix+".sku", m.SKU, FormatRequestID, RequestIDPattern.MatchString)
	checkPattern(&ps, prefix+".traceCode", m.TraceCode, FormatTraceCode, tracecode.Valid)
	return ps
}

// LocationLevel is a level of the storage-location hierarchy.
type LocationLevel string

const (
	LevelArea      LocationLevel = "area"      // 库区
	LevelWarehouse LocationLevel = "warehouse" // 仓库
	LevelShelf     LocationLevel = "shelf"     // 货架
	LevelBin       LocationLevel = "bin"       // 库位
)

// LocationLevels lists the levels from the top down: each level's parent
// is the one before it, and an area has none.
var LocationLevels = []LocationLevel{LevelArea, LevelWarehouse, LevelShelf, LevelBin}

// ParentLevel is the level a location of level l sits in; ok is false for
// an area (and an unknown level).
func ParentLevel(l LocationLevel) (LocationLevel, bool) {
	for i, x := range LocationLevels {
		if x == l && i > 0 {
			return LocationLevels[i-1], true
		}
	}
	return "", false
}

// LocationAction is one kind of change of a storage location; every change
// is kept as a version of the location.
type LocationAction string

const (
	LocationCreate           LocationAction = "create"
	LocationRename           LocationAction = "rename"
	LocationMove             LocationAction = "move"
	LocationDisable          LocationAction = "disable"
	LocationEnable           LocationAction = "enable"
	LocationAttributesChange LocationAction = "attributes"
)

// LocationChangeActions are the actions of a change of an existing location.
var LocationChangeActions = []LocationAction{LocationRename, LocationMove, LocationDisable, LocationEnable, LocationAttributesChange}

// LocationAttributes are the properties of a location customs watch
// (属性): cold storage, and how much it may hold (0: not stated).
type LocationAttributes struct {
	TemperatureControlled bool  `json:"temperatureControlled"`
	CapacityGrams         int64 `json:"capacityGrams"`
}

// NewLocation creates a storage location. Code is the operator's own code,
// the one its feeds name; ParentCode is empty for an area.
type NewLocation struct {
	Code       string             `json:"code"`
	Name       string             `json:"name"`
	Level      LocationLevel      `json:"level"`
	ParentCode string             `json:"parentCode,omitempty"`
	Attributes LocationAttributes `json:"attributes"`
}

// CheckNewLocation checks a location to create; problems name its fields
// "location.code" and so on.
func CheckNewLocation(l NewLocation) Problems {
	var ps Problems
	checkPattern(&ps, "location.code", l.Code, FormatRequestID, RequestIDPattern.MatchString)
	ps = append(ps, CheckText("location.name", l.Name, RequiredSingleLine)...)
	_, hasParent := ParentLevel(l.Level)
	switch {
	case l.Level == "":
		ps.Add("location.level", RuleRequired, nil)
	case l.Level != LevelArea && !hasParent:
		ps.Add("location.level", RuleUnknownValue, nil)
	case hasParent:
		checkPattern(&ps, "location.parentCode", l.ParentCode, FormatRequestID, RequestIDPattern.MatchString)
	case l.ParentCode != "":
		ps.Add("location.parentCode", RuleInvalid, nil)
	}
	checkRange(&ps, "location.capacityGrams", l.Attributes.CapacityGrams, MaxWeightGrams)
	return ps
}

// LocationChange is one change of a location: Name for a rename,
// ParentCode for a move, Attributes for an attribute change.
type LocationChange struct {
	Action     LocationAction     `json:"action"`
	Name       string             `json:"name,omitempty"`
	ParentCode string             `json:"parentCode,omitempty"`
	Attributes LocationAttributes `json:"attributes"`
}

// CheckLocationChange checks a change as far as it can be checked without
// the location (the move's parent level is checked against it).
func CheckLocationChange(c LocationChange) Problems {
	var ps Problems
	switch c.Action {
	case "":
		ps.Add("location.action", RuleRequired, nil)
	case LocationRename:
		ps = append(ps, CheckText("location.name", c.Name, RequiredSingleLine)...)
	case LocationMove:
		checkPattern(&ps, "location.parentCode", c.ParentCode, FormatRequestID, RequestIDPattern.MatchString)
	case LocationAttributesChange:
		checkRange(&ps, "location.capacityGrams", c.Attributes.CapacityGrams, MaxWeightGrams)
	case LocationDisable, LocationEnable:
	default:
		ps.Add("location.action", RuleUnknownValue, nil)
	}
	return ps
}

// Differences the reconciliation of an operator's WMS stock with the
// ledger's balances flags, per trace code.
const (
	// DiffMissingInWMS: the ledger holds goods the WMS does not.
	DiffMissingInWMS = "missing_in_wms"
	// DiffMissingOnLedger: the WMS holds goods the ledger does not.
	DiffMissingOnLedger = "missing_on_ledger"
	// DiffWeight: both hold the goods, in different weights.
	DiffWeight = "weight_differs"
)

// ReconDiffKinds lists the differences in a fixed order.
var ReconDiffKinds = []string{DiffMissingInWMS, DiffMissingOnLedger, DiffWeight}

// Refusals of the warehouse feeds and locations (the gateway's; the
// chaincode has none of these).
const (
	// ReasonNotWarehouseOperator: only warehouse operators keep WMS
	// records and locations {enterpriseId}.
	ReasonNotWarehouseOperator Reason = "NOT_WAREHOUSE_OPERATOR"
	// ReasonRecordChanged: records resent with the ids of earlier ones but
	// different content {recordIds (comma separated), count}; nothing of the batch was kept.
	ReasonRecordChanged    Reason = "WAREHOUSE_RECORD_CHANGED"
	ReasonLocationExists   Reason = "LOCATION_EXISTS"    // {code}
	ReasonLocationNotFound Reason = "LOCATION_NOT_FOUND" // {code}
	// ReasonLocationParentLevel: a location's parent must be of the level
	// above it {code, level, parentLevel}.
	ReasonLocationParentLevel Reason = "LOCATION_PARENT_LEVEL"
	// ReasonLocationHasChildren: a location holding enabled locations
	// cannot be disabled {code, children}.
	ReasonLocationHasChildren Reason = "LOCATION_HAS_CHILDREN"
	// ReasonLocationParentDisabled: nothing is created in or moved into, or
	// enabled under, a disabled location {code}.
	ReasonLocationParentDisabled Reason = "LOCATION_PARENT_DISABLED"
	ReasonReconRunNotFound       Reason = "RECON_RUN_NOT_FOUND" // {runId}
)

// The warehouse reasons join the one table of reasons (reasons.go) here, so
// the warehouse domain stays in this file.
func init() {
	maps.Copy(reasonCodes, map[Reason]Code{
		ReasonNotWarehouseOperator: CodeForbidden, ReasonRecordChanged: CodeConflict,
		ReasonLocationExists: CodeConflict, ReasonLocationNotFound: CodeNotFound,
		ReasonLocationParentLevel: CodeInvalid, ReasonLocationHasChildren: CodeConflict,
		ReasonLocationParentDisabled: CodeConflict, ReasonReconRunNotFound: CodeNotFound,
	})
}
