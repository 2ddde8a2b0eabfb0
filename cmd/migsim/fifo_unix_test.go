//go:build unix

package main

import (
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// fifoPath makes a FIFO (named pipe) in dir: reading it blocks until a
// writer comes.
func fifoPath(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(p, 0o644))
	return p
}
