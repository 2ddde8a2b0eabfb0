package writecheck

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Writes go to the file; the first error is kept (a later one, or a
// later success, does not replace it); File is the file.
func TestWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out")
	f, err := os.Create(path)
	require.NoError(t, err)
	w := New(f)
	assert.Same(t, f, w.File())
	n, err := w.Write([]byte("ok\n"))
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.NoError(t, w.Err())
	require.NoError(t, f.Close())
	_, first := w.Write([]byte("lost"))
	require.Error(t, first)
	_, err = w.Write([]byte("lost too"))
	require.Error(t, err)
	assert.Same(t, first, w.Err())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "ok\n", string(b))
}

// A full device: every write fails with ENOSPC, which Err reports.
func TestWriter_DevFull(t *testing.T) {
	f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	defer f.Close()
	w := New(f)
	_, err = w.Write([]byte("x"))
	require.Error(t, err)
	assert.ErrorContains(t, w.Err(), "no space left on device")
}
