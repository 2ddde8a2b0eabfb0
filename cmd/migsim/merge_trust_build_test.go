package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/buildinfo"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/report"
)

// setBuild rewrites the shard summary at path as a build of identity id
// would have written it (its checksum sealed again).
func setBuild(t *testing.T, path, id string) {
	t.Helper()
	sf, err := report.ReadShardFile(path)
	require.NoError(t, err)
	sf.Build, sf.Checksum = id, ""
	sum, err := schedfile.Checksum(sf)
	require.NoError(t, err)
	sf.Checksum = sum
	b, err := json.MarshalIndent(sf, "", "  ")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, append(b, '\n'), 0o644))
	_, err = report.ReadShardFile(path)
	require.NoError(t, err, "the rewritten summary reads")
}

// Two shards whose builds could not be identified both record "unknown":
// merge does not take that for one build, and says which files and what
// to do (exit 2); --trust-build merges them, saying on stderr that it
// took that on trust. Summaries of one identified build need no flag.
func TestMerge_UnidentifiedBuildNeedsTrust(t *testing.T) {
	dir := t.TempDir()
	for i := range 2 {
		code, _, stderr := runSimCLI(t, "explore", "--scenario", smokeScenario, "--schedules", "8", "--seed", "2",
			"--shard", fmt.Sprintf("%d/2", i), "--out", dir)
		require.Equal(t, cmdbase.ExitOK, code, stderr)
	}
	sums, err := filepath.Glob(filepath.Join(dir, "*.summary.json"))
	require.NoError(t, err)
	require.Len(t, sums, 2)
	require.True(t, buildinfo.Identified(buildinfo.Running()), "the test binary has an identity")

	code, _, stderr := runSimCLI(t, "merge", "--out", t.TempDir(), dir)
	require.Equal(t, cmdbase.ExitOK, code, "one identified build: %s", stderr)
	assert.NotContains(t, stderr, "trust-build")

	for _, p := range sums {
		setBuild(t, p, buildinfo.Unknown)
	}
	code, out, stderr := runSimCLI(t, "merge", "--out", t.TempDir(), dir)
	assert.Equal(t, cmdbase.ExitUsage, code, stderr)
	assert.Empty(t, out)
	assert.Contains(t, stderr, "migsim merge: "+sums[0]+", "+sums[1]+`: field build is "unknown" in every summary, which names no one build`)
	assert.Contains(t, stderr, "or pass --trust-build if you know one build wrote them all")

	code, out, stderr = runSimCLI(t, "merge", "--trust-build", "--out", t.TempDir(), dir)
	assert.Equal(t, cmdbase.ExitOK, code, stderr)
	assert.Contains(t, out, "schedules: 8,")
	assert.Contains(t, stderr, `migsim merge: --trust-build: the summaries' build "unknown" names no one build; merged as one build's on your word`)
	assert.Equal(t, 1, strings.Count(stderr, "--trust-build"))
}
