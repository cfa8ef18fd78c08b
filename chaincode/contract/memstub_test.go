package contract

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/attrmgr"
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/queryresult"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"zonetrace/chaincode/model"
)

// world is an in-memory ledger for unit tests of the contract's logic: each
// invoke runs the real chaincode through contractapi's Invoke on a fresh stub,
// and its writes are kept only when the chaincode succeeds, as a peer would.
// The embedded ledger's own tests and the end-to-end tests cover the real stub.
type world struct {
	t     *testing.T
	cc    *contractapi.ContractChaincode
	state map[string][]byte
	clock time.Time
	txSeq int
	// lastEvent is the event of the last successful transaction.
	lastEvent *model.EventEnvelope
	// shadow, when set, endorses every transaction too, and its answer,
	// writes and event must equal cc's.
	shadow *contractapi.ContractChaincode
}

func newWorld(t *testing.T) *world {
	cc, err := NewChaincode()
	require.NoError(t, err)
	return &world{t: t, cc: cc, state: map[string][]byte{}, clock: time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC)}
}

// testIdentity is a client certificate under a test CA of an MSP.
type testIdentity struct {
	mspID   string
	certPEM string
}

var testCAs = map[string]*testCA{}

type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func caFor(t *testing.T, mspID string) *testCA {
	if ca, ok := testCAs[mspID]; ok {
		return ca
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "ca." + mspID, Organization: []string{mspID}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	ca := &testCA{cert: cert, key: key}
	testCAs[mspID] = ca
	return ca
}

func newIdentity(t *testing.T, mspID, cn, ou string) testIdentity {
	return newPersonalIdentity(t, mspID, cn, ou, nil)
}

// newPersonalIdentity is newIdentity carrying attrs in Fabric CA's
// attribute extension, as network/pki issues users' certificates.
func newPersonalIdentity(t *testing.T, mspID, cn, ou string, attrs map[string]string) testIdentity {
	ca := caFor(t, mspID)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn, OrganizationalUnit: []string{ou}, Organization: []string{mspID}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	if attrs != nil {
		value, err := json.Marshal(attrmgr.Attributes{Attrs: attrs})
		require.NoError(t, err)
		tmpl.ExtraExtensions = []pkix.Extension{{Id: attrmgr.AttrOID, Value: value}}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	require.NoError(t, err)
	return testIdentity{mspID: mspID, certPEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))}
}

// invoke runs one transaction and returns its payload or the chaincode's
// error message.
func (w *world) invoke(id testIdentity, function string, args ...string) ([]byte, error) {
	stub, resp := w.endorse(id, function, args...)
	if resp.Status >= shim.ERRORTHRESHOLD {
		return nil, fmt.Errorf("%s", resp.Message)
	}
	w.commit(stub)
	return resp.Payload, nil
}

// endorse runs one transaction against the committed state without
// committing it, as a peer simulates a proposal; the stub keeps what it
// read and wrote.
func (w *world) endorse(id testIdentity, function string, args ...string) (*memStub, *peer.Response) {
	w.txSeq++
	w.clock = w.clock.Add(time.Second)
	creator, err := proto.Marshal(&msp.SerializedIdentity{Mspid: id.mspID, IdBytes: []byte(id.certPEM)})
	require.NoError(w.t, err)
	newStub := func() *memStub {
		return &memStub{
			world:   w,
			writes:  map[string][]byte{},
			reads:   map[string]bool{},
			txID:    fmt.Sprintf("tx%04d", w.txSeq),
			creator: creator,
			args:    append([]string{function}, args...),
			ts:      timestamppb.New(w.clock),
		}
	}
	stub := newStub()
	resp := w.cc.Invoke(stub)
	if w.shadow != nil {
		shadowStub := newStub()
		shadowResp := w.shadow.Invoke(shadowStub)
		require.Equal(w.t, shadowResp.Status, resp.Status, function)
		require.Equal(w.t, shadowResp.Message, resp.Message, function)
		require.Equal(w.t, string(shadowResp.Payload), string(resp.Payload), function)
		require.Equal(w.t, shadowStub.writes, stub.writes, function)
		require.Equal(w.t, string(shadowStub.event), string(stub.event), function)
	}
	return stub, resp
}

// commit applies an endorsed transaction's writes and keeps its event.
func (w *world) commit(stub *memStub) {
	for k, v := range stub.writes {
		if v == nil {
			delete(w.state, k)
		} else {
			w.state[k] = v
		}
	}
	if stub.event != nil {
		var env model.EventEnvelope
		require.NoError(w.t, json.Unmarshal(stub.event, &env))
		w.lastEvent = &env
	}
}

// snapshot copies the state, to prove that a refused transaction changed nothing.
func (w *world) snapshot() map[string]string {
	out := make(map[string]string, len(w.state))
	for k, v := range w.state {
		out[k] = string(v)
	}
	return out
}

type memStub struct {
	shim.ChaincodeStubInterface // methods the contract never calls panic
	world                       *world
	writes                      map[string][]byte
	// reads are the committed keys the transaction read, and ranges the
	// composite-key prefixes it iterated: its read set, which Fabric
	// validates against what committed meanwhile.
	reads   map[string]bool
	ranges  []string
	txID    string
	creator []byte
	args    []string
	ts      *timestamppb.Timestamp
	event   []byte
}

func (s *memStub) GetTxID() string                                 { return s.txID }
func (s *memStub) GetChannelID() string                            { return "zonetrace" }
func (s *memStub) GetCreator() ([]byte, error)                     { return s.creator, nil }
func (s *memStub) GetTxTimestamp() (*timestamppb.Timestamp, error) { return s.ts, nil }
func (s *memStub) GetStringArgs() []string                         { return s.args }
func (s *memStub) GetFunctionAndParameters() (string, []string) {
	return s.args[0], s.args[1:]
}
func (s *memStub) GetArgs() [][]byte {
	out := make([][]byte, len(s.args))
	for i, a := range s.args {
		out[i] = []byte(a)
	}
	return out
}
func (s *memStub) GetState(key string) ([]byte, error) {
	if v, ok := s.writes[key]; ok {
		return v, nil
	}
	s.reads[key] = true
	return s.world.state[key], nil
}
func (s *memStub) PutState(key string, value []byte) error {
	if key == "" {
		return fmt.Errorf("empty key")
	}
	s.writes[key] = value
	return nil
}
func (s *memStub) SetEvent(name string, payload []byte) error {
	if name != model.EventName {
		return fmt.Errorf("unexpected event name %q", name)
	}
	s.event = payload
	return nil
}
func (s *memStub) CreateCompositeKey(objectType string, attributes []string) (string, error) {
	for _, a := range append([]string{objectType}, attributes...) {
		if strings.ContainsRune(a, 0) {
			return "", fmt.Errorf("attribute contains U+0000")
		}
	}
	return "\x00" + objectType + "\x00" + strings.Join(attributes, "\x00") + "\x00", nil
}

// GetStateByPartialCompositeKey iterates the committed keys under the
// partial key in key order, as Fabric does: a transaction's own writes
// are not seen.
func (s *memStub) GetStateByPartialCompositeKey(objectType string, attributes []string) (shim.StateQueryIteratorInterface, error) {
	prefix, err := s.CreateCompositeKey(objectType, attributes)
	if err != nil {
		return nil, err
	}
	s.ranges = append(s.ranges, prefix)
	var kvs []*queryresult.KV
	for k, v := range s.world.state {
		if strings.HasPrefix(k, prefix) {
			kvs = append(kvs, &queryresult.KV{Key: k, Value: v})
		}
	}
	slices.SortFunc(kvs, func(a, b *queryresult.KV) int { return strings.Compare(a.Key, b.Key) })
	return &memIterator{kvs: kvs}, nil
}

type memIterator struct{ kvs []*queryresult.KV }

func (it *memIterator) HasNext() bool { return len(it.kvs) > 0 }
func (it *memIterator) Close() error  { return nil }
func (it *memIterator) Next() (*queryresult.KV, error) {
	kv := it.kvs[0]
	it.kvs = it.kvs[1:]
	return kv, nil
}
