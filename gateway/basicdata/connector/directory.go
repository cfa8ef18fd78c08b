package connector

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Directory reads the files the trade platform drops into Dir: one JSON file
// a delivery, named <dataset>_<anything>.json (hs_codes_20261128.json),
// holding {"dataset": …, "full": true|false, "records": […]}. The platform
// writes a file under another name (*.tmp, or a dot name) and renames it
// when complete, so a file being written is never read. A file is never
// deleted: applied, it moves to Dir/done; refused, to Dir/failed with the
// reason beside it in <name>.reason.txt.
type Directory struct {
	Dir string
}

// Name names the connector in the sync log.
func (d Directory) Name() string { return "directory" }

// Subfolders of Dir.
const (
	DoneDir   = "done"
	FailedDir = "failed"
)

// Fetch returns the files of dataset in name order (os.ReadDir sorts); since
// is not needed, as a file is read once.
func (d Directory) Fetch(_ context.Context, dataset string, _ time.Time) ([]Delivery, error) {
	entries, err := os.ReadDir(d.Dir)
	if err != nil {
		return nil, fmt.Errorf("drop folder: %w", err)
	}
	var out []Delivery
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".json") ||
			!strings.HasPrefix(name, dataset+"_") {
			continue
		}
		out = append(out, d.read(dataset, name))
	}
	return out, nil
}

func (d Directory) read(dataset, name string) Delivery {
	path := filepath.Join(d.Dir, name)
	del := Delivery{Dataset: dataset, Source: name, settle: func(refused error) error { return d.settle(name, refused) }}
	raw, err := os.ReadFile(path) //nolint:gosec // G304: a file os.ReadDir listed in the operator's --basic-data-dir
	if err != nil {
		del.Invalid = fmt.Errorf("read %s: %w", name, err)
		return del
	}
	var env envelope
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	switch err := dec.Decode(&env); {
	case err != nil:
		del.Invalid = fmt.Errorf("%s is not a complete JSON delivery: %w", name, err)
	case dec.More():
		del.Invalid = fmt.Errorf("%s holds more than one JSON value", name)
	case env.Dataset != dataset:
		del.Invalid = fmt.Errorf("%s names data set %q, its file name %q", name, env.Dataset, dataset)
	case env.Records == nil:
		del.Invalid = fmt.Errorf("%s has no records list", name)
	default:
		del.Full, del.Records = env.Full, env.Records
	}
	return del
}

// settle moves the file to done/ or failed/, never over an earlier file of
// the same name.
func (d Directory) settle(name string, refused error) error {
	folder := DoneDir
	if refused != nil {
		folder = FailedDir
	}
	dir := filepath.Join(d.Dir, folder)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("settle %s: %w", name, err)
	}
	target := filepath.Join(dir, name)
	for i := 1; ; i++ {
		if _, err := os.Lstat(target); errors.Is(err, os.ErrNotExist) {
			break
		}
		target = filepath.Join(dir, fmt.Sprintf("%s.%d", name, i))
	}
	if refused != nil {
		// Readable by the folder's group (failed/ is 0o750): the reason is
		// for the trade platform's operators and holds no secret, only
		// what is wrong with their file.
		if err := os.WriteFile(target+".reason.txt", []byte(refused.Error()+"\n"), 0o640); err != nil { //nolint:gosec // G306: see above
			return fmt.Errorf("settle %s: %w", name, err)
		}
	}
	if err := os.Rename(filepath.Join(d.Dir, name), target); err != nil {
		return fmt.Errorf("settle %s: %w", name, err)
	}
	return nil
}
