package cmdbase

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// OutputFileError reports whether err is the file system refusing a file
// the command writes under dir (its --out, --report-dir or --regress-dir;
// "" for any path): a path it cannot create, open, write or rename into
// place (*fs.PathError, *os.LinkError, which name the path). Such an error is
// an input error, exit 2, never 1 (a finding): the README's exit codes.
// A path outside dir is left to the caller: an exec device's pipe fails
// with a *fs.PathError too, and that is the device's failure.
func OutputFileError(err error, dir string) bool {
	var pe *fs.PathError
	var le *os.LinkError
	var path string
	switch {
	case errors.As(err, &pe):
		path = pe.Path
	case errors.As(err, &le):
		path = le.New
	default:
		return false
	}
	if dir == "" {
		return true
	}
	within := func(p, d string) bool {
		rel, err := filepath.Rel(d, p)
		return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
	}
	// A file under dir, or dir itself or a directory on the way to it
	// (os.MkdirAll).
	return within(filepath.Clean(path), filepath.Clean(dir)) || within(filepath.Clean(dir), filepath.Clean(path))
}
