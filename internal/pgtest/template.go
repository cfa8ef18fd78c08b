package pgtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Template is a database prepared once — migrated — and copied for every
// test that asks for it, so a package of a hundred tests runs its
// migrations once instead of a hundred times. The template's name carries
// a digest of Sources and Version: changed migrations make a new template,
// and an unchanged one is reused by later runs and other packages.
type Template struct {
	// Name is a short lower-case name: the template is zt_tmpl_<Name>_<digest>.
	Name string
	// Sources are the migration files whose content names the template.
	Sources []fs.FS
	// Version names what Sources cannot show (a library's own migrations).
	Version string
	// Prepare migrates the empty database at url.
	Prepare func(ctx context.Context, url string) error
}

var prepared sync.Map // template name → *sync.Once-guarded error

type preparation struct {
	once sync.Once
	err  error
}

// Database is a fresh copy of the template, dropped when the test ends.
func (tp Template) Database(t testing.TB) string {
	t.Helper()
	name, err := tp.name()
	if err != nil {
		t.Fatalf("pgtest: template %s: %v", tp.Name, err)
	}
	p, _ := prepared.LoadOrStore(name, &preparation{})
	prep := p.(*preparation)
	prep.once.Do(func() { prep.err = tp.prepare(name) })
	if prep.err != nil {
		t.Fatalf("pgtest: template %s: %v", name, prep.err)
	}
	return newDatabase(t, "TEMPLATE "+name)
}

// Pool is Database plus a pool closed when the test ends.
func (tp Template) Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return openPool(t, tp.Database(t))
}

func (tp Template) name() (string, error) {
	h := sha256.New()
	h.Write([]byte(tp.Version)) // a hash.Hash's Write never fails
	for _, src := range tp.Sources {
		err := fs.WalkDir(src, ".", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			raw, err := fs.ReadFile(src, path)
			if err != nil {
				return err
			}
			h.Write([]byte(path + "\x00"))
			h.Write(raw)
			return nil
		})
		if err != nil {
			return "", err
		}
	}
	return "zt_tmpl_" + tp.Name + "_" + hex.EncodeToString(h.Sum(nil))[:12], nil
}

// prepare makes the template unless another run or test process made it:
// the build goes under an advisory lock into a scratch database renamed to
// the template's name only once it is complete.
func (tp Template) prepare(name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, ServerURL())
	if err != nil {
		return err
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock(hashtext($1))`, name); err != nil {
		return err
	}
	defer admin.Exec(context.Background(), `SELECT pg_advisory_unlock(hashtext($1))`, name) //nolint:errcheck // closing the connection unlocks too
	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil || exists {
		return err
	}
	build := name + "_build"
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+build+" WITH (FORCE)"); err != nil {
		return err
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+build); err != nil {
		return err
	}
	if err := tp.Prepare(ctx, replaceDatabase(ServerURL(), build)); err != nil {
		return err
	}
	_, err = admin.Exec(ctx, "ALTER DATABASE "+build+" RENAME TO "+name)
	return err
}
