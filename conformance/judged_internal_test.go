package conformance

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestJudged: requirements are judged only on pass, fail or warn; the
// others are counted by why they were not, and the summary line says so.
func TestJudged(t *testing.T) {
	req := func(verdict, why string) RequirementResult { return RequirementResult{Verdict: verdict, Why: why} }
	tests := []struct {
		name string
		reqs []RequirementResult
		want Judged
		line string
	}{
		{"all judged", []RequirementResult{req(verdictPass, ""), req(verdictFail, ""), req(verdictWarn, "")},
			Judged{Judged: 3, Total: 3}, "judged 3 of 3 requirements"},
		{"device type and editions", []RequirementResult{req(verdictPass, ""),
			req(verdictSkip, needsBlkRequests+"; not for a virtio-net device: a virtio-blk row"),
			req(verdictSkip, "not for the editions the device declares: a draft-2023 unit (the device implements virtio-1.4)"),
			req(verdictNotExer, "the runs did not negotiate VIRTIO_NET_F_CTRL_VQ"),
			req(verdictNotCovered, "binds the driver")},
			Judged{Judged: 1, Total: 5, ForDevice: 2, NotExercised: 1, NotCovered: 1},
			"judged 1 of 5 requirements; 4 not judged: 2 not for this device, 1 not exercised, 1 not covered by the kit (see the Skip, Not exercised and Not covered lines)"},
		{"a knob value the device does not implement", []RequirementResult{
			req(verdictSkip, "needs mode-after-flr=keep; the device implements mode-after-flr=running"),
			req(verdictSkip, "needs mode-after-flr=keep; the device implements mode-after-flr=running; "+notSelected)},
			Judged{Total: 2, ForDevice: 1, NotSelected: 1},
			"judged 0 of 2 requirements; 2 not judged: 1 not for this device, 1 not selected by this run (see the Skip, Not exercised and Not covered lines)"},
		{"selection and other", []RequirementResult{req(verdictSkip, notSelected),
			req(verdictSkip, editionNotSelected+": a draft-2023 unit (the run judges virtio-1.4)"),
			req(verdictSkip, "not run: interrupted"),
			req(verdictSkip, needsBlkRequests+"; not run: interrupted")},
			Judged{Total: 4, NotSelected: 2, Other: 2},
			"judged 0 of 4 requirements; 4 not judged: 2 not selected by this run, 2 left unjudged by failed or cut-short units (see the Skip, Not exercised and Not covered lines)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &Report{Requirements: tc.reqs}
			got := r.judged()
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.line, got.String())
		})
	}
}

// A requirement's reasons are joined in unit order; how it counts must not
// depend on that order. A unit of an edition the run does not judge beside
// one cut short leaves it unjudged by the cut (Other), whichever comes
// first; beside one of another device type it is the selection's
// (NotSelected): judging that edition too would judge it.
func TestJudged_ReasonOrder(t *testing.T) {
	edition := editionNotSelected + ": a draft-2023 unit (the run judges virtio-1.4)"
	tests := []struct {
		name    string
		reasons []string
		want    Judged
	}{
		{"unselected edition and interrupted", []string{edition, "not run: interrupted"}, Judged{Total: 1, Other: 1}},
		{"unselected units and interrupted", []string{notSelected, "interrupted"}, Judged{Total: 1, Other: 1}},
		{"unselected edition and another device type", []string{edition, needsBlkRequests}, Judged{Total: 1, NotSelected: 1}},
		{"unselected edition and unselected units", []string{edition, notSelected}, Judged{Total: 1, NotSelected: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, why := range []string{strings.Join(tc.reasons, "; "), strings.Join([]string{tc.reasons[1], tc.reasons[0]}, "; ")} {
				r := &Report{Requirements: []RequirementResult{{Verdict: verdictSkip, Why: why}}}
				assert.Equal(t, tc.want, r.judged(), why)
			}
		})
	}
}
