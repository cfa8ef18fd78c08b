package pki

import (
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

const (
	certFile = "cert.pem"
	keyFile  = "key.pem"
	dirMode  = 0o700
	keyMode  = 0o600
	certMode = 0o644
)

// writePair atomically creates dir holding cert.pem and key.pem. It reports
// created=false, and writes nothing, when dir already exists (another call or
// process won the race); the caller then loads what is there.
func writePair(dir string, certPEM, keyPEM []byte) (created bool, err error) {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, dirMode); err != nil {
		return false, fmt.Errorf("create %s: %w", parent, err)
	}
	if _, err := os.Stat(dir); err == nil {
		return false, nil
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return false, fmt.Errorf("create temporary directory in %s: %w", parent, err)
	}
	defer os.RemoveAll(tmp) //nolint:errcheck // best effort: gone after a successful rename
	if err := os.Chmod(tmp, dirMode); err != nil {
		return false, fmt.Errorf("restrict %s: %w", tmp, err)
	}
	if err := writeSynced(filepath.Join(tmp, keyFile), keyPEM, keyMode); err != nil {
		return false, err
	}
	if err := writeSynced(filepath.Join(tmp, certFile), certPEM, certMode); err != nil {
		return false, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(dir); statErr == nil {
			return false, nil
		}
		return false, fmt.Errorf("move %s into place: %w", dir, err)
	}
	return true, nil
}

func writeSynced(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	return nil
}

// readPair reads cert.pem and key.pem from dir. A missing directory or file
// yields an error wrapping fs.ErrNotExist.
func readPair(dir string) (certPEM, keyPEM []byte, err error) {
	certPEM, err = os.ReadFile(filepath.Join(dir, certFile))
	if err != nil {
		return nil, nil, fmt.Errorf("read certificate: %w", err)
	}
	keyPEM, err = os.ReadFile(filepath.Join(dir, keyFile))
	if err != nil {
		return nil, nil, fmt.Errorf("read private key: %w", err)
	}
	return certPEM, keyPEM, nil
}

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

func encodePEM(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// replaceFile atomically replaces path with data: readers see the old or
// the new content, never a part.
func replaceFile(path string, data []byte, mode os.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return fmt.Errorf("create temporary file in %s: %w", dir, err)
	}
	name := tmp.Name()
	_ = tmp.Close()
	_ = os.Remove(name)
	if err := writeSynced(name, data, mode); err != nil {
		return err
	}
	if err := os.Rename(name, path); err != nil {
		_ = os.Remove(name)
		return fmt.Errorf("move %s into place: %w", path, err)
	}
	return nil
}

// pemBlock returns the DER bytes of the first PEM block of type typ.
func pemBlock(data []byte, typ string) []byte {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != typ {
		return nil
	}
	return block.Bytes
}
