// Package keepfile writes a file without losing another: a file that holds
// other bytes is never overwritten, the new one takes the next free name
// beside it (what `migsim explore` and `migsim merge` do with the schedule
// of a finding, docs/engine.md "Schedule files"); and, where a file is to
// be replaced (a shard's summary, a schedule file rewritten), replaces it
// whole or not at all.
//
// It also holds the one rule for the modes of what migsim writes, whatever
// writes it (Write, Replace, or os.WriteFile, os.Create and os.MkdirAll for
// a path the user names): a new file gets Perm (0666) and a new directory
// DirPerm (0777), each less the process's umask (and a directory's default
// ACL), as os.Create and mkdir(1) give them: 0644 and 0755 under umask 022,
// 0600 and 0700 under 077, 0664 and 0775 under 002; a file written over
// keeps its permission bits. migsim never widens or narrows a mode itself:
// the umask is the user's say in it.
package keepfile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
)

// Perm is the mode every file migsim creates is created with, before the
// umask (the package comment's rule).
const Perm fs.FileMode = 0o666

// DirPerm is the mode every directory migsim creates is created with,
// before the umask.
const DirPerm fs.FileMode = 0o777

// MaxEditions bounds the names Write tries: path, then base.1.ext up to
// base.MaxEditions.ext.
const MaxEditions = 9999

// Edition returns the name of edition n of path: path itself for 0, else
// base.n.ext ("a_b.json", 2: "a_b.2.json"; without an extension "a.2").
func Edition(path string, n int) string {
	if n == 0 {
		return path
	}
	ext := filepath.Ext(path)
	return fmt.Sprintf("%s.%d%s", strings.TrimSuffix(path, ext), n, ext)
}

// Write makes data the content of path, or of the first edition of path
// (Edition) that does not exist or already holds exactly data; a file with
// other content, or anything that is not a regular file, is left as it is.
// It returns the path that holds data and whether it held it before
// (nothing was written then). A new file appears whole, under a name no
// other writer took meanwhile: it is written beside its name first and
// linked there only if the name is free (where the file system has no
// links, created only if the name is free). A new file's mode is the one
// os.Create gives: 0666 less the process's umask.
func Write(path string, data []byte) (string, bool, error) {
	ns, err := editions(path)
	if err != nil {
		return "", false, err
	}
	for _, n := range ns {
		p := Edition(path, n)
		if same, err := holds(p, data); err != nil {
			return "", false, err
		} else if same {
			return p, true, nil
		}
	}
	tmp, err := writeTemp(path, data)
	if err != nil {
		return "", false, err
	}
	defer os.Remove(tmp)
	for n := 0; n <= MaxEditions; n++ {
		p := Edition(path, n)
		switch err := place(tmp, p, data); {
		case err == nil:
			return p, false, nil
		case !errors.Is(err, fs.ErrExist):
			return "", false, fmt.Errorf("write %s: %w", p, err)
		}
		// Taken: by another finding, or by another writer of this one.
		if same, err := holds(p, data); err != nil {
			return "", false, err
		} else if same {
			return p, true, nil
		}
	}
	// A *fs.PathError, as the file system's own errors are, so that a
	// command counts it as an output file it could not write (exit 2).
	return "", false, &fs.PathError{Op: "write", Path: path,
		Err: fmt.Errorf("%s to %s are all taken by other files", Edition(path, 1), Edition(path, MaxEditions))}
}

// Replace makes data the content of path, replacing whatever file is
// there (what `migsim explore --shard` does with its summary: the same
// exploration run again replaces it). The file appears whole or not at
// all: data is written to a temporary file beside path (".migsim-keep-*",
// as Write's) and renamed over path, so a process killed while it writes
// leaves the old file, or none, never a truncated one. Its mode is the one
// os.WriteFile leaves: a regular file replaced keeps its permission bits,
// a new file gets 0666 less the process's umask (writeTemp).
func Replace(path string, data []byte) error {
	tmp, err := writeTemp(path, data)
	if err != nil {
		return err
	}
	if fi, err := os.Lstat(path); err == nil && fi.Mode().IsRegular() {
		if err := os.Chmod(tmp, fi.Mode().Perm()); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// tempSeq numbers the temporary files this process creates.
var tempSeq atomic.Uint64

// maxTempTries bounds the names writeTemp tries before it gives up.
const maxTempTries = 10000

// writeTemp writes data to a new temporary file in path's directory
// (".migsim-keep-PID-N", which no name Write or Replace gives matches) and
// returns its name; the caller removes it or renames it. The file is
// created with mode 0666, which the kernel narrows by the umask (and a
// directory's default ACL) as it does os.Create's: os.CreateTemp would
// create it 0600, and reading the umask to widen that is either racy
// (syscall.Umask sets it while other goroutines may create files) or
// Linux-only (/proc/self/status).
func writeTemp(path string, data []byte) (string, error) {
	f, err := createTemp(filepath.Dir(path))
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return f.Name(), nil
}

// createTemp creates a new file in dir under the first free name
// ".migsim-keep-PID-N", with mode 0666 before the umask.
func createTemp(dir string) (*os.File, error) {
	for range maxTempTries {
		name := filepath.Join(dir, fmt.Sprintf(".migsim-keep-%d-%d", os.Getpid(), tempSeq.Add(1)))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, Perm)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, fmt.Errorf("no free temporary name in %s after %d tries", dir, maxTempTries)
}

// link is os.Link; a test replaces it to take the path of a file system
// without hard links.
var link = os.Link

// place gives the file tmp (holding data) the name p if p is free; an
// error wrapping fs.ErrExist when it is not. Either way the new file has
// tmp's mode: Perm less the umask.
func place(tmp, p string, data []byte) error {
	err := link(tmp, p)
	var le *os.LinkError
	if err == nil || errors.Is(err, fs.ErrExist) || !errors.As(err, &le) {
		return err
	}
	// No links here: create the name only if it is free.
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, Perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// holds reports whether p is a regular file whose content is data; a name
// that does not exist or holds anything else is not.
func holds(p string, data []byte) (bool, error) {
	fi, err := os.Lstat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("write %s: %w", p, err)
	case !fi.Mode().IsRegular() || fi.Size() != int64(len(data)):
		return false, nil
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return false, fmt.Errorf("write %s: %w", p, err)
	}
	return bytes.Equal(b, data), nil
}

// editions returns the editions of path that its directory holds, in
// order (0: path itself).
func editions(path string) ([]int, error) {
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext) + "."
	var ns []int
	for _, e := range entries {
		if e.Name() == name {
			ns = append(ns, 0)
			continue
		}
		mid, ok := strings.CutPrefix(e.Name(), base)
		if !ok {
			continue
		}
		if mid, ok = strings.CutSuffix(mid, ext); !ok || mid == "" || mid[0] == '0' {
			continue
		}
		if n, err := strconv.Atoi(mid); err == nil && n > 0 && n <= MaxEditions {
			ns = append(ns, n)
		}
	}
	slices.Sort(ns)
	return ns, nil
}
