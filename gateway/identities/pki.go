package identities

import (
	"zonetrace/network/ledger"
	"zonetrace/network/pki"
)

// PKI adapts a keystore of network/pki (the software one, *pki.PKI, or a
// hardware one) to Keystore.
func PKI(p pki.KeyStore) Keystore { return pkiKeystore{p} }

type pkiKeystore struct{ p pki.KeyStore }

func (k pkiKeystore) Issue(mspID, commonName, ou string) (ledger.Signer, error) {
	id, err := k.p.Issue(mspID, commonName, ou)
	if err != nil {
		return nil, err
	}
	return id, nil
}

func (k pkiKeystore) Enrol(m pki.Member) (ledger.Signer, error) {
	id, err := k.p.Enrol(m)
	if err != nil {
		return nil, err
	}
	return id, nil
}

func (k pkiKeystore) CRL(mspID string) ([]byte, error) { return k.p.CRL(mspID) }

func (k pkiKeystore) RevokeMember(mspID, name string) (bool, error) {
	return k.p.RevokeMember(mspID, name)
}
