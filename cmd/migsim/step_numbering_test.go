package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
)

// TestStepNumbering: every output that shows a step of a schedule shows
// the same number for it, the one its trace events carry: the scheduler
// step at index i is step i+1 (docs/traces.md, "Step numbering"). Only
// the JSON report keeps the schedule file's index, a format others parse.
func TestStepNumbering(t *testing.T) {
	const p = "../../catalog/testdata/regress/flr-during-freeze_draft-2023_flr-vs-mode=complete-anyway.json"
	sc, err := catalog.ReadScheduleFile(p)
	require.NoError(t, err)
	require.NotNil(t, sc.Finding)
	flr := -1 // index of the guest's FLR, the write to the PCIe device control register
	for i, c := range sc.Choices {
		if strings.HasPrefix(c.Label, "vcpu0:cfg-write 0x50=") {
			flr = i
			break
		}
	}
	require.GreaterOrEqual(t, flr, 0)
	finding := sc.Finding.Step

	for _, tc := range []struct {
		name  string
		args  []string
		re    string
		index int // the step's index in the schedule; output shows index+1
		shown int // what the output shows
	}{
		{"replay: finding", []string{"replay", p}, `finding one-running at step (\d+):`, finding, finding + 1},
		{"replay --trace", []string{"replay", "--trace", p}, `(?m)^(\d+) t=\S+ vcpu0 vcpu0:cfg-write 0x50=`, flr, flr + 1},
		{"replay --slice", []string{"replay", "--slice", p}, `(?m)^(\d+) t=\S+ vcpu0 vcpu0:cfg-write 0x50=`, flr, flr + 1},
		{"replay --explain", []string{"replay", "--explain", p}, `(?m)^    step (\d+) vcpu0:cfg-write 0x50=\S+ \(src\.vf1: FLR started\) before step \d+ `, flr, flr + 1},
		{"trace text", []string{"trace", p, "--format", "text"}, `(?m)^(\d+) t=\S+ state src\.vf1: mode Active, FLR in progress \(step of vcpu0\)$`, flr, flr + 1},
		{"trace mermaid", []string{"trace", p, "--format", "mermaid"}, `%% migsim: one-running after step (\d+), steps \d+\.\.(\d+)`, finding, finding + 1},
		{"trace json keeps the index", []string{"trace", p, "--format", "json"}, `"step": (\d+),`, finding, finding},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, out, stderr := runSimCLI(t, tc.args...)
			m := regexp.MustCompile(tc.re).FindStringSubmatch(out)
			require.NotNil(t, m, "%s\n%s", out, stderr)
			for _, s := range m[1:] {
				n, err := strconv.Atoi(s)
				require.NoError(t, err)
				assert.Equal(t, tc.shown, n, "step index %d", tc.index)
			}
		})
	}
}

// TestStepNumbering_Impact: the impact's "transparent at step N" says the
// number every output shows for the finding's step, in the schedule file's
// impact_why, in the JSON report (whose finding.step keeps the index) and
// in replay's text alike.
func TestStepNumbering_Impact(t *testing.T) {
	const p = "../../catalog/testdata/regress/capacity-change-while-stopped_virtio-1.4_resume-config-notify=held-only.json"
	sc, err := catalog.ReadScheduleFile(p)
	require.NoError(t, err)
	require.NotNil(t, sc.Finding)
	require.Equal(t, "transparent", sc.Finding.Oracle)
	want := "transparent at step " + strconv.Itoa(sc.Finding.Step+1)
	assert.Equal(t, want, sc.Finding.ImpactWhy, "the schedule file")
	for _, tc := range []struct {
		name string
		args []string
		re   string
	}{
		{"replay", []string{"replay", p}, `(?m)^  impact: guest-visible \((transparent at step \d+)\)$`},
		{"replay: finding line", []string{"replay", p}, `(?m)^finding (transparent at step \d+):`},
		{"trace json", []string{"trace", p, "--format", "json"}, `"impact_why": "(transparent at step \d+)"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, out, stderr := runSimCLI(t, tc.args...)
			m := regexp.MustCompile(tc.re).FindStringSubmatch(out)
			require.NotNil(t, m, "%s\n%s", out, stderr)
			assert.Equal(t, want, m[1])
		})
	}
}
