package report

import (
	"context"
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/explain"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/trace"
)

// A report of a finding no ordering decides lists the steps of its
// narrowed slice and the steps its verdict cites, and for context the six
// steps before the finding's, not the causal slice's last 12 steps:
// freeze-without-halting-vcpus draft-2023's lost requests, blamed on
// vcpu0's write at step 87, go with the finding's own read at 136 alone
// held in place, so the list is steps 87 and 136 and the context before
// 136. It listed the last 12 steps of the causal slice, which is every
// step (125 to 136), and step 87.
func TestWrite_NoOrderingListsTheNarrowedSlice(t *testing.T) {
	const path = "../catalog/testdata/regress/freeze-without-halting-vcpus_draft-2023.json"
	sc, err := catalog.ReadScheduleFile(path)
	require.NoError(t, err)
	res, _, err := catalog.RecordSchedule(sc, engine.RunConfig{MaxSteps: catalog.DefaultJudgeMaxSteps})
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	require.Contains(t, res.Finding.Message, "vcpu0 ran MWr at step 87")
	ex, err := Explain(context.Background(), sc, res, catalog.DefaultJudgeMaxSteps, explain.DefaultRuns)
	require.NoError(t, err)
	require.Empty(t, ex.Orders, "no ordering decides this finding")
	require.Equal(t, ex.Steps, ex.Checked)

	steps := stepList(t, sc, path)
	assert.Contains(t, steps[1], "No ordering of two steps decides the finding (Why), so these are the 1 of 136 steps")
	assert.Contains(t, steps[1], ", the steps the verdict names (87), and for context the steps just before the finding's (124, 125, 126, 127, 128, 129): "+
		"steps 87, 124, 125, 126, 127, 128, 129, 136.")
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^(\d+) `).FindAllStringSubmatch(steps[2], -1) {
		listed[m[1]] = true
	}
	assert.Equal(t, map[string]bool{"87": true, "124": true, "125": true, "126": true, "127": true, "128": true, "129": true, "136": true}, listed,
		"the events of steps 87 and 136, and of the six steps before 136 with events the list shows (130-135 are vcpu0's waits)")
}

// A report of a frozen context lists the guest's write that changed it,
// a dozen steps before the read that shows it: common-config-write-in-freeze
// draft-2023's config_msix_vector, written by vcpu0 at step 86 while
// src.vf1 is frozen, read changed at 97 and reported at 98. Neither the
// narrowed slice (98 alone) nor the steps just before it reach 86.
func TestWrite_FrozenContextListsTheQuiescedWrite(t *testing.T) {
	const path = "../catalog/testdata/regress/common-config-write-in-freeze_draft-2023.json"
	sc, err := catalog.ReadScheduleFile(path)
	require.NoError(t, err)
	steps := stepList(t, sc, path)
	assert.Contains(t, steps[1], "the latest writes that reached a member of the finding while it was quiesced (86, 90)")
	assert.Contains(t, steps[2], "86 t=0s tlp vcpu0 -> src.vf1: MWr 00:00.0->01:00.1 addr=0x100000010 data=ffff")
}

// stepList writes the report of the schedule file at path and returns its
// "Steps before the finding" section: [1] its introduction, [2] the
// listing.
func stepList(t *testing.T, sc *schedfile.Schedule, path string) []string {
	t.Helper()
	wrote, err := Write(context.Background(), sc, path, t.TempDir(), Options{Steps: trace.DefaultReportSteps,
		MaxSteps: catalog.DefaultJudgeMaxSteps, ExplainRuns: explain.DefaultRuns})
	require.NoError(t, err)
	b, err := os.ReadFile(wrote[0])
	require.NoError(t, err)
	steps := regexp.MustCompile("(?s)## Steps before the finding\n\n(.*?)\n\n```text\n(.*?)```").FindStringSubmatch(string(b))
	require.Len(t, steps, 3, "the report's step list")
	return steps
}
