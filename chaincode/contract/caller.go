package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"zonetrace/chaincode/model"
)

// caller is the submitting identity and what the chaincode derived it to be.
type caller struct {
	model.Actor
}

// resolveCaller derives the role of the submitter from its certificate and
// on-chain state only, never from arguments.
//
// A personal certificate (one carrying model.AttrUserRole, which only the
// organisation's CA could have signed into it) names its user, its role and
// for an enterprise clerk its enterprise; the role must be one its MSP
// issues, and the enterprise must be registered.
//
// A certificate without attributes is an organisation's shared identity,
// as every identity was before certificates became personal: customs is
// every CustomsMSP identity; the zone administration a ZoneAdminMSP identity
// of OU admin (the node's own); an enterprise any identity the zone admin
// bound to it.
func resolveCaller(ctx contractapi.TransactionContextInterface) (caller, error) {
	id, err := cid.New(ctx.GetStub())
	if err != nil {
		return caller{}, model.Refuse(model.ReasonIdentityUnreadable, nil, "read client identity: %v", err)
	}
	mspID, err := id.GetMSPID()
	if err != nil {
		return caller{}, model.Refuse(model.ReasonIdentityUnreadable, nil, "read client MSP: %v", err)
	}
	clientID, err := id.GetID()
	if err != nil {
		return caller{}, model.Refuse(model.ReasonIdentityUnreadable, nil, "read client id: %v", err)
	}
	cert, err := id.GetX509Certificate()
	if err != nil {
		return caller{}, model.Refuse(model.ReasonIdentityUnreadable, nil, "read client certificate: %v", err)
	}
	c := caller{Actor: model.Actor{MspID: mspID, ClientID: clientID, Name: cert.Subject.CommonName}}

	userRole, personal, err := id.GetAttributeValue(model.AttrUserRole)
	if err != nil {
		return caller{}, model.Refuse(model.ReasonIdentityUnreadable, nil, "read client attributes: %v", err)
	}
	if personal {
		return personalCaller(ctx, id, c, userRole)
	}

	switch {
	case mspID == model.CustomsMSP:
		c.Role = model.RoleCustoms
		return c, nil
	case mspID == model.ZoneAdminMSP && slices.Contains(cert.Subject.OrganizationalUnit, "admin"):
		c.Role = model.RoleZoneAdmin
		return c, nil
	}

	var binding model.IdentityBinding
	found, err := getRecord(ctx, model.KeyIdentity, []string{mspID, clientID}, &binding)
	if err != nil {
		return caller{}, err
	}
	if found {
		c.Role = model.RoleEnterprise
		c.EnterpriseID = binding.EnterpriseID
	}
	return c, nil
}

// personalCaller authorises a personal certificate from its attributes.
func personalCaller(ctx contractapi.TransactionContextInterface, id *cid.ClientID, c caller, userRole string) (caller, error) {
	role, issuer, ok := model.RoleOfUser(userRole)
	if !ok || issuer != c.MspID {
		return caller{}, model.Refuse(model.ReasonIdentityRoleMismatch, model.Params{"userRole": userRole, "mspId": c.MspID},
			"a certificate of %s may not name user role %q", c.MspID, userRole)
	}
	userID, err := requiredAttribute(id, model.AttrUserID)
	if err != nil {
		return caller{}, err
	}
	c.Role, c.UserID, c.UserRole = role, userID, userRole
	if role != model.RoleEnterprise {
		return c, nil
	}
	if c.EnterpriseID, err = requiredAttribute(id, model.AttrEnterpriseID); err != nil {
		return caller{}, err
	}
	if _, err := registeredEnterprise(ctx, c.EnterpriseID); err != nil {
		return caller{}, err
	}
	return c, nil
}

func requiredAttribute(id *cid.ClientID, name string) (string, error) {
	v, _, err := id.GetAttributeValue(name)
	if err != nil {
		return "", model.Refuse(model.ReasonIdentityUnreadable, nil, "read client attribute %s: %v", name, err)
	}
	if v == "" {
		return "", model.Refuse(model.ReasonIdentityAttributeMissing, model.Params{"attribute": name},
			"the personal certificate has no attribute %s", name)
	}
	return v, nil
}

// require fails unless the caller has one of the roles.
func (c caller) require(action string, roles ...model.Role) error {
	if c.Role == "" {
		return model.Refuse(model.ReasonIdentityNotRegistered, model.Params{"action": action, "name": c.Name, "mspId": c.MspID},
			"%s: identity %q of %s is not registered with the zone", action, c.Name, c.MspID)
	}
	if !slices.Contains(roles, c.Role) {
		return model.Refuse(model.ReasonRoleNotAllowed, model.Params{"action": action, "role": string(c.Role)}, "%s: not allowed for role %s", action, c.Role)
	}
	return nil
}

// certFingerprint is the hex SHA-256 of a DER certificate.
func certFingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}
