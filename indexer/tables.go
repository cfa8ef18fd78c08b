package indexer

// projectionTable is a table derived only from blocks, with an ordering by its
// primary key that does not depend on the database's collation.
type projectionTable struct {
	name    string
	orderBy string
}

// projectionTables lists every table Rebuild empties and TableDigest covers.
var projectionTables = []projectionTable{
	{"ledger_blocks", `block_number`},
	{"ledger_transactions", `block_number, tx_index`},
	{"ledger_tx_subjects", `kind COLLATE "C", subject COLLATE "C", block_number, tx_index`},
	{"enterprises", `id COLLATE "C"`},
	{"identity_bindings", `msp_id COLLATE "C", client_id COLLATE "C"`},
	{"prefilings", `id COLLATE "C"`},
	{"prefiling_steps", `prefiling_id COLLATE "C", seq`},
	{"trace_codes", `code COLLATE "C"`},
	{"documents", `id COLLATE "C"`},
	{"document_lines", `document_id COLLATE "C", seq`},
	{"document_tags", `document_id COLLATE "C", seq`},
	{"document_steps", `document_id COLLATE "C", seq`},
	{"movements", `block_number, tx_index, event_index`},
	{"balances", `trace_code COLLATE "C", enterprise_id COLLATE "C", bonded`},
	{"receipts", `id COLLATE "C"`},
	{"rule_configs", `version`},
	{"account_legs", `block_number, tx_index, event_index, incoming`},
	{"account_stock", `trace_code COLLATE "C", enterprise_id COLLATE "C", bonded`},
	{"account_periods", `enterprise_id COLLATE "C", period_id COLLATE "C"`},
	{"account_period_figures", `enterprise_id COLLATE "C", period_id COLLATE "C", trace_code COLLATE "C", bonded`},
	{"risk_disposals", `alert_kind COLLATE "C", subject COLLATE "C", period COLLATE "C"`},
	{"cockpit_sums", `figure COLLATE "C", period COLLATE "C", k1 COLLATE "C", k2 COLLATE "C", k3 COLLATE "C"`},
}
