package embedded

import (
	"fmt"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
)

// Private data collections are not supported by the embedded ledger: every
// method returns an error naming the collection.

func privateData(collection string) error {
	return fmt.Errorf("private data collection %q: %w", collection, errUnsupported)
}

// GetPrivateData is not supported.
func (s *stub) GetPrivateData(collection, _ string) ([]byte, error) {
	return nil, privateData(collection)
}

// GetMultiplePrivateData is not supported.
func (s *stub) GetMultiplePrivateData(collection string, _ ...string) ([][]byte, error) {
	return nil, privateData(collection)
}

// GetPrivateDataHash is not supported.
func (s *stub) GetPrivateDataHash(collection, _ string) ([]byte, error) {
	return nil, privateData(collection)
}

// PutPrivateData is not supported.
func (s *stub) PutPrivateData(collection, _ string, _ []byte) error {
	return privateData(collection)
}

// DelPrivateData is not supported.
func (s *stub) DelPrivateData(collection, _ string) error { return privateData(collection) }

// PurgePrivateData is not supported.
func (s *stub) PurgePrivateData(collection, _ string) error { return privateData(collection) }

// SetPrivateDataValidationParameter is not supported.
func (s *stub) SetPrivateDataValidationParameter(collection, _ string, _ []byte) error {
	return privateData(collection)
}

// GetPrivateDataValidationParameter is not supported.
func (s *stub) GetPrivateDataValidationParameter(collection, _ string) ([]byte, error) {
	return nil, privateData(collection)
}

// GetPrivateDataByRange is not supported.
func (s *stub) GetPrivateDataByRange(collection, _, _ string) (shim.StateQueryIteratorInterface, error) {
	return nil, privateData(collection)
}

// GetPrivateDataByPartialCompositeKey is not supported.
func (s *stub) GetPrivateDataByPartialCompositeKey(collection, _ string, _ []string) (shim.StateQueryIteratorInterface, error) {
	return nil, privateData(collection)
}

// GetPrivateDataQueryResult is not supported.
func (s *stub) GetPrivateDataQueryResult(collection, _ string) (shim.StateQueryIteratorInterface, error) {
	return nil, privateData(collection)
}
