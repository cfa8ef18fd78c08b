package loadtest

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"zonetrace/internal/apiclient"
)

// send performs one request as u and records its class, latency and status.
func send(ctx context.Context, u *User, rec *Recorder, r apiclient.Request, out any) {
	t0 := time.Now()
	res, err := u.Client.Do(ctx, r, out)
	latency := time.Since(t0)
	status := 0
	if res != nil {
		status = res.Status
	}
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return // cut off by the end of the run, not an answer
	}
	rec.Add(Result{Class: Classify(r.Method, r.Path), Latency: latency, Status: status})
}

// Run lets users work for duration: each waits a think time drawn from an
// exponential distribution with mean think, acts (an op drawn from mix by
// weight), and again, so each user sends about one action per think plus
// answer time — open-loop-like arrivals while answers stay fast, fewer
// once they slow down (the report's throughput tells). The first action
// comes after a uniform delay within 2×think, so the users do not start
// in step.
func Run(ctx context.Context, users []*User, mix []Op, think, duration time.Duration) Report {
	ctx, cancel := context.WithTimeout(ctx, duration)
	defer cancel()
	rec := NewRecorder()
	total := MixTotal(mix)
	var wg sync.WaitGroup
	for i, u := range users {
		wg.Go(func() {
			rnd := rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano()))) //nolint:gosec // G404: think-time jitter of simulated users; it guards nothing
			pause := time.Duration(rnd.Int64N(int64(2 * think)))
			for {
				select {
				case <-ctx.Done():
					return
				case <-time.After(pause):
				}
				Pick(mix, rnd.IntN(total)).do(ctx, u, rnd, rec)
				pause = time.Duration(rnd.ExpFloat64() * float64(think))
			}
		})
	}
	wg.Wait()
	return rec.Report()
}

// Credentials are one account's username and password.
type Credentials struct{ Username, Password string }

// LoginBurst has every client log in as its credentials at the same moment
// and records the answers in the login class. Clients keep their session.
func LoginBurst(ctx context.Context, clients []*apiclient.Client, creds []Credentials) Report {
	rec := NewRecorder()
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Go(func() {
			<-start
			var out struct {
				Token string `json:"token"`
			}
			r := apiclient.Request{Method: http.MethodPost, Path: "/api/v1/auth/login", NoWait: true,
				Body: map[string]string{"username": creds[i].Username, "password": creds[i].Password}}
			t0 := time.Now()
			res, err := c.Do(ctx, r, &out)
			status := 0
			if res != nil {
				status = res.Status
			}
			rec.Add(Result{Class: Login, Latency: time.Since(t0), Status: status})
			if err == nil {
				c.Token = out.Token
			}
		})
	}
	rec.start = time.Now()
	close(start)
	wg.Wait()
	return rec.Report()
}
