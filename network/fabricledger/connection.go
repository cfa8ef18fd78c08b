package fabricledger

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
)

// Connection describes a network as network/fabric/channel.sh writes it.
type Connection struct {
	Channel   string `json:"channel"`
	Chaincode string `json:"chaincode"`
	// CryptoConfig is cryptogen's output folder: the organisations' CAs.
	CryptoConfig  string         `json:"cryptoConfig"`
	Organizations []Organization `json:"organizations"`
}

// Organization is one channel member and its gateway peer.
type Organization struct {
	MspID  string `json:"mspId"`
	Domain string `json:"domain"`
	// PeerEndpoint is host:port of the organisation's peer.
	PeerEndpoint string `json:"peerEndpoint"`
	// PeerHostOverride is the TLS server name to expect, if not the host.
	PeerHostOverride string `json:"peerHostOverride"`
	// TLSCACert is the path of the PEM CA certificate of the peer's TLS.
	TLSCACert string `json:"tlsCACert"`
}

// LoadConnection reads and checks a connection description.
func LoadConnection(path string) (Connection, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Connection{}, fmt.Errorf("read connection description: %w", err)
	}
	var c Connection
	if err := json.Unmarshal(raw, &c); err != nil {
		return Connection{}, fmt.Errorf("parse connection description %s: %w", path, err)
	}
	if err := c.validate(); err != nil {
		return Connection{}, fmt.Errorf("connection description %s: %w", path, err)
	}
	return c, nil
}

func (c Connection) validate() error {
	switch {
	case c.Channel == "":
		return errors.New("no channel")
	case c.Chaincode == "":
		return errors.New("no chaincode")
	case len(c.Organizations) == 0:
		return errors.New("no organizations")
	}
	for i, o := range c.Organizations {
		if o.MspID == "" || o.PeerEndpoint == "" || o.TLSCACert == "" {
			return fmt.Errorf("organization %d needs mspId, peerEndpoint and tlsCACert", i)
		}
	}
	return nil
}

// orgIndex returns the index of mspID's organisation, or -1.
func (c Connection) orgIndex(mspID string) int {
	return slices.IndexFunc(c.Organizations, func(o Organization) bool { return o.MspID == mspID })
}
