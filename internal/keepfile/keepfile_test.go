package keepfile

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEdition(t *testing.T) {
	for _, tc := range []struct {
		path string
		n    int
		want string
	}{
		{"d/a_b.json", 0, "d/a_b.json"},
		{"d/a_b.json", 1, "d/a_b.1.json"},
		{"d/a_b=c.json", 12, "d/a_b=c.12.json"},
		{"noext", 2, "noext.2"},
	} {
		assert.Equal(t, tc.want, Edition(tc.path, tc.n))
	}
}

// Write never replaces a file with other content: the same bytes keep
// their file (found among the editions, wherever it is), other bytes take
// the first free edition, and what is not a regular file is skipped.
func TestWrite(t *testing.T) {
	type file struct{ name, content string }
	cases := []struct {
		name     string
		existing []file
		dirs     []string // names taken by directories
		data     string
		want     string
		before   bool
	}{
		{"free", nil, nil, "A", "s.json", false},
		{"the same file", []file{{"s.json", "A"}}, nil, "A", "s.json", true},
		{"another file", []file{{"s.json", "B"}}, nil, "A", "s.1.json", false},
		{"another, longer", []file{{"s.json", "AA"}}, nil, "A", "s.1.json", false},
		{"the same, as an edition", []file{{"s.json", "B"}, {"s.1.json", "C"}, {"s.2.json", "A"}}, nil, "A", "s.2.json", true},
		{"the same past a gap", []file{{"s.json", "B"}, {"s.3.json", "A"}}, nil, "A", "s.3.json", true},
		{"the first free edition", []file{{"s.json", "B"}, {"s.1.json", "C"}, {"s.3.json", "D"}}, nil, "A", "s.2.json", false},
		{"look-alikes are not editions", []file{{"s.json", "B"}, {"s.01.json", "A"}, {"s.x.json", "A"}, {"s.1.json.bak", "A"}}, nil, "A", "s.1.json", false},
		{"a directory in the way", nil, []string{"s.json"}, "A", "s.1.json", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tc.existing {
				require.NoError(t, os.WriteFile(filepath.Join(dir, f.name), []byte(f.content), 0o644))
			}
			for _, d := range tc.dirs {
				require.NoError(t, os.Mkdir(filepath.Join(dir, d), 0o755))
			}
			got, before, err := Write(filepath.Join(dir, "s.json"), []byte(tc.data))
			require.NoError(t, err)
			assert.Equal(t, filepath.Join(dir, tc.want), got)
			assert.Equal(t, tc.before, before)
			b, err := os.ReadFile(got)
			require.NoError(t, err)
			assert.Equal(t, tc.data, string(b))
			for _, f := range tc.existing {
				b, err := os.ReadFile(filepath.Join(dir, f.name))
				require.NoError(t, err)
				assert.Equal(t, f.content, string(b), "%s is left as it was", f.name)
			}
			left, err := filepath.Glob(filepath.Join(dir, ".migsim-keep-*"))
			require.NoError(t, err)
			assert.Empty(t, left, "no temporary file is left behind")
		})
	}
}

// A directory that is not there is an error naming the file.
// TestWrite_AllTaken: when the name and every edition of it hold other
// files, Write fails with a *fs.PathError naming the name, as the file
// system's errors do, so that a command reports an output file it could
// not write.
func TestWrite_AllTaken(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	for n := 0; n <= MaxEditions; n++ {
		require.NoError(t, os.WriteFile(Edition(path, n), []byte("other"), 0o644))
	}
	_, _, err := Write(path, []byte("A"))
	var pe *fs.PathError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, path, pe.Path)
	assert.Equal(t, fmt.Sprintf("write %s: %s to %s are all taken by other files", path, Edition(path, 1), Edition(path, MaxEditions)), err.Error())
}

func TestWrite_NoDirectory(t *testing.T) {
	_, _, err := Write(filepath.Join(t.TempDir(), "missing", "s.json"), []byte("A"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "s.json")
}

// Replace puts a new file at the name and leaves no
// temporary file: a hard link to the old file keeps the old bytes (the
// name was renamed over, not written in place, so a process killed while
// it writes never leaves a truncated file there); a missing directory is
// an error naming the file.
func TestReplace(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "s.summary.json")
	require.NoError(t, Replace(p, []byte("old")))
	require.NoError(t, os.Link(p, filepath.Join(dir, "link")))
	require.NoError(t, Replace(p, []byte("new, longer")))
	for name, want := range map[string]string{"s.summary.json": "new, longer", "link": "old"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		assert.Equal(t, want, string(b), name)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "no temporary file left")

	err = Replace(filepath.Join(dir, "missing", "s.json"), []byte("A"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "s.json")
}

// Temporary names already taken (a process killed while it wrote, whose
// pid this process now has) are passed over, not overwritten, and Write
// and Replace still succeed: each try takes the next name.
func TestWriteTemp_NamesTaken(t *testing.T) {
	dir := t.TempDir()
	next := tempSeq.Load()
	for i := range uint64(7) {
		stale := filepath.Join(dir, fmt.Sprintf(".migsim-keep-%d-%d", os.Getpid(), next+i))
		require.NoError(t, os.WriteFile(stale, []byte("stale"), 0o600))
	}
	p := filepath.Join(dir, "s.json")
	got, same, err := Write(p, []byte("one"))
	require.NoError(t, err)
	assert.False(t, same)
	assert.Equal(t, p, got)
	require.NoError(t, Replace(p, []byte("two")))
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, "two", string(b))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 8, "the stale files and s.json, no temporary file of this process")
	for _, e := range entries {
		if e.Name() != "s.json" {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			require.NoError(t, err)
			assert.Equal(t, "stale", string(b), e.Name())
		}
	}
}
