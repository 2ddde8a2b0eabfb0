package conformance_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
)

// TestScenariosTakesAFile: Scenarios takes a scenario file's path as well
// as a catalog name (as migsim run tells them apart): the file's rows are
// judged after the catalog scenarios', named after its scenario line; a
// file that does not load is an error at its file:line:col, not a run of
// no rows.
func TestScenariosTakesAFile(t *testing.T) {
	b, err := os.ReadFile("../catalog/scenarios/kick-during-stop.scn")
	require.NoError(t, err)
	dir := t.TempDir()
	p := filepath.Join(dir, "mine.scn")
	require.NoError(t, os.WriteFile(p, []byte(strings.Replace(string(b), "\nscenario kick-during-stop\n", "\nscenario mine\n", 1)), 0o644))
	rep, err := conformance.Check(builtinDevice(t, "builtin:blk"), conformance.Short(), conformance.Parts(false, true),
		conformance.Scenarios(p, "smoke-migrate"), conformance.ReplayDir(t.TempDir()))
	require.NoError(t, err)
	var names []string
	for _, u := range rep.Units {
		names = append(names, u.Name+" "+u.Verdict)
	}
	assert.Equal(t, []string{"smoke-migrate/draft-2023 pass", "smoke-migrate/virtio-1.4 pass",
		"mine/draft-2023 pass", "mine/draft-2023/resume-avail=recheck pass", "mine/virtio-1.4 pass", "mine/virtio-1.4/resume-avail=latched-only pass"}, names)

	bad := filepath.Join(dir, "bad.scn")
	require.NoError(t, os.WriteFile(bad, []byte("scenario bad\nvfs 1\nguest vcpu0\n  prob\n"), 0o644))
	_, err = conformance.Check(builtinDevice(t, "builtin:blk"), conformance.Scenarios(bad))
	require.Error(t, err)
	assert.Contains(t, err.Error(), bad+":4:3: unknown guest operation prob")
}
