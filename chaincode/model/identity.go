package model

// Attributes every per-user client certificate carries, in the Fabric CA
// attribute extension (OID 1.2.3.4.5.6.7.8.1, JSON {"attrs":{...}}) that
// fabric-chaincode-go's cid.GetAttributeValue reads. The organisation's CA
// signs them, so the chaincode may authorise from them; the explorer and the
// evidence bundle show them to name the individual behind a transaction.
const (
	// AttrUserID is the gateway user's id (the account's immutable id).
	AttrUserID = "zt.user"
	// AttrUserRole is the user's role: one of the gateway roles
	// (enterprise, customs_officer, customs_admin, zone_admin, auditor).
	AttrUserRole = "zt.role"
	// AttrEnterpriseID is the enterprise an enterprise clerk acts for.
	AttrEnterpriseID = "zt.enterprise"
)
