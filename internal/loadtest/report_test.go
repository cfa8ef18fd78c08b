package loadtest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestPercentileIsNearestRank(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	l := ms(hundred...)
	require.Equal(t, 50*time.Millisecond, Percentile(l, 0.50))
	require.Equal(t, 95*time.Millisecond, Percentile(l, 0.95))
	require.Equal(t, 99*time.Millisecond, Percentile(l, 0.99))
	require.Equal(t, 100*time.Millisecond, Percentile(l, 1))
	// 200 logins: p95 is the 190th answer.
	l = make([]time.Duration, 200)
	for i := range l {
		l[i] = time.Duration(i+1) * time.Millisecond
	}
	require.Equal(t, 190*time.Millisecond, Percentile(l, 0.95))
	require.Equal(t, 7*time.Millisecond, Percentile(ms(7), 0.99))
	require.Equal(t, 2*time.Millisecond, Percentile(ms(1, 2, 3), 0.5), "ceil(1.5) = 2nd of 3")
	require.Zero(t, Percentile(nil, 0.95))
}

func TestClassify(t *testing.T) {
	require.Equal(t, Login, Classify("POST", "/api/v1/auth/login"))
	require.Equal(t, Login, Classify("POST", "/api/v1/auth/login?x=1"))
	require.Equal(t, Read, Classify("GET", "/api/v1/prefilings?page=1"))
	require.Equal(t, Write, Classify("POST", "/api/v1/prefiling-drafts/d1/declare"))
	require.Equal(t, Write, Classify("PUT", "/api/v1/prefiling-drafts/d1"))
	require.Equal(t, Write, Classify("POST", "/api/v1/auth/logout"))
}

func TestSummariseCountsErrorsAndUnavailablePerClass(t *testing.T) {
	results := []Result{
		{Read, 10 * time.Millisecond, 200}, {Read, 30 * time.Millisecond, 200}, {Read, 20 * time.Millisecond, 404},
		{Write, 100 * time.Millisecond, 201}, {Write, 13 * time.Second, 503}, {Write, time.Second, 0},
		{Login, 2 * time.Second, 200},
	}
	rep := Summarise(results, 2*time.Second)
	require.Equal(t, Stats{Count: 3, P50: 20 * time.Millisecond, P95: 30 * time.Millisecond, P99: 30 * time.Millisecond,
		Max: 30 * time.Millisecond, Errors: 1, Statuses: map[int]int{404: 1}}, rep.Classes[Read])
	w := rep.Classes[Write]
	require.Equal(t, 3, w.Count)
	require.Equal(t, 2, w.Errors, "a 503 and a transport error")
	require.Equal(t, 1, w.Unavailable)
	require.Equal(t, map[int]int{503: 1, 0: 1}, w.Statuses)
	require.Equal(t, time.Second, w.P50)
	require.Equal(t, 13*time.Second, w.P95)
	errs, unavailable := rep.Errors()
	require.Equal(t, 3, errs)
	require.Equal(t, 1, unavailable)
	require.InDelta(t, 3.5, rep.Throughput(), 1e-9)
}

func TestMixSharesAndPick(t *testing.T) {
	require.Equal(t, 100, MixTotal(Mix), "weights are per cent")
	counts := map[string]int{}
	for x := range MixTotal(Mix) {
		counts[Pick(Mix, x).Name]++
	}
	for _, op := range Mix {
		require.Equal(t, op.Weight, counts[op.Name], op.Name)
	}
	require.Equal(t, 1, counts["declare"], "1 % declarations")
	require.Equal(t, "list prefilings", Pick(Mix, 0).Name)
	require.Equal(t, "declare", Pick(Mix, 99).Name)
	require.Panics(t, func() { Pick(Mix, 100) })
}
