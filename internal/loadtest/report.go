// Package loadtest drives a running gateway the way a working day does:
// many logged-in users, each sending a request about once a second after
// a random think time, mostly reads with some draft saves and about one
// declaration in a hundred (waiting until it is indexed); and bursts of
// simultaneous logins. It records every answer and reports the latency
// percentiles per class (read, write, login), errors, 503s and
// throughput. `make bench` runs it (cmd/zonetrace, BenchmarkLoad*);
// docs/benchmarks.md has the figures.
package loadtest

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
)

// Class groups requests whose targets differ.
type Class string

// The classes of the targets: read p95 ≤ 200 ms, write p95 ≤ 500
// ms, login p95 ≤ 3 s.
const (
	Read  Class = "read"
	Write Class = "write"
	Login Class = "login"
)

// Classify says which class an HTTP request belongs to: a login is its own
// class, any other non-GET is a write.
func Classify(method, path string) Class {
	switch {
	case strings.HasSuffix(strings.SplitN(path, "?", 2)[0], "/auth/login"):
		return Login
	case method == "GET" || method == "HEAD":
		return Read
	default:
		return Write
	}
}

// Result is one answered (or failed) request.
type Result struct {
	Class   Class
	Latency time.Duration
	// Status is the HTTP status, 0 when no answer came (transport error).
	Status int
}

// Recorder collects results from many goroutines.
type Recorder struct {
	mu      sync.Mutex
	results []Result
	start   time.Time
}

// NewRecorder starts the clock of a run.
func NewRecorder() *Recorder { return &Recorder{start: time.Now()} }

// Add records one result.
func (r *Recorder) Add(res Result) {
	r.mu.Lock()
	r.results = append(r.results, res)
	r.mu.Unlock()
}

// Report summarises what was recorded since NewRecorder.
func (r *Recorder) Report() Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	return Summarise(r.results, time.Since(r.start))
}

// Stats are one class's figures.
type Stats struct {
	Count         int
	P50, P95, P99 time.Duration
	Max           time.Duration
	// Errors counts every answer that is not 2xx, transport errors
	// included; Unavailable the 503s among them; Statuses the errors by
	// status (0: no answer, e.g. the client's timeout).
	Errors, Unavailable int
	Statuses            map[int]int
}

// Report is a run's figures per class.
type Report struct {
	Elapsed time.Duration
	Classes map[Class]Stats
}

// Summarise computes the report of results collected over elapsed.
func Summarise(results []Result, elapsed time.Duration) Report {
	latencies := map[Class][]time.Duration{}
	rep := Report{Elapsed: elapsed, Classes: map[Class]Stats{}}
	for _, res := range results {
		latencies[res.Class] = append(latencies[res.Class], res.Latency)
		s := rep.Classes[res.Class]
		s.Count++
		if res.Status < 200 || res.Status > 299 {
			s.Errors++
			if s.Statuses == nil {
				s.Statuses = map[int]int{}
			}
			s.Statuses[res.Status]++
		}
		if res.Status == 503 {
			s.Unavailable++
		}
		rep.Classes[res.Class] = s
	}
	for c, l := range latencies {
		slices.Sort(l)
		s := rep.Classes[c]
		s.P50, s.P95, s.P99, s.Max = Percentile(l, 0.50), Percentile(l, 0.95), Percentile(l, 0.99), l[len(l)-1]
		rep.Classes[c] = s
	}
	return rep
}

// Percentile is the nearest-rank p-quantile (0 < p ≤ 1) of sorted: the
// smallest value that at least p of the values do not exceed. Zero for no
// values.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// Throughput is the answers per second of all classes together.
func (r Report) Throughput() float64 {
	n := 0
	for _, s := range r.Classes {
		n += s.Count
	}
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(n) / r.Elapsed.Seconds()
}

// Errors and Unavailable are the totals over all classes.
func (r Report) Errors() (errors, unavailable int) {
	for _, s := range r.Classes {
		errors += s.Errors
		unavailable += s.Unavailable
	}
	return errors, unavailable
}

// String is a table line per class, for the benchmark's log.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%.1f requests/s over %s\n", r.Throughput(), r.Elapsed.Round(time.Millisecond))
	for _, c := range []Class{Read, Write, Login} {
		s, ok := r.Classes[c]
		if !ok {
			continue
		}
		fmt.Fprintf(&b, "  %-5s n=%d p50=%s p95=%s p99=%s max=%s errors=%d 503=%d", c, s.Count,
			ms(s.P50), ms(s.P95), ms(s.P99), ms(s.Max), s.Errors, s.Unavailable)
		if len(s.Statuses) > 0 {
			fmt.Fprintf(&b, " by status %v", s.Statuses)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func ms(d time.Duration) string { return d.Round(100 * time.Microsecond).String() }
