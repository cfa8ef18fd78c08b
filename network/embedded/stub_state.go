package embedded

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/syndtr/goleveldb/leveldb"
)

// validationParameterKey is the metadata name the Fabric shim uses for
// key-level endorsement policies.
var validationParameterKey = peer.MetaDataKeys_VALIDATION_PARAMETER.String()

// committed reads a key from the snapshot and records the read.
func (s *stub) committed(key string) (*stateRecord, error) {
	raw, err := s.snap.Get(stateKey(key), nil)
	if errors.Is(err, leveldb.ErrNotFound) {
		s.rw.read(key, nil)
		return nil, nil
	}
	if err != nil {
		return nil, s.noteFault(fmt.Errorf("read state %q: %w", key, err))
	}
	rec, err := decodeState(raw)
	if err != nil {
		return nil, s.noteFault(fmt.Errorf("read state %q: %w", key, err))
	}
	v := rec.Version
	s.rw.read(key, &v)
	return rec, nil
}

// GetState returns the committed value of key, nil if absent.
func (s *stub) GetState(key string) ([]byte, error) {
	rec, err := s.committed(key)
	if err != nil || rec == nil {
		return nil, err
	}
	return rec.Value, nil
}

// GetMultipleStates returns the committed values of keys in order.
func (s *stub) GetMultipleStates(keys ...string) ([][]byte, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	out := make([][]byte, len(keys))
	for i, k := range keys {
		v, err := s.GetState(k)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// PutState records a write; an empty value is a delete, as in Fabric.
func (s *stub) PutState(key string, value []byte) error {
	if err := validateWriteKey(key); err != nil {
		return err
	}
	s.rw.put(key, value)
	return nil
}

// DelState records a delete.
func (s *stub) DelState(key string) error {
	if err := validateWriteKey(key); err != nil {
		return err
	}
	s.rw.del(key)
	return nil
}

// SetStateValidationParameter stores ep as the key's validation-parameter
// metadata. The embedded ledger keeps it but, having a single endorser,
// enforces no endorsement policy.
func (s *stub) SetStateValidationParameter(key string, ep []byte) error {
	if err := validateWriteKey(key); err != nil {
		return err
	}
	s.rw.putMeta(key, validationParameterKey, ep)
	return nil
}

// GetStateValidationParameter returns the key's validation-parameter
// metadata and records a read of the key.
func (s *stub) GetStateValidationParameter(key string) ([]byte, error) {
	rec, err := s.committed(key)
	if err != nil || rec == nil {
		return nil, err
	}
	return rec.Meta[validationParameterKey], nil
}

func validateWriteKey(key string) error {
	if key == "" {
		return errors.New("key must not be an empty string")
	}
	if !utf8.ValidString(key) {
		return fmt.Errorf("key [%x] is not a valid UTF-8 string", key)
	}
	return nil
}
