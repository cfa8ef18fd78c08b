package model

// EnterpriseKind is what an enterprise does in the zone.
type EnterpriseKind string

const (
	KindImporter  EnterpriseKind = "importer"
	KindWarehouse EnterpriseKind = "warehouse"
	KindTrader    EnterpriseKind = "trader"
	KindProcessor EnterpriseKind = "processor"
	KindLogistics EnterpriseKind = "logistics"
)

// EnterpriseKinds lists the accepted kinds in a fixed order.
var EnterpriseKinds = []EnterpriseKind{KindImporter, KindWarehouse, KindTrader, KindProcessor, KindLogistics}

// Enterprise is a company registered in the zone by the zone administration.
// ID is its 18-character unified social credit code (统一社会信用代码).
type Enterprise struct {
	ID           string         `json:"id"`
	Name         string         `json:"name"`
	Kind         EnterpriseKind `json:"kind"`
	CustomsCode  string         `json:"customsCode,omitempty" metadata:",optional"`
	Status       string         `json:"status"`
	RegisteredAt string         `json:"registeredAt"`
	RegisteredBy string         `json:"registeredBy"`
	UpdatedTx    string         `json:"updatedTx"`
}

// Enterprise statuses: a disabled enterprise's identities submit nothing
// (the contract refuses ENTERPRISE_DISABLED) and its users cannot log in.
const (
	EnterpriseActive   = "active"
	EnterpriseDisabled = "disabled"
)

// EnterpriseStatuses lists the enterprise statuses in a fixed order.
var EnterpriseStatuses = []string{EnterpriseActive, EnterpriseDisabled}

// IdentityBinding ties a client identity (MSP ID + x509 client id) to the
// enterprise it acts for. Authorisation inside the chaincode is derived from
// this binding, never from function arguments.
type IdentityBinding struct {
	MspID        string `json:"mspId"`
	ClientID     string `json:"clientId"`
	EnterpriseID string `json:"enterpriseId"`
	// CertFingerprint is the hex SHA-256 of the DER certificate bound.
	CertFingerprint string `json:"certFingerprint"`
	BoundAt         string `json:"boundAt"`
	BoundBy         string `json:"boundBy"`
	UpdatedTx       string `json:"updatedTx"`
}

// Role is what the chaincode derived a caller to be.
type Role string

const (
	RoleCustoms    Role = "customs"
	RoleZoneAdmin  Role = "zone_admin"
	RoleEnterprise Role = "enterprise"
	// RoleAuditor reads off-chain only: every transaction refuses it.
	RoleAuditor Role = "auditor"
)

// User roles, the values of a certificate's AttrUserRole: the gateway's
// roles of its users.
const (
	UserEnterprise     = "enterprise"
	UserCustomsOfficer = "customs_officer"
	UserCustomsAdmin   = "customs_admin"
	UserZoneAdmin      = "zone_admin"
	UserAuditor        = "auditor"
)

// UserRoles lists the user roles in a fixed order.
var UserRoles = []string{UserEnterprise, UserCustomsOfficer, UserCustomsAdmin, UserZoneAdmin, UserAuditor}

// RoleOfUser is the chaincode role of a user role and the one MSP whose CA
// may issue certificates naming it: customs' roles CustomsMSP, the zone's
// staff, enterprise clerks and auditors ZoneAdminMSP. ok is false for a
// value that is no user role.
func RoleOfUser(userRole string) (role Role, mspID string, ok bool) {
	switch userRole {
	case UserCustomsOfficer, UserCustomsAdmin:
		return RoleCustoms, CustomsMSP, true
	case UserZoneAdmin:
		return RoleZoneAdmin, ZoneAdminMSP, true
	case UserEnterprise:
		return RoleEnterprise, ZoneAdminMSP, true
	case UserAuditor:
		return RoleAuditor, ZoneAdminMSP, true
	}
	return "", "", false
}

// MSP IDs of the three organisations of the zone channel.
const (
	CustomsMSP   = "CustomsMSP"
	ZoneAdminMSP = "ZoneAdminMSP"
	WarehouseMSP = "WarehouseMSP"
)

// Actor records who did something, for history entries: the organisation
// (MSP, role) and, for a personal certificate, the individual.
type Actor struct {
	MspID        string `json:"mspId"`
	ClientID     string `json:"clientId"`
	Role         Role   `json:"role"`
	EnterpriseID string `json:"enterpriseId,omitempty" metadata:",optional"`
	// Name is the certificate's common name, for display.
	Name string `json:"name"`
	// UserID and UserRole are the certificate's AttrUserID and
	// AttrUserRole: the gateway user who acted. Empty for the
	// organisations' shared identities.
	UserID   string `json:"userId,omitempty" metadata:",optional"`
	UserRole string `json:"userRole,omitempty" metadata:",optional"`
}
