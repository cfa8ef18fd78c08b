package customsmsg

import (
	"bytes"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// largeReceipt builds an SAS223 gate receipt of about size bytes: many
// business blocks with distinct numbers (the 一车多票 case taken to
// extremes) and one long note written in many character-data pieces.
func largeReceipt(size int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><Package><EnvelopInfo><message_id>M1</message_id><message_type>SAS223</message_type></EnvelopInfo>`)
	b.WriteString(`<DataInfo><PocketInfo><pocket_id>P1</pocket_id><total_pocket_qty>1</total_pocket_qty><cur_pocket_no>1</cur_pocket_no></PocketInfo>`)
	b.WriteString(`<BussinessData><SAS223><HdeApprResult><etpsPreentNo>202400000144400007</etpsPreentNo><businessId>Z3111I240805000000000007</businessId>`)
	b.WriteString(`<manageResult>1</manageResult><manageDate>2024-08-05 14:30:10</manageDate></HdeApprResult><CheckInfo><note>`)
	// Entity references split character data into many tokens.
	for b.Len() < size/3 {
		b.WriteString("放行&amp;")
	}
	b.WriteString(`</note></CheckInfo>`)
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, `<SasPassportRlt><rltNo>QD%016d\QD%016d</rltNo></SasPassportRlt>`, 2*i, 2*i+1)
	}
	b.WriteString(`</SAS223></BussinessData></DataInfo></Package>`)
	return b.Bytes()
}

func parseLarge(raw []byte) (Receipt, error) {
	m, err := Parse(raw)
	if err != nil {
		return Receipt{}, err
	}
	return Assemble([]Pocket{m.Pocket})
}

// TestReceiptXMLIsLinear: a 3 MB receipt parses, and its work grows
// linearly: twice the input costs about twice the allocations, not four
// times (the quadratic parser appended text by copying and looked up every
// number in a list).
func TestReceiptXMLIsLinear(t *testing.T) {
	raw := largeReceipt(3 << 20)
	r, err := parseLarge(raw)
	require.NoError(t, err)
	require.Greater(t, len(r.CustomsNos), 10_000)
	require.True(t, strings.HasPrefix(r.Notes[0], "放行&放行&"))

	allocBytes := func(size int) float64 {
		raw := largeReceipt(size)
		res := testing.Benchmark(func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := parseLarge(raw); err != nil {
					b.Fatal(err)
				}
			}
		})
		return float64(res.AllocedBytesPerOp())
	}
	small, large := allocBytes(512<<10), allocBytes(1<<20)
	require.Less(t, large/small, 3.0, "doubling the input must not quadruple the allocated bytes (%.0f → %.0f)", small, large)
}

// BenchmarkParseReceipt3MB reads a 3 MB receipt (Parse, then Assemble)
// and reports the wall and the CPU time per read: on the shared machine the
// CPU time says what an idle core would take.
func BenchmarkParseReceipt3MB(b *testing.B) {
	raw := largeReceipt(3 << 20)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	cpu := cpuTime(b)
	for b.Loop() {
		if _, err := parseLarge(raw); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime(b)-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

// cpuTime is the user and system CPU time the process has used.
func cpuTime(tb testing.TB) time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

func TestMismatchedTagsAreMalformed(t *testing.T) {
	for _, raw := range []string{`<Package><a></b></Package>`, `<Package><a>`, `<x:Package></y:Package>`, `</Package>`} {
		_, err := Parse([]byte(raw))
		require.ErrorIs(t, err, ErrMalformed, raw)
	}
}
