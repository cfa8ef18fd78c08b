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
	bound bool
}

// resolveCaller derives the role of the submitter from its certificate and
// the on-chain identity bindings only. Customs is every CustomsMSP identity;
// the zone administration is a ZoneAdminMSP identity of OU admin; an
// enterprise is any identity the zone admin bound to it.
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
		c.bound = true
	}
	return c, nil
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
