// Package pgtest gives each test its own empty database on the project's
// PostgreSQL server (scripts/pg.sh start), dropped when the test ends.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultURL is where scripts/pg.sh puts the server.
const DefaultURL = "postgres://postgres@127.0.0.1:54329/postgres?sslmode=disable"

// ServerURL is the admin connection string: ZT_TEST_DATABASE_URL, or
// DefaultURL on the port ZT_PG_PORT names (scripts/pg.sh's own setting).
func ServerURL() string {
	if u := os.Getenv("ZT_TEST_DATABASE_URL"); u != "" {
		return u
	}
	if port := os.Getenv("ZT_PG_PORT"); port != "" {
		return strings.Replace(DefaultURL, ":54329/", ":"+port+"/", 1)
	}
	return DefaultURL
}

// NewDatabase creates a fresh database and returns its connection string. The
// test fails (it does not skip) when the server is unreachable: the tests need
// real PostgreSQL, which `make test` starts.
func NewDatabase(t testing.TB) string {
	t.Helper()
	return newDatabase(t, "")
}

// newDatabase creates a database with the CREATE DATABASE clause given
// (a template) and drops it when the test ends.
func newDatabase(t testing.TB, clause string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, ServerURL())
	if err != nil {
		t.Fatalf("pgtest: PostgreSQL not reachable at %s (run scripts/pg.sh start): %v", ServerURL(), err)
	}
	defer admin.Close(ctx)

	suffix := make([]byte, 6)
	if _, err := rand.Read(suffix); err != nil {
		t.Fatalf("pgtest: random name: %v", err)
	}
	name := "zt_test_" + hex.EncodeToString(suffix)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name+" "+clause); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, ServerURL())
		if err != nil {
			t.Logf("pgtest: drop %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("pgtest: drop %s: %v", name, err)
		}
	})
	return replaceDatabase(ServerURL(), name)
}

// NewPool is NewDatabase plus a pool closed when the test ends.
func NewPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return openPool(t, NewDatabase(t))
}

func openPool(t testing.TB, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func replaceDatabase(url, name string) string {
	rest := ""
	if i := strings.IndexByte(url, '?'); i >= 0 {
		url, rest = url[:i], url[i:]
	}
	if i := strings.LastIndexByte(url, '/'); i > len("postgres://") {
		url = url[:i]
	}
	return url + "/" + name + rest
}
