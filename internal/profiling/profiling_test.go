package profiling

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStartCPU: a profile written to a file stops without an error and
// leaves a non-empty file; one the file system refuses (/dev/full: every
// write fails with ENOSPC) stops with an error naming the path.
func TestStartCPU(t *testing.T) {
	for _, tc := range []struct {
		name    string
		path    string
		wantErr bool
	}{
		{"a regular file", filepath.Join(t.TempDir(), "cpu.pgo"), false},
		{"a full device", "/dev/full", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := os.Stat(tc.path); tc.wantErr && err != nil {
				t.Skipf("%s: %v", tc.path, err)
			}
			stop, err := StartCPU(tc.path)
			require.NoError(t, err)
			err = stop()
			if !tc.wantErr {
				require.NoError(t, err)
				fi, err := os.Stat(tc.path)
				require.NoError(t, err)
				assert.Positive(t, fi.Size())
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.path)
		})
	}
}
