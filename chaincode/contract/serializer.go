package contract

import (
	"reflect"

	"github.com/hyperledger/fabric-contract-api-go/v2/metadata"
	"github.com/hyperledger/fabric-contract-api-go/v2/serializer"
)

// uncheckedSerializer is the contract API's JSON serializer with the same
// conversions and the same text, without its JSON-schema checks. Every
// parameter of this contract is a string, whose schema admits any string,
// and the chaincode checks its contents itself (chaincode/model); every
// result is a model value this code built. The default serializer checked
// each result by encoding it, decoding the text into a map and validating
// the map against the type's generated schema: 11 % of the embedded
// ledger's CPU per transaction for a check that cannot fail
// (docs/benchmarks.md, "Embedded ledger").
type uncheckedSerializer struct {
	serializer.JSONSerializer
}

// FromString converts param as the JSON serializer does, without
// validating it against its schema.
func (s *uncheckedSerializer) FromString(param string, fieldType reflect.Type, _ *metadata.ParameterMetadata, components *metadata.ComponentMetadata) (reflect.Value, error) {
	return s.JSONSerializer.FromString(param, fieldType, nil, components)
}

// ToString encodes result as the JSON serializer does, without validating
// it against its schema.
func (s *uncheckedSerializer) ToString(result reflect.Value, resultType reflect.Type, _ *metadata.ReturnMetadata, components *metadata.ComponentMetadata) (string, error) {
	return s.JSONSerializer.ToString(result, resultType, nil, components)
}
