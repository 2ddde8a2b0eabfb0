//go:build unix

package schedfile

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/migsim/migsim/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// WriteFile follows the rule for every file migsim writes
// (internal/keepfile): a new file gets 0666 less the umask, as os.Create
// gives it, a file written over keeps its mode, and the file is replaced
// whole. The umask is the process's: these cases do not run in parallel.
func TestWriteFile_ModeFollowsUmask(t *testing.T) {
	seed := engine.ScheduleSeed(77, 3)
	res, err := engine.Run(lostUpdate, seed, engine.NewRandom(engine.NewStream(seed, engine.StreamSchedule)), engine.RunConfig{})
	require.NoError(t, err)
	s := New(engine.StrategyRandom, res)
	s.Edition, s.Knobs, s.Scenario, s.ScenarioHash = "virtio-1.4", []string{"mode-after-flr=keep"}, "toy", "abc"
	s.BaseSeed, s.Index = 77, 3
	for _, tc := range []struct {
		name     string
		umask    int
		existing os.FileMode // 0: no file there before
		want     os.FileMode
	}{
		{"new file, umask 022", 0o022, 0, 0o644},
		{"new file, umask 077", 0o077, 0, 0o600},
		{"new file, umask 002", 0o002, 0, 0o664},
		{"written over, umask 022", 0o022, 0o640, 0o640},
		{"written over, umask 077", 0o077, 0o644, 0o644},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "s.json")
			if tc.existing != 0 {
				require.NoError(t, os.WriteFile(p, []byte("an older schedule"), 0o600))
				require.NoError(t, os.Chmod(p, tc.existing))
			}
			old := syscall.Umask(tc.umask)
			err := s.WriteFile(p)
			syscall.Umask(old)
			require.NoError(t, err)
			fi, err := os.Stat(p)
			require.NoError(t, err)
			assert.Equal(t, tc.want, fi.Mode().Perm())
			_, err = ReadFile(p)
			assert.NoError(t, err)
			entries, err := os.ReadDir(filepath.Dir(p))
			require.NoError(t, err)
			assert.Len(t, entries, 1, "no temporary file left beside it")
		})
	}
}
