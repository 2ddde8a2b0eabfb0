package inputfile

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// zeros is an endless reader: input that never ends, as /dev/zero or a
// file that keeps growing.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := Limit{"test file", 16}
	write := func(name string, n int) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(strings.Repeat("x", n)), 0o644))
		return p
	}
	fifo := filepath.Join(dir, "fifo")
	hasFIFO := mkfifo(fifo)
	tests := []struct {
		name    string
		path    string
		skip    bool
		wantLen int
		is      error
		want    []string
	}{
		{name: "empty", path: write("empty", 0)},
		{name: "at the limit", path: write("at", 16), wantLen: 16},
		{name: "one byte over", path: write("over", 17), is: ErrTooLarge,
			want: []string{"over: 17 bytes, above the size limit of 16 bytes for a test file"}},
		{name: "directory", path: dir, is: ErrNotRegular,
			want: []string{dir + ": not a regular file (a directory): want a test file of at most 16 bytes"}},
		{name: "FIFO", path: fifo, skip: !hasFIFO, is: ErrNotRegular, want: []string{"fifo: not a regular file (a FIFO)"}},
		{name: "device", path: "/dev/zero", skip: !exists("/dev/zero"), is: ErrNotRegular,
			want: []string{"/dev/zero: not a regular file (a character device)"}},
		{name: "missing", path: filepath.Join(dir, "nope"), is: fs.ErrNotExist, want: []string{"nope"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.skip {
				t.Skip("not on this system")
			}
			done := make(chan struct{})
			var b []byte
			var err error
			go func() {
				defer close(done)
				b, err = ReadFile(tc.path, small)
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("ReadFile blocked")
			}
			if tc.is == nil {
				require.NoError(t, err)
				assert.Len(t, b, tc.wantLen)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.is)
			assert.Nil(t, b)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func TestReadAll(t *testing.T) {
	l := Limit{"decode input", 1 << 10}
	tests := []struct {
		name string
		r    io.Reader
		n    int
		want string
	}{
		{"short", strings.NewReader("abc"), 3, ""},
		{"at the limit", io.LimitReader(zeros{}, 1<<10), 1 << 10, ""},
		{"endless", zeros{}, 0, "stdin: more than 1024 bytes, above the size limit of 1 KiB for a decode input"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := ReadAll(tc.r, "stdin", l)
			if tc.want == "" {
				require.NoError(t, err)
				assert.Len(t, b, tc.n)
				return
			}
			require.ErrorIs(t, err, ErrTooLarge)
			assert.EqualError(t, err, tc.want)
		})
	}
}

func TestLimitString(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{4 << 20, "4 MiB"}, {64<<20 + 4<<20, "68 MiB"}, {4 << 30, "4 GiB"}, {1536 << 20, "1536 MiB"}, {1 << 10, "1 KiB"}, {17, "17 bytes"}, {1<<20 + 1, "1048577 bytes"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, String(tc.n))
	}
	assert.Equal(t, "4 MiB", Scenario.String())
}
