package gateway

import (
	"zonetrace/network/ledger"
	"zonetrace/network/pki"
)

// pkiKeystore lets identities.Resolver use the dev PKI without importing it.
type pkiKeystore struct{ p *pki.PKI }

func (k pkiKeystore) Issue(mspID, commonName, ou string) (ledger.Signer, error) {
	id, err := k.p.Issue(mspID, commonName, ou)
	if err != nil {
		return nil, err
	}
	return id, nil
}

func (k pkiKeystore) Load(mspID, commonName string) (ledger.Signer, error) {
	id, err := k.p.Load(mspID, commonName)
	if err != nil {
		return nil, err
	}
	return id, nil
}
