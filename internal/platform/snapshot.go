package platform

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"zonetrace/network/embedded"
	"zonetrace/network/ledger"
	"zonetrace/network/pki"
)

// Why a snapshot: a running node holds the embedded ledger's LevelDB lock
// exclusively, and goleveldb's read-only mode still takes a shared lock on
// the same file, so no second process can open the store while the node
// runs. The auditor (and rebuild) therefore read a private copy taken at one
// instant.
//
// Why the copy is consistent: LevelDB never changes a table file (.ldb,
// .sst) after writing it, only appends to its journal (.log) and MANIFEST,
// and rewrites CURRENT only when it starts a new MANIFEST; every other change
// (a memtable flush, a compaction, a new journal or manifest) creates or
// deletes files, and a table is written in full before a MANIFEST names it.
// So if the set of files, the tables' sizes and CURRENT are the same before
// and after copying, the copy holds, complete, every table the copied
// MANIFEST names, and a prefix of each journal; LevelDB's recovery, built for a crash in the
// middle of a write, drops a torn last record. The result is the store as
// it stood after some committed block: a block and its height are written by
// one atomic batch. If the file set changed, the copy is thrown away and
// taken again. Tables are hard-linked when possible (instant, no space;
// the node deleting its link later leaves ours intact) and copied otherwise.

// snapshotAttempts bounds the retries of a copy that raced a compaction.
const snapshotAttempts = 20

// snapshotStore copies the LevelDB stores under src (walking subfolders) to
// dst, which must not exist, as they stood at one instant.
func snapshotStore(src, dst string) error {
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("snapshot ledger store: %w", err)
	}
	var lastChange string
	for attempt := range snapshotAttempts {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt) * 20 * time.Millisecond)
		}
		if err := os.RemoveAll(dst); err != nil {
			return fmt.Errorf("snapshot ledger store: %w", err)
		}
		same, err := copyOnce(src, dst, copyStore)
		if errors.Is(err, fs.ErrNotExist) {
			lastChange = err.Error() // a file went away under us: compaction
			continue
		}
		if err != nil {
			return fmt.Errorf("snapshot ledger store: %w", err)
		}
		if same {
			return nil
		}
		lastChange = "the store's files changed while being copied"
	}
	_ = os.RemoveAll(dst)
	return fmt.Errorf("snapshot ledger store: no consistent copy in %d attempts (%s)", snapshotAttempts, lastChange)
}

// copyOnce copies src to dst with copyFiles (copyStore; tests interleave a
// change) and reports whether src's files stayed the same meanwhile.
func copyOnce(src, dst string, copyFiles func(src, dst string, files map[string]string) error) (bool, error) {
	before, err := listStore(src)
	if err != nil {
		return false, err
	}
	if err := copyFiles(src, dst, before); err != nil {
		return false, err
	}
	after, err := listStore(src)
	if err != nil {
		return false, err
	}
	return maps.Equal(before, after), nil
}

// listStore maps every file under dir that a copy needs to what must not
// change while it is copied: CURRENT's content (which names the live
// MANIFEST) and a table's size (a copied table still being written must not
// become one the copied MANIFEST names). Journals and manifests may grow.
func listStore(dir string) (map[string]string, error) {
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || skipInSnapshot(d.Name()) {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		files[rel] = ""
		switch {
		case d.Name() == "CURRENT":
			content, err := os.ReadFile(path) //nolint:gosec // G304: the operator's data folder
			if err != nil {
				return err
			}
			files[rel] = string(content)
		case isTable(d.Name()):
			info, err := d.Info()
			if err != nil {
				return err
			}
			files[rel] = strconv.FormatInt(info.Size(), 10)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	return files, nil
}

// skipInSnapshot: the lock belongs to the running node and the info logs are
// not data.
func skipInSnapshot(name string) bool {
	return name == "LOCK" || name == "LOG" || name == "LOG.old"
}

func copyStore(src, dst string, files map[string]string) error {
	for rel, current := range files {
		from, to := filepath.Join(src, rel), filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
			return err
		}
		switch {
		case filepath.Base(rel) == "CURRENT":
			// Written from the listing so that it names the manifest the
			// listing saw; a change shows in the second listing.
			if err := os.WriteFile(to, []byte(current), 0o600); err != nil {
				return err
			}
		case isTable(rel):
			if err := os.Link(from, to); err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return err
				}
				if err := copyFile(from, to); err != nil {
					return err
				}
			}
		default:
			if err := copyFile(from, to); err != nil {
				return err
			}
		}
	}
	return nil
}

func isTable(name string) bool {
	return strings.HasSuffix(name, ".ldb") || strings.HasSuffix(name, ".sst")
}

func copyFile(from, to string) (err error) {
	in, err := os.Open(from) //nolint:gosec // G304: the operator's data folder
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) //nolint:gosec // G304: our own snapshot folder
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	_, err = io.Copy(out, in)
	return err
}

// snapshotLedger is an embedded ledger opened on a snapshot; Close removes
// the snapshot.
type snapshotLedger struct {
	*embedded.Ledger
	dir string
}

func (s *snapshotLedger) Close() error {
	err := s.Ledger.Close()
	return errors.Join(err, os.RemoveAll(s.dir))
}

// OpenReadLedger opens a node's ledger for reading (rebuild, audit) whether
// or not the node runs: an embedded ledger through a snapshot of its store
// (see snapshotStore) taken in a temporary folder next to it and removed by
// Close, so the node's own store is never opened nor changed; a Fabric
// ledger through the network, as the node does.
func OpenReadLedger(ctx context.Context, kind, dataDir, fabricConnection string, log *slog.Logger) (ledger.Ledger, error) {
	switch kind {
	case "", LedgerEmbedded:
		return openEmbeddedSnapshot(ctx, dataDir, log, nil)
	case LedgerFabric:
		l, _, err := OpenFabricLedger(ctx, fabricConnection, dataDir, log)
		return l, err
	default:
		return nil, fmt.Errorf("unknown ledger %q (want %q or %q)", kind, LedgerEmbedded, LedgerFabric)
	}
}

// openEmbeddedSnapshot snapshots dataDir's embedded ledger, runs check (if
// any) on the snapshot's store before anything opens it, and opens it.
func openEmbeddedSnapshot(ctx context.Context, dataDir string, log *slog.Logger, check func(dir string) error) (_ *snapshotLedger, err error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// Next to the store so that tables can be hard-linked; elsewhere if the
	// data folder is read-only.
	tmp, err := os.MkdirTemp(dataDir, ".snapshot-")
	if err != nil {
		if tmp, err = os.MkdirTemp("", "zonetrace-snapshot-"); err != nil {
			return nil, fmt.Errorf("snapshot ledger store: %w", err)
		}
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(tmp)
		}
	}()
	dir := filepath.Join(tmp, "ledger")
	if err := snapshotStore(filepath.Join(dataDir, "ledger"), dir); err != nil {
		return nil, err
	}
	if check != nil {
		if err := check(dir); err != nil {
			return nil, err
		}
	}
	ca, err := pki.Open(filepath.Join(dataDir, "pki"))
	if err != nil {
		return nil, fmt.Errorf("open dev PKI: %w", err)
	}
	l, err := openEmbedded(ctx, dir, ca, nil, log)
	if err != nil {
		return nil, err
	}
	return &snapshotLedger{Ledger: l, dir: tmp}, nil
}
