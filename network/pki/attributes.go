package pki

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"maps"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/attrmgr"
)

// attributeExtension encodes attrs as Fabric CA does: a non-critical
// extension 1.2.3.4.5.6.7.8.1 whose value is the bare JSON
// {"attrs":{...}}, which cid.GetAttributeValue reads in the chaincode.
func attributeExtension(attrs map[string]string) (pkix.Extension, error) {
	value, err := json.Marshal(&attrmgr.Attributes{Attrs: attrs})
	if err != nil {
		return pkix.Extension{}, fmt.Errorf("encode certificate attributes: %w", err)
	}
	return pkix.Extension{Id: attrmgr.AttrOID, Value: value}, nil
}

// certAttributes reads the attributes of cert; a certificate without the
// extension has none.
func certAttributes(cert *x509.Certificate) (map[string]string, error) {
	attrs, err := attrmgr.New().GetAttributesFromCert(cert)
	if err != nil {
		return nil, fmt.Errorf("read certificate attributes: %w", err)
	}
	return maps.Clone(attrs.Attrs), nil
}
