package cliflag

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/spf13/pflag"
)

// EmptyOutputDir is the error for an output directory given as "" (--out
// ""): no directory, which os.MkdirAll refuses when the results are written.
var EmptyOutputDir = errors.New(`empty path: want a directory ("." for the current one)`)

// Dash refuses an output path of "-", which Unix tools read as stdout:
// an output flag of migsim names a file or directory, so "-" would create
// one called "-" in the current directory (for trace's pcapng, past the
// check that keeps binary output off a terminal). ./- names that file.
func Dash(path string) error {
	if path == "-" {
		return errors.New(`"-" would be a file named "-", not stdout: this flag takes a path (./- for that name)`)
	}
	return nil
}

// CheckOutputDir checks, before any work, that dir can hold files written
// later without creating it now: an existing directory that can be
// written, or a path whose nearest existing ancestor is such a directory
// (os.MkdirAll will create the rest). A file on the way (/dev/null/x) is
// an error naming it, and so is an empty dir (EmptyOutputDir).
func CheckOutputDir(dir string) error {
	if dir == "" {
		return EmptyOutputDir
	}
	if err := Dash(dir); err != nil {
		return err
	}
	p := filepath.Clean(dir)
	// at names the directory in the way: dir itself, or dir and the
	// existing path on the way to it.
	at := func() string {
		if p == filepath.Clean(dir) {
			return p
		}
		return dir + ": " + p
	}
	for {
		fi, err := os.Stat(p)
		if err == nil {
			if !fi.IsDir() {
				return fmt.Errorf("%s is not a directory", at())
			}
			f, err := os.CreateTemp(p, ".migsim-write-check-*")
			if err != nil {
				return fmt.Errorf("%s is not writable: %w", at(), err)
			}
			name := f.Name()
			f.Close()
			return os.Remove(name)
		}
		// ENOTDIR: a file on the way, which the parent's Stat names.
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
			return fmt.Errorf("%s: %w", dir, err)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return fmt.Errorf("%s: %w", dir, err)
		}
		p = parent
	}
}

// CheckOutputFile checks, before any work, that path can be written: not a
// directory, in a directory that exists.
func CheckOutputFile(path string) error {
	if err := Dash(path); err != nil {
		return err
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("%s is a directory (want a file)", path)
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("directory %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}

// EmptyPaths refuses an output flag among names that the command line
// gives an empty value (--out "", as an unset shell variable gives it):
// for a flag whose default is "" that would read as the flag left out
// (stdout, no report, no profile) without a word. A flag fs lacks is
// skipped.
func EmptyPaths(fs *pflag.FlagSet, names ...string) error {
	for _, name := range names {
		if f := fs.Lookup(name); f != nil && f.Changed && f.Value.String() == "" {
			return fmt.Errorf("--%s: empty path: give a path, or leave --%s out", name, name)
		}
	}
	return nil
}
