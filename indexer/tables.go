package indexer

// projectionTable is a table derived only from blocks, with an ordering by its
// primary key that does not depend on the database's collation.
type projectionTable struct {
	name    string
	orderBy string
}

// projectionTables lists every table Rebuild empties and TableDigest covers.
var projectionTables = []projectionTable{
	{"ledger_transactions", `block_number, tx_index`},
	{"enterprises", `id COLLATE "C"`},
	{"identity_bindings", `msp_id COLLATE "C", client_id COLLATE "C"`},
	{"prefilings", `id COLLATE "C"`},
	{"prefiling_steps", `prefiling_id COLLATE "C", seq`},
	{"trace_codes", `code COLLATE "C"`},
}
