package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRemoveStaleReports: a run that stops with an error removes the
// --report files an earlier run left (a CI job must not read a green
// table it did not write) and says so; it leaves alone a path that is not
// a regular file and one that does not exist.
func TestRemoveStaleReports(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "old.xml")
	require.NoError(t, os.WriteFile(old, []byte("<testsuites/>"), 0o644))
	sub := filepath.Join(dir, "a-directory")
	require.NoError(t, os.Mkdir(sub, 0o755))
	missing := filepath.Join(dir, "missing.json")
	var stderr bytes.Buffer
	removeStaleReports([]string{"junit=" + old, "text=" + sub, "json=" + missing}, &stderr)
	assert.NoFileExists(t, old)
	assert.DirExists(t, sub)
	assert.NoFileExists(t, missing)
	assert.Equal(t, "migsim run: removed "+old+", an earlier run's --report junit="+old+": this run wrote no table\n", stderr.String())
}
