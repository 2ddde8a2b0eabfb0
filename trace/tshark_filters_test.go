package trace

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
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

// docTsharkCommands returns the tshark command lines of docs/traces.md's
// Wireshark section (a trailing backslash continues a line), split into
// arguments (single quotes group, as the shell's do).
func docTsharkCommands(t *testing.T, doc string) [][]string {
	t.Helper()
	_, sec, ok := strings.Cut(doc, "\n## Wireshark\n")
	require.True(t, ok, "docs/traces.md has no Wireshark section")
	_, block, ok := strings.Cut(sec, "```\n")
	require.True(t, ok)
	block, _, ok = strings.Cut(block, "```\n")
	require.True(t, ok)
	var out [][]string
	for _, l := range strings.Split(strings.ReplaceAll(block, "\\\n", ""), "\n") {
		if !strings.HasPrefix(l, "tshark ") {
			continue
		}
		var args []string
		for i, part := range strings.Split(l, "'") {
			if i%2 == 1 {
				args = append(args, part)
				continue
			}
			args = append(args, strings.Fields(part)...)
		}
		out = append(out, args[1:])
	}
	return out
}

// The tshark commands docs/traces.md gives a user run, on a regression
// trace with a failed admin command and steps 70 to 78, without an error
// or a line on stderr, and print something (a -q command's summary may be
// empty).
func TestTsharkDocCommands(t *testing.T) {
	bin := tsharkPath(t)
	doc, err := os.ReadFile("../docs/traces.md")
	require.NoError(t, err)
	cmds := docTsharkCommands(t, string(doc))
	require.GreaterOrEqual(t, len(cmds), 5, "tshark commands in the Wireshark section")
	var events []record.TraceEvent
	for _, tr := range regressTraces(t) {
		failed := false
		for _, e := range tr.events {
			if e.Kind == record.TraceAdmin && !SummarizeAdmin(e.Edition, e.Admin, e.AdminResult).Succeeded() {
				failed = true
			}
		}
		if failed && tr.events[len(tr.events)-1].Step >= 78 {
			events = tr.events
			break
		}
	}
	require.NotEmpty(t, events, "no regression trace has a failed admin command and 78 steps")
	path := filepath.Join(t.TempDir(), "run.pcapng")
	var b bytes.Buffer
	require.NoError(t, WritePcapng(&b, events, Meta{Scenario: "doc commands"}))
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	for _, args := range cmds {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var run []string
			for i := 0; i < len(args); i++ {
				switch {
				case args[i] == "-X" && i+1 < len(args) && args[i+1] == "lua_script:docs/migsim.lua":
					i++ // tshark() loads the dissector
				case args[i] == "run.pcapng":
					run = append(run, path)
				default:
					run = append(run, args[i])
				}
			}
			out := tshark(t, bin, run...)
			if !slices.Contains(args, "-q") {
				assert.NotEmpty(t, strings.TrimSpace(out))
			}
			assert.NotContains(t, out, "Lua Error")
			if slices.Contains(args, "-N") {
				assert.NotRegexp(t, `\b10\.\d+\.\d+\.\d+\b`, out, "-N n shows names, not the endpoints' addresses")
			}
		})
	}
}
