package trace

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/record"
)

// docFilters are the display filters docs/traces.md's filter table names,
// each with what it must select, judged from the event in Go.
var docFilters = []struct {
	filter string
	want   func(e *record.TraceEvent) bool
}{
	{`migsim.admin.status != 0`, func(e *record.TraceEvent) bool {
		s := SummarizeAdmin(e.Edition, e.Admin, e.AdminResult)
		return e.Kind == record.TraceAdmin && s.HasStatus && !s.Succeeded()
	}},
	{`migsim.admin.opcode_name == "DEV_MODE_SET" && migsim.mode == 2`, func(e *record.TraceEvent) bool {
		s := SummarizeAdmin(e.Edition, e.Admin, e.AdminResult)
		return e.Kind == record.TraceAdmin && s.ModeSet && s.HasMode && s.Mode == spec.ModeFreeze
	}},
	{`migsim.admin.member == 1`, func(e *record.TraceEvent) bool {
		s := SummarizeAdmin(e.Edition, e.Admin, e.AdminResult)
		return e.Kind == record.TraceAdmin && s.HasHeader && s.Member == 1
	}},
	{`migsim.kind == "state"`, func(e *record.TraceEvent) bool { return e.Kind == record.TraceState }},
	{`migsim.state.flr == 1`, func(e *record.TraceEvent) bool { return e.Kind == record.TraceState && e.State.FLRPending }},
	{`migsim.kind == "msix"`, func(e *record.TraceEvent) bool { return e.Kind == record.TraceMSIX }},
	{`migsim.kind == "dma"`, func(e *record.TraceEvent) bool { return e.Kind == record.TraceDMA }},
	{`migsim.kind == "note"`, func(e *record.TraceEvent) bool { return e.Kind == record.TraceNote }},
	{`migsim.tlp.kind == "MWr"`, func(e *record.TraceEvent) bool { return e.Kind == record.TraceTLP && e.TLP.Kind == pcie.MemWrite }},
	{`migsim.from == "src.vf1" || migsim.to == "src.vf1"`, func(e *record.TraceEvent) bool {
		from, to := Endpoints(e)
		return from == "src.vf1" || to == "src.vf1"
	}},
	{`migsim.step >= 40 && migsim.step <= 44`, func(e *record.TraceEvent) bool { return e.Step >= 40 && e.Step <= 44 }},
}

// Every display filter of docs/traces.md's table selects exactly the
// records it says, and some, in regression traces that together have
// records of every filter (the first ones in name order that add one:
// each tshark run reads them all; their records one after the other in
// one pcapng, a frame number names the event): the doc's filters for the
// admin commands, the member states, the MSI-X messages, DMA, notes, one
// function and the steps of a report work.
func TestTsharkDocFilters(t *testing.T) {
	bin := tsharkPath(t)
	doc, err := os.ReadFile("../docs/traces.md")
	require.NoError(t, err)
	var all []record.TraceEvent
	covered := make([]bool, len(docFilters))
	for _, tr := range regressTraces(t) {
		adds := false
		for i := range tr.events {
			for j, f := range docFilters {
				if !covered[j] && f.want(&tr.events[i]) {
					covered[j], adds = true, true
				}
			}
		}
		if adds {
			all = append(all, tr.events...)
		}
	}
	path := filepath.Join(t.TempDir(), "all.pcapng")
	var b bytes.Buffer
	require.NoError(t, WritePcapng(&b, all, Meta{Scenario: "every regression trace"}))
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	for _, f := range docFilters {
		t.Run(f.filter, func(t *testing.T) {
			row := "| `" + strings.ReplaceAll(f.filter, "|", `\|`) + "` |"
			assert.True(t, strings.Contains(string(doc), row), "docs/traces.md's filter table has no row %s", row)
			var want []int
			for i := range all {
				if f.want(&all[i]) {
					want = append(want, i+1)
				}
			}
			require.NotEmpty(t, want, "no regression trace has a record the filter is for")
			var got []int
			for _, s := range strings.Fields(tshark(t, bin, "-r", path, "-Y", f.filter, "-T", "fields", "-e", "frame.number")) {
				n, err := strconv.Atoi(s)
				require.NoError(t, err, "frame number %q", s)
				got = append(got, n)
			}
			if !assert.Equal(t, len(want), len(got), "records selected") || !assert.Equal(t, want, got) {
				for _, n := range got {
					if !f.want(&all[n-1]) {
						r := RecordOf(all[n-1])
						t.Logf("selected, not meant: %s", DescribeRecord(&r))
						break
					}
				}
			}
		})
	}
}
