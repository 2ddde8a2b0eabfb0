package main

import (
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// flrExplored is what one exploreFLR printed, and the directory it wrote
// its schedule file to.
type flrExplored struct {
	code        int
	out, stderr string
	dir         string
}

// flrShared keeps the explorations of exploreFLRShared, by their extra
// arguments, and their directories for TestMain to remove.
var flrShared struct {
	sync.Mutex
	runs map[string]flrExplored
	dirs []string
}

// exploreFLRShared is exploreFLR with extra, run once per test process:
// the tests that only read what it printed and the schedule file it wrote
// share one exploration (pct's 100 schedules, the shrink and the slice).
// dir is that exploration's; a test must not write there.
func exploreFLRShared(t *testing.T, extra ...string) (code int, out, stderr, dir string) {
	t.Helper()
	key := strings.Join(extra, "\x00")
	flrShared.Lock()
	defer flrShared.Unlock()
	r, ok := flrShared.runs[key]
	if !ok {
		d, err := os.MkdirTemp("", "migsim-test-flr-")
		require.NoError(t, err)
		flrShared.dirs = append(flrShared.dirs, d)
		r.code, r.out, r.stderr = exploreFLR(t, d, extra...)
		r.dir = d
		if flrShared.runs == nil {
			flrShared.runs = map[string]flrExplored{}
		}
		flrShared.runs[key] = r
	}
	return r.code, r.out, r.stderr, r.dir
}
