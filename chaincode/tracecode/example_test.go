package tracecode_test

import (
	"fmt"
	"time"

	"zonetrace/chaincode/tracecode"
)

func ExampleCompose() {
	approvedAt := time.Date(2026, 11, 26, 11, 0, 0, 0, time.UTC)
	code, _ := tracecode.Compose(tracecode.CommodityCode("coffee"), approvedAt, 42)
	fmt.Println(code, tracecode.Valid(code))
	// Output: KSCF261126000421 true
}

func ExampleSequence() {
	approvedAt := time.Date(2026, 11, 26, 11, 0, 0, 0, time.UTC)
	// The first sequence tried for prefiling PF20261126AAAAAAAA; the issuer
	// tries the next probe only when that code was already issued.
	code, _ := tracecode.Compose("CF", approvedAt, tracecode.Sequence("PF20261126AAAAAAAA", 0))
	fmt.Println(code, tracecode.Valid(code))
	// Output: KSCF26112689838A true
}
