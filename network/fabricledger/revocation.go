package fabricledger

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hyperledger/fabric-config/configtx"
	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/orderer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/protobuf/proto"

	"zonetrace/network/ledger"
)

// revocationPoll is how often PublishRevocations looks whether every peer
// enforces the new list.
const revocationPoll = 250 * time.Millisecond

// PublishRevocations makes crlPEM, the current revocation list of mspID's CA
// (cumulative, so it replaces the list the channel holds), the revocation
// list of mspID in the channel configuration, and returns once every
// organisation's peer enforces it: from then on no peer endorses for a
// revoked certificate. admin signs the configuration update and must be an
// admin of mspID (the organisation's Admins policy governs its MSP value).
// A channel that already holds the list is left as it is.
func (l *Ledger) PublishRevocations(ctx context.Context, admin ledger.Signer, mspID string, crlPEM []byte) error {
	block, _ := pem.Decode(crlPEM)
	if block == nil || block.Type != "X509 CRL" {
		return errors.New("publish revocations: no PEM X509 CRL")
	}
	crl, err := x509.ParseCRL(block.Bytes) //nolint:staticcheck // fabric-config's MSP type holds pkix.CertificateList
	if err != nil {
		return fmt.Errorf("publish revocations: %w", err)
	}
	config, err := l.channelConfig(ctx, -1)
	if err != nil {
		return fmt.Errorf("publish revocations: %w", err)
	}
	tx := configtx.New(config)
	org := tx.Application().Organization(mspID)
	if org == nil {
		return fmt.Errorf("publish revocations: %s is no organisation of channel %s", mspID, l.cfg.Connection.Channel)
	}
	current, err := org.MSP().Configuration()
	if err != nil {
		return fmt.Errorf("publish revocations: read MSP of %s: %w", mspID, err)
	}
	if holdsOnly(current.RevocationList, crl) {
		return nil
	}
	current.RevocationList = []*pkix.CertificateList{crl}
	if err := org.SetMSP(current); err != nil {
		return fmt.Errorf("publish revocations: %w", err)
	}
	update, err := tx.ComputeMarshaledUpdate(l.cfg.Connection.Channel)
	if err != nil {
		return fmt.Errorf("publish revocations: %w", err)
	}
	env, err := signedConfigUpdate(admin, update)
	if err != nil {
		return fmt.Errorf("publish revocations: %w", err)
	}
	if err := broadcast(ctx, config, env); err != nil {
		return fmt.Errorf("publish revocations: %w", err)
	}
	l.cfg.Logger.Info("revocation list published to the channel", "msp", mspID, "revoked", len(crl.TBSCertList.RevokedCertificates))
	for org := range l.conns {
		if err := l.awaitRevocationList(ctx, org, mspID, crl); err != nil {
			return fmt.Errorf("publish revocations: %w", err)
		}
	}
	return nil
}

func holdsOnly(lists []*pkix.CertificateList, crl *pkix.CertificateList) bool {
	return len(lists) == 1 && bytes.Equal(lists[0].TBSCertList.Raw, crl.TBSCertList.Raw)
}

// awaitRevocationList waits until organisation org's peer has committed the
// configuration holding crl.
func (l *Ledger) awaitRevocationList(ctx context.Context, org int, mspID string, crl *pkix.CertificateList) error {
	for {
		config, err := l.channelConfig(ctx, org)
		if err == nil {
			tx := configtx.New(config)
			if o := tx.Application().Organization(mspID); o != nil {
				m, err := o.MSP().Configuration()
				if err == nil && holdsOnly(m.RevocationList, crl) {
					return nil
				}
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for the peer of %s to enforce the list: %w", l.cfg.Connection.Organizations[org].MspID, ctx.Err())
		case <-time.After(revocationPoll):
		}
	}
}

// channelConfig reads the channel's current configuration from organisation
// org's peer (any peer when org is -1): the configuration block the newest
// block points to.
func (l *Ledger) channelConfig(ctx context.Context, org int) (*common.Config, error) {
	query := func(function string, args ...string) ([]byte, error) {
		if org < 0 {
			return l.querySystem(ctx, function, args...)
		}
		gw, err := l.gateway(l.cfg.Listener, org)
		if err != nil {
			return nil, err
		}
		qscc := gw.GetNetwork(l.cfg.Connection.Channel).GetContract("qscc")
		return qscc.EvaluateWithContext(ctx, function, client.WithArguments(append([]string{l.cfg.Connection.Channel}, args...)...))
	}
	raw, err := query("GetChainInfo")
	if err != nil {
		return nil, fmt.Errorf("read channel configuration: %w", err)
	}
	var info common.BlockchainInfo
	if err := proto.Unmarshal(raw, &info); err != nil {
		return nil, fmt.Errorf("read channel configuration: %w", err)
	}
	last, err := readBlock(query, info.GetHeight()-1)
	if err != nil {
		return nil, err
	}
	configNumber, err := lastConfigIndex(last)
	if err != nil {
		return nil, err
	}
	b, err := readBlock(query, configNumber)
	if err != nil {
		return nil, err
	}
	return configOf(b)
}

func readBlock(query func(string, ...string) ([]byte, error), n uint64) (*common.Block, error) {
	raw, err := query("GetBlockByNumber", strconv.FormatUint(n, 10))
	if err != nil {
		return nil, fmt.Errorf("read block %d: %w", n, err)
	}
	var b common.Block
	if err := proto.Unmarshal(raw, &b); err != nil {
		return nil, fmt.Errorf("read block %d: %w", n, err)
	}
	return &b, nil
}

// lastConfigIndex is the number of the configuration block in force at b,
// which the orderer records in b's signatures metadata.
func lastConfigIndex(b *common.Block) (uint64, error) {
	metadata := b.GetMetadata().GetMetadata()
	if len(metadata) <= int(common.BlockMetadataIndex_SIGNATURES) {
		return 0, errors.New("read channel configuration: block without signatures metadata")
	}
	var md common.Metadata
	if err := proto.Unmarshal(metadata[common.BlockMetadataIndex_SIGNATURES], &md); err != nil {
		return 0, fmt.Errorf("read channel configuration: %w", err)
	}
	var obm common.OrdererBlockMetadata
	if err := proto.Unmarshal(md.GetValue(), &obm); err != nil {
		return 0, fmt.Errorf("read channel configuration: %w", err)
	}
	return obm.GetLastConfig().GetIndex(), nil
}

func configOf(b *common.Block) (*common.Config, error) {
	if len(b.GetData().GetData()) != 1 {
		return nil, errors.New("read channel configuration: configuration block holds no single envelope")
	}
	var env common.Envelope
	if err := proto.Unmarshal(b.Data.Data[0], &env); err != nil {
		return nil, fmt.Errorf("read channel configuration: %w", err)
	}
	var payload common.Payload
	if err := proto.Unmarshal(env.GetPayload(), &payload); err != nil {
		return nil, fmt.Errorf("read channel configuration: %w", err)
	}
	var ce common.ConfigEnvelope
	if err := proto.Unmarshal(payload.GetData(), &ce); err != nil {
		return nil, fmt.Errorf("read channel configuration: %w", err)
	}
	if ce.GetConfig() == nil {
		return nil, errors.New("read channel configuration: block holds no configuration")
	}
	return ce.Config, nil
}

// signedConfigUpdate wraps update in an envelope carrying signer's
// signature of the update and of the envelope, both made by the signer
// itself (the keystore never hands its key out).
func signedConfigUpdate(signer ledger.Signer, update []byte) (*common.Envelope, error) {
	header, err := signatureHeader(signer)
	if err != nil {
		return nil, err
	}
	sig, err := signJoined(signer, header, update)
	if err != nil {
		return nil, fmt.Errorf("sign configuration update: %w", err)
	}
	env, err := configtx.NewEnvelope(update, &common.ConfigSignature{SignatureHeader: header, Signature: sig})
	if err != nil {
		return nil, err
	}
	var payload common.Payload
	if err := proto.Unmarshal(env.Payload, &payload); err != nil {
		return nil, fmt.Errorf("sign configuration envelope: %w", err)
	}
	if payload.Header.SignatureHeader, err = signatureHeader(signer); err != nil {
		return nil, err
	}
	if env.Payload, err = proto.Marshal(&payload); err != nil {
		return nil, fmt.Errorf("sign configuration envelope: %w", err)
	}
	if env.Signature, err = signJoined(signer, env.Payload); err != nil {
		return nil, fmt.Errorf("sign configuration envelope: %w", err)
	}
	return env, nil
}

func signatureHeader(signer ledger.Signer) ([]byte, error) {
	creator, err := proto.Marshal(&msp.SerializedIdentity{Mspid: signer.MspID(), IdBytes: signer.Credentials()})
	if err != nil {
		return nil, fmt.Errorf("encode signer: %w", err)
	}
	nonce := make([]byte, 24)
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("draw nonce: %w", err)
	}
	header, err := proto.Marshal(&common.SignatureHeader{Creator: creator, Nonce: nonce})
	if err != nil {
		return nil, fmt.Errorf("encode signature header: %w", err)
	}
	return header, nil
}

func signJoined(signer ledger.Signer, parts ...[]byte) ([]byte, error) {
	digest := sha256.Sum256(bytes.Join(parts, nil))
	return signer.Sign(digest[:])
}

// broadcast sends env to the channel's orderers, as its configuration
// lists them, until one accepts it.
func broadcast(ctx context.Context, config *common.Config, env *common.Envelope) error {
	tx := configtx.New(config)
	var errs []string
	for name := range config.GetChannelGroup().GetGroups()[configtx.OrdererGroupKey].GetGroups() {
		org, err := tx.Orderer().Organization(name).Configuration()
		if err != nil {
			errs = append(errs, name+": "+err.Error())
			continue
		}
		roots := x509.NewCertPool()
		for _, c := range slices.Concat(org.MSP.TLSRootCerts, org.MSP.TLSIntermediateCerts) {
			roots.AddCert(c)
		}
		for _, endpoint := range org.OrdererEndpoints {
			err := broadcastTo(ctx, endpoint, roots, env)
			if err == nil {
				return nil
			}
			errs = append(errs, endpoint+": "+err.Error())
		}
	}
	return fmt.Errorf("no orderer accepted the configuration update: %s", strings.Join(errs, "; "))
}

func broadcastTo(ctx context.Context, endpoint string, roots *x509.CertPool, env *common.Envelope) error {
	conn, err := grpc.NewClient(endpoint, grpc.WithTransportCredentials(credentials.NewClientTLSFromCert(roots, "")))
	if err != nil {
		return err
	}
	defer conn.Close() //nolint:errcheck // nothing to do about a failed close
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	stream, err := orderer.NewAtomicBroadcastClient(conn).Broadcast(ctx)
	if err != nil {
		return err
	}
	if err := stream.Send(env); err != nil {
		return err
	}
	resp, err := stream.Recv()
	if err != nil {
		return err
	}
	if resp.GetStatus() != common.Status_SUCCESS {
		return fmt.Errorf("%s: %s", resp.GetStatus(), resp.GetInfo())
	}
	return stream.CloseSend()
}
