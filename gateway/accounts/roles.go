package accounts

// Role is what a gateway user may do. It is an off-chain notion: on chain the
// client identity the gateway signs with decides (see gateway/identities).
type Role string

const (
	RoleEnterprise     Role = "enterprise"
	RoleCustomsOfficer Role = "customs_officer"
	RoleCustomsAdmin   Role = "customs_admin"
	RoleZoneAdmin      Role = "zone_admin"
	RoleAuditor        Role = "auditor"
)

// Roles lists the accepted roles in a fixed order.
var Roles = []Role{RoleEnterprise, RoleCustomsOfficer, RoleCustomsAdmin, RoleZoneAdmin, RoleAuditor}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// IsCustoms reports whether r is a customs role.
func (r Role) IsCustoms() bool { return r == RoleCustomsOfficer || r == RoleCustomsAdmin }
