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
