//go:build unix

package keepfile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The files Write and Replace create get the mode os.Create would give
// them (0666 less the umask), and a file Replace replaces keeps its own:
// a user whose umask is 077 gets summaries and schedules no one else can
// read. The umask is the process's, so these cases do not run in parallel.
func TestMode_FollowsUmask(t *testing.T) {
	cases := []struct {
		name     string
		umask    int
		existing os.FileMode // 0: no file at the name before
		write    func(path string) (string, error)
		want     os.FileMode
	}{
		{"Replace, new file, umask 022", 0o022, 0, replace, 0o644},
		{"Replace, new file, umask 077", 0o077, 0, replace, 0o600},
		{"Replace, new file, umask 002", 0o002, 0, replace, 0o664},
		{"Replace keeps a replaced file's mode", 0o022, 0o640, replace, 0o640},
		{"Replace keeps a private file private", 0o000, 0o600, replace, 0o600},
		// The umask is for new files: a replaced file keeps bits it denies.
		{"Replace keeps a replaced file's mode wider than the umask", 0o077, 0o666, replace, 0o666},
		{"Replace keeps execute bits too", 0o022, 0o751, replace, 0o751},
		{"Write, new file, umask 022", 0o022, 0, write, 0o644},
		{"Write, new file, umask 077", 0o077, 0, write, 0o600},
		{"Write, an edition beside another file, umask 027", 0o027, 0o644, write, 0o640},
		// A file system without hard links: the file is created at its
		// name, with the mode the link would have given it.
		{"Write without links, new file, umask 022", 0o022, 0, writeNoLink, 0o644},
		{"Write without links, new file, umask 077", 0o077, 0, writeNoLink, 0o600},
		{"Write without links, new file, umask 002", 0o002, 0, writeNoLink, 0o664},
		{"Write without links, an edition beside a private file, umask 022", 0o022, 0o600, writeNoLink, 0o644},
		{"Write without links, an edition beside another file, umask 077", 0o077, 0o644, writeNoLink, 0o600},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "s.json")
			if tc.existing != 0 {
				require.NoError(t, os.WriteFile(p, []byte("before"), 0o600))
				require.NoError(t, os.Chmod(p, tc.existing))
			}
			old := syscall.Umask(tc.umask)
			got, err := tc.write(p)
			syscall.Umask(old)
			require.NoError(t, err)
			fi, err := os.Stat(got)
			require.NoError(t, err)
			assert.Equal(t, tc.want, fi.Mode().Perm(), "mode of %s", filepath.Base(got))
		})
	}
}

func replace(path string) (string, error) { return path, Replace(path, []byte("data")) }

// writeNoLink is write where os.Link fails as on a file system without
// hard links (EPERM, as vfat gives).
func writeNoLink(path string) (string, error) {
	defer func(l func(string, string) error) { link = l }(link)
	tried := false
	link = func(oldname, newname string) error {
		tried = true
		return &os.LinkError{Op: "link", Old: oldname, New: newname, Err: syscall.EPERM}
	}
	got, err := write(path)
	if err == nil && !tried {
		err = errors.New("Write did not try to link")
	}
	return got, err
}

func write(path string) (string, error) {
	got, _, err := Write(path, []byte("data"))
	return got, err
}

// A symbolic link at the name is replaced by a new file (Replace renames
// over the link, not through it): the file gets a new file's mode, not
// the target's and not the link's own 0777, and the target is left as it
// was.
func TestReplace_SymlinkGetsNewFileMode(t *testing.T) {
	dir := t.TempDir()
	target, p := filepath.Join(dir, "target"), filepath.Join(dir, "s.json")
	require.NoError(t, os.WriteFile(target, []byte("before"), 0o600))
	require.NoError(t, os.Chmod(target, 0o600))
	require.NoError(t, os.Symlink(target, p))
	old := syscall.Umask(0o022)
	err := Replace(p, []byte("data"))
	syscall.Umask(old)
	require.NoError(t, err)
	fi, err := os.Lstat(p)
	require.NoError(t, err)
	assert.True(t, fi.Mode().IsRegular(), "the link is replaced by a file")
	assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
	b, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "before", string(b), "the target is untouched")
	fi, err = os.Stat(target)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the target keeps its mode")
}
