package main

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// sliceBlock is a narrowed slice as explore prints it.
var sliceBlock = regexp.MustCompile(`(?m)^  slice: (\d+) of (\d+) steps placed.*\((\d+) checks?\)\n((    step \d+ .*\n)+)`)

// explore narrows the shrunk finding's causal slice by running it and
// prints the steps left under the footprint slice's count, the same steps
// replay --slice prints; the JSON document lists them; --slice-runs 0
// keeps the footprint slice alone.
func TestExplore_NarrowedSlice(t *testing.T) {
	code, out, stderr, _ := exploreFLRShared(t, "--explain-runs", "0")
	require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s", stderr)
	m := sliceBlock.FindStringSubmatch(out)
	require.NotNil(t, m, "explore prints the narrowed slice:\n%s", out)
	path := replayLine.FindStringSubmatch(out)
	require.NotNil(t, path)
	code, rout, rerr := runSimCLI(t, "replay", "--slice", path[1])
	require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s", rerr)
	assert.Contains(t, rout, "slice: "+m[1]+" of "+m[2]+" steps placed", "replay --slice narrows to the same steps")

	code, jout, stderr := exploreFLR(t, t.TempDir(), "--explain-runs", "0", "--format", "json")
	require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s", stderr)
	doc := decodeExploreDoc(t, jout)
	require.NotNil(t, doc.Slice)
	assert.True(t, doc.Slice.Kept)
	assert.NotEmpty(t, doc.Slice.Steps)
	assert.Positive(t, doc.Slice.Checks)
	assert.Equal(t, m[2], strconv.Itoa(doc.Slice.Of))
	assert.Equal(t, m[1], strconv.Itoa(len(doc.Slice.Steps)))

	code, out, stderr = exploreFLR(t, t.TempDir(), "--explain-runs", "0", "--slice-runs", "0")
	require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s", stderr)
	assert.NotContains(t, out, "  slice: ")
	assert.Contains(t, out, "shrunk frozen-context: ")
}

// --no-shrink narrows no slice unless --slice-runs asks for it: it is for
// schedules too long to process beyond reading them.
func TestExploreSliceRuns(t *testing.T) {
	for _, tc := range []struct {
		runs            int
		noShrink, given bool
		want            int
	}{
		{400, false, false, 400},
		{400, true, false, 0},
		{50, true, true, 50},
		{0, false, true, 0},
	} {
		assert.Equal(t, tc.want, exploreSliceRuns(tc.runs, tc.noShrink, tc.given), "%+v", tc)
	}
}
