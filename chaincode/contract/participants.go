package contract

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"slices"
	"strings"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"

	"zonetrace/chaincode/model"
)

// RegisterEnterprise records an enterprise of the zone. Zone admin only.
func (c *Contract) RegisterEnterprise(ctx contractapi.TransactionContextInterface, requestID, enterpriseJSON string) (*model.Enterprise, error) {
	w, err := beginWrite(ctx, "RegisterEnterprise", requestID, model.RoleZoneAdmin)
	if err != nil {
		return nil, err
	}
	in, err := decodeEnterprise(enterpriseJSON)
	if err != nil {
		return nil, err
	}
	var existing model.Enterprise
	found, err := getRecord(ctx, model.KeyEnterprise, []string{in.ID}, &existing)
	if err != nil {
		return nil, err
	}
	if found {
		return nil, model.Refuse(model.ReasonEnterpriseExists, model.Params{"enterpriseId": in.ID}, "enterprise %s is already registered", in.ID)
	}
	e := &model.Enterprise{
		ID:           in.ID,
		Name:         in.Name,
		Kind:         in.Kind,
		CustomsCode:  in.CustomsCode,
		Status:       model.EnterpriseActive,
		RegisteredAt: w.at,
		RegisteredBy: w.caller.Name,
		UpdatedTx:    ctx.GetStub().GetTxID(),
	}
	if err := putRecord(ctx, model.KeyEnterprise, []string{e.ID}, e); err != nil {
		return nil, err
	}
	return e, w.finish(model.DomainEvent{Type: model.EventEnterpriseRegistered, Enterprise: e})
}

// decodeEnterprise reads and checks the enterprise a registration or an
// update submits.
func decodeEnterprise(enterpriseJSON string) (model.Enterprise, error) {
	var in model.Enterprise
	if err := decodeStrict(enterpriseJSON, &in); err != nil {
		return in, err
	}
	in.ID = strings.TrimSpace(in.ID)
	in.Name = strings.TrimSpace(in.Name)
	return in, model.CheckEnterprise(in).Err()
}

// UpdateEnterprise replaces an enterprise's name, kind and customs code
// (the id is the enterprise's unified social credit code and never
// changes). Zone admin only.
func (c *Contract) UpdateEnterprise(ctx contractapi.TransactionContextInterface, requestID, enterpriseJSON string) (*model.Enterprise, error) {
	w, err := beginWrite(ctx, "UpdateEnterprise", requestID, model.RoleZoneAdmin)
	if err != nil {
		return nil, err
	}
	in, err := decodeEnterprise(enterpriseJSON)
	if err != nil {
		return nil, err
	}
	e, err := registeredEnterprise(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	e.Name, e.Kind, e.CustomsCode = in.Name, in.Kind, in.CustomsCode
	return w.changeEnterprise(e)
}

// SetEnterpriseStatus disables (status "disabled") or enables ("active") an
// enterprise. A disabled enterprise's identities submit nothing until it is
// enabled again. Zone admin only.
func (c *Contract) SetEnterpriseStatus(ctx contractapi.TransactionContextInterface, requestID, enterpriseID, status string) (*model.Enterprise, error) {
	w, err := beginWrite(ctx, "SetEnterpriseStatus", requestID, model.RoleZoneAdmin)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(model.EnterpriseStatuses, status) {
		var ps model.Problems
		ps.Add("status", model.RuleUnknownValue, nil)
		return nil, ps.Err()
	}
	e, err := registeredEnterprise(ctx, enterpriseID)
	if err != nil {
		return nil, err
	}
	e.Status = status
	return w.changeEnterprise(e)
}

func registeredEnterprise(ctx contractapi.TransactionContextInterface, id string) (*model.Enterprise, error) {
	var e model.Enterprise
	found, err := getRecord(ctx, model.KeyEnterprise, []string{id}, &e)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, model.Refuse(model.ReasonEnterpriseNotFound, model.Params{"enterpriseId": id}, "enterprise %q is not registered", id)
	}
	return &e, nil
}

func (w *write) changeEnterprise(e *model.Enterprise) (*model.Enterprise, error) {
	e.UpdatedTx = w.ctx.GetStub().GetTxID()
	if err := putRecord(w.ctx, model.KeyEnterprise, []string{e.ID}, e); err != nil {
		return nil, err
	}
	return e, w.finish(model.DomainEvent{Type: model.EventEnterpriseChanged, Enterprise: e})
}

// BindIdentity binds a client certificate of an organisation's MSP to a
// registered enterprise, so that transactions signed with it act for that
// enterprise. Zone admin only. The MSP vouches for the certificate when the
// identity submits; here the zone admin vouches for whose it is.
func (c *Contract) BindIdentity(ctx contractapi.TransactionContextInterface, requestID, enterpriseID, mspID, certPEM string) (*model.IdentityBinding, error) {
	w, err := beginWrite(ctx, "BindIdentity", requestID, model.RoleZoneAdmin)
	if err != nil {
		return nil, err
	}
	var ps model.Problems
	if mspID != model.ZoneAdminMSP && mspID != model.WarehouseMSP {
		// Enterprise identities are issued by ZoneAdminMSP or WarehouseMSP.
		ps.Add("mspId", model.RuleUnknownValue, nil)
	}
	cert := parseCertificate(certPEM)
	if cert == nil {
		ps.Add("certificate", model.RulePattern, model.Params{"format": model.FormatCertificate})
	} else {
		// The common name is recorded as the actor of every transaction the
		// identity signs, so it obeys the rules of any stored text.
		ps = append(ps, model.CheckText("certificateName", cert.Subject.CommonName, model.SingleLine)...)
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	if slices.Contains(cert.Subject.OrganizationalUnit, "admin") {
		return nil, model.Refuse(model.ReasonAdminCertificate, nil, "an admin certificate cannot act for an enterprise")
	}
	var e model.Enterprise
	found, err := getRecord(ctx, model.KeyEnterprise, []string{enterpriseID}, &e)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, model.Refuse(model.ReasonEnterpriseNotFound, model.Params{"enterpriseId": enterpriseID}, "enterprise %q is not registered", enterpriseID)
	}
	clientID, err := clientIDOf(mspID, []byte(certPEM))
	if err != nil {
		return nil, err
	}
	var existing model.IdentityBinding
	found, err = getRecord(ctx, model.KeyIdentity, []string{mspID, clientID}, &existing)
	if err != nil {
		return nil, err
	}
	if found {
		return nil, model.Refuse(model.ReasonIdentityBound, model.Params{"enterpriseId": existing.EnterpriseID}, "identity is already bound to enterprise %s", existing.EnterpriseID)
	}
	b := &model.IdentityBinding{
		MspID:           mspID,
		ClientID:        clientID,
		EnterpriseID:    enterpriseID,
		CertFingerprint: certFingerprint(cert.Raw),
		BoundAt:         w.at,
		BoundBy:         w.caller.Name,
		UpdatedTx:       ctx.GetStub().GetTxID(),
	}
	if err := putRecord(ctx, model.KeyIdentity, []string{mspID, clientID}, b); err != nil {
		return nil, err
	}
	return b, w.finish(model.DomainEvent{Type: model.EventIdentityBound, Identity: b})
}

// GetEnterprise returns a registered enterprise.
func (c *Contract) GetEnterprise(ctx contractapi.TransactionContextInterface, enterpriseID string) (*model.Enterprise, error) {
	who, err := resolveCaller(ctx)
	if err != nil {
		return nil, err
	}
	if err := who.require("GetEnterprise", model.RoleCustoms, model.RoleZoneAdmin, model.RoleEnterprise); err != nil {
		return nil, err
	}
	return registeredEnterprise(ctx, enterpriseID)
}

// WhoAmI returns what the chaincode derives the caller to be; an empty role
// means the identity is not registered with the zone.
func (c *Contract) WhoAmI(ctx contractapi.TransactionContextInterface) (*model.Actor, error) {
	who, err := resolveCaller(ctx)
	if err != nil {
		return nil, err
	}
	return &who.Actor, nil
}

// decodeStrict decodes a JSON argument, refusing unknown fields so a typo in
// a field name is an error rather than silently lost data.
func decodeStrict(raw string, v any) error {
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return model.Refuse(model.ReasonMalformedArgument, nil, "decode argument: %v", err)
	}
	if dec.More() {
		return model.Refuse(model.ReasonMalformedArgument, nil, "decode argument: trailing data after the JSON value")
	}
	return nil
}

// parseCertificate returns the certificate of one PEM CERTIFICATE block, or
// nil.
func parseCertificate(certPEM string) *x509.Certificate {
	block, _ := pem.Decode([]byte(certPEM))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil
	}
	return cert
}

// creatorOf presents a certificate as a transaction creator so that the id is
// computed by cid itself, byte for byte what resolveCaller will see when the
// bound identity submits.
type creatorOf struct{ serialized []byte }

func (c creatorOf) GetCreator() ([]byte, error) { return c.serialized, nil }

// clientIDOf returns cid's client id of a certificate of mspID.
func clientIDOf(mspID string, certPEM []byte) (string, error) {
	serialized, err := proto.Marshal(&msp.SerializedIdentity{Mspid: mspID, IdBytes: certPEM})
	if err != nil {
		return "", fmt.Errorf("serialise identity: %w", err)
	}
	id, err := cid.GetID(creatorOf{serialized: serialized})
	if err != nil {
		var ps model.Problems
		ps.Add("certificate", model.RulePattern, model.Params{"format": model.FormatCertificate})
		return "", ps.Err()
	}
	return id, nil
}
