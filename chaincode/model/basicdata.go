package model

import (
	"fmt"
	"maps"
)

// Problems and refusals of the basic data the gateway keeps from the
// external trade platform (gateway/basicdata). The ledger never sees this
// data: the gateway checks drafts against it before declaring.
const (
	// RuleHSCodeUnknown: the HS code is not in the synced code table
	// {hsCode}.
	RuleHSCodeUnknown Rule = "HS_CODE_UNKNOWN"
	// RuleHSCodeNotValid: the HS code is in the table but not valid on the
	// day of declaring {hsCode, date}.
	RuleHSCodeNotValid Rule = "HS_CODE_NOT_VALID"
	// RuleAccountBookUnknown: no synced account book has that number
	// {accountBookNo}.
	RuleAccountBookUnknown Rule = "ACCOUNT_BOOK_UNKNOWN"
	// RuleAccountBookOfOther: the account book is another enterprise's
	// {accountBookNo}.
	RuleAccountBookOfOther Rule = "ACCOUNT_BOOK_OF_OTHER"
	// RuleAccountBookExpired: the account book is not in force on the day
	// of declaring (expired, not yet valid, suspended or closed)
	// {accountBookNo, date}.
	RuleAccountBookExpired Rule = "ACCOUNT_BOOK_EXPIRED"
)

// Refusals of basic data requests.
const (
	ReasonBasicDataSyncNotFound Reason = "BASIC_DATA_SYNC_NOT_FOUND" // {syncId}
	// ReasonBasicDataNotConfigured: no connector to the trade platform is
	// configured, so nothing can be synced.
	ReasonBasicDataNotConfigured Reason = "BASIC_DATA_NOT_CONFIGURED"
	ReasonBasicDataSetUnknown    Reason = "BASIC_DATA_SET_UNKNOWN" // {dataset}
)

var basicDataEnglish = map[Rule]func(v func(string) any) string{
	RuleHSCodeUnknown: func(v func(string) any) string {
		return fmt.Sprintf("HS code %v is not in the code table", v("hsCode"))
	},
	RuleHSCodeNotValid: func(v func(string) any) string {
		return fmt.Sprintf("HS code %v is not valid on %v", v("hsCode"), v("date"))
	},
	RuleAccountBookUnknown: func(v func(string) any) string {
		return fmt.Sprintf("account book %v is unknown", v("accountBookNo"))
	},
	RuleAccountBookOfOther: func(v func(string) any) string {
		return fmt.Sprintf("account book %v belongs to another enterprise", v("accountBookNo"))
	},
	RuleAccountBookExpired: func(v func(string) any) string {
		return fmt.Sprintf("account book %v is not in force on %v", v("accountBookNo"), v("date"))
	},
}

// The basic data rules and reasons join the tables of problem.go and
// reasons.go here, so the basic data domain stays in this file.
func init() {
	Rules = append(Rules, RuleHSCodeUnknown, RuleHSCodeNotValid, RuleAccountBookUnknown, RuleAccountBookOfOther,
		RuleAccountBookExpired)
	maps.Copy(reasonCodes, map[Reason]Code{
		ReasonBasicDataSyncNotFound: CodeNotFound, ReasonBasicDataNotConfigured: CodeConflict,
		ReasonBasicDataSetUnknown: CodeNotFound,
	})
}
