package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/pcapgo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/trace"
)

// traceSchedule runs a scenario file of testdata/trace under ed and knobs
// and writes the run as a schedule file; ch picks the steps. It returns the
// file and the run.
func traceSchedule(t *testing.T, scn string, ed spec.Edition, knobs []string, seed uint64, ch engine.Chooser) (string, engine.Result) {
	t.Helper()
	return traceScheduleWith(t, nil, scn, ed, knobs, seed, ch)
}

// traceScheduleWith is traceSchedule with dev building the members (nil:
// the reference).
func traceScheduleWith(t *testing.T, dev member.Factory, scn string, ed spec.Edition, knobs []string, seed uint64, ch engine.Chooser) (string, engine.Result) {
	t.Helper()
	s, err := catalog.LoadScenarioFile(filepath.Join("testdata", "trace", scn))
	require.NoError(t, err)
	tg, err := catalog.NewTarget(s, ed, knobs, nil)
	require.NoError(t, err)
	tg.Member = dev
	runSeed := engine.ScheduleSeed(seed, 0)
	f, err := tg.Factory(runSeed)
	require.NoError(t, err)
	res, err := engine.Run(f, runSeed, ch, engine.RunConfig{MaxSteps: catalog.DefaultJudgeMaxSteps})
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), strings.TrimSuffix(scn, ".scn")+".json")
	require.NoError(t, catalog.WriteSchedule(tg.Schedule(engine.StrategyRandom, seed, 0, res), path))
	return path, res
}

func traceRandomChooser(seed uint64) engine.Chooser {
	return engine.NewRandom(engine.NewStream(seed, engine.StreamSchedule))
}

// runTraceCmd runs `migsim trace args…` in-process.
func runTraceCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(append([]string{"trace"}, args...), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestTrace_Formats(t *testing.T) {
	path, res := traceSchedule(t, "trace-smoke.scn", spec.Draft2023, nil, 3, traceRandomChooser(3))
	require.Nil(t, res.Finding, "the smoke scenario must pass")
	code, text, stderr := runTraceCmd(path, "--format", "text")
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	all := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	require.NotEmpty(t, all)
	// lines are the events' lines: the text has a line for each event and
	// one for each step of an actor (not a function: no dot in its name)
	// that recorded none.
	quiet := regexp.MustCompile(`^[0-9]+ t=[^ ]+ step [^ .]+: `)
	var lines []string
	for _, l := range all {
		if !quiet.MatchString(l) {
			lines = append(lines, l)
		}
	}
	require.Less(t, len(lines), len(all), "the hypervisor's quiet steps have lines")

	t.Run("pcapng", func(t *testing.T) {
		code, out, stderr := runTraceCmd(path, "--format", "pcapng")
		require.Equal(t, cmdbase.ExitOK, code, stderr)
		r, err := pcapgo.NewNgReader(strings.NewReader(out), pcapgo.DefaultNgReaderOptions)
		require.NoError(t, err)
		assert.Equal(t, trace.PcapngLinkType, r.LinkType())
		assert.Contains(t, r.SectionInfo().Comment, fmt.Sprintf("scenario=trace-smoke edition=draft-2023 knobs=default seed=%d", engine.ScheduleSeed(3, 0)))
		n := 0
		for {
			data, _, err := r.ReadPacketData()
			if err == io.EOF {
				break
			}
			require.NoError(t, err)
			rec, err := trace.DecodeRecord(data)
			require.NoError(t, err, "packet %d", n)
			require.Less(t, n, len(all), "more packets than text lines")
			assert.Equal(t, all[n], trace.DescribeRecord(&rec), "packet %d", n)
			n++
		}
		// A packet per line of the text export: every event, and every
		// step that recorded none (the hypervisor's quiet steps, which a
		// report's orderings and finding lines name too).
		assert.Equal(t, len(all), n, "one packet per text line")
	})
	t.Run("json", func(t *testing.T) {
		code, out, stderr := runTraceCmd(path, "--format", "json")
		require.Equal(t, cmdbase.ExitOK, code, stderr)
		var r trace.JSONReport
		require.NoError(t, json.Unmarshal([]byte(out), &r))
		c := r.Coverage.Events
		assert.Equal(t, len(lines), c.TLP+c.Step+c.MSIX+c.DMA+c.Note+c.Admin+c.State+c.Other)
		assert.Equal(t, "trace-smoke", r.Scenario)
		assert.Equal(t, path, r.ScheduleFile)
		assert.Equal(t, int64(res.Steps()), r.Coverage.Steps)
		assert.Empty(t, r.Findings)
	})
	t.Run("pictures", func(t *testing.T) {
		code, out, stderr := runTraceCmd(path, "--format", "timeline")
		require.Equal(t, cmdbase.ExitOK, code, stderr)
		assert.Contains(t, out, "mode timeline, steps 0-")
		code, out, stderr = runTraceCmd(path, "--format", "gantt")
		require.Equal(t, cmdbase.ExitOK, code, stderr)
		assert.NoError(t, trace.CheckMermaid(out), out)
		code, out, stderr = runTraceCmd(path, "--format", "dot")
		require.Equal(t, cmdbase.ExitOK, code, stderr)
		assert.True(t, strings.HasPrefix(out, `digraph "draft-2023" {`), out)
	})
	t.Run("mermaid", func(t *testing.T) {
		code, out, stderr := runTraceCmd(path, "--format", "mermaid", "--window", "0")
		require.Equal(t, cmdbase.ExitOK, code, stderr)
		assert.True(t, strings.HasPrefix(out, "sequenceDiagram\n"), out)
		assert.Contains(t, out, "participant vcpu0")
		assert.Contains(t, out, "participant src_vf1 as src.vf1")
		assert.NotContains(t, out, "finding")
	})
}

func TestTrace_DeterministicOutFile(t *testing.T) {
	path, _ := traceSchedule(t, "trace-smoke.scn", spec.Virtio14, nil, 5, traceRandomChooser(5))
	dir := t.TempDir()
	var files [][]byte
	for i, name := range []string{"a.pcapng", "b.pcapng"} {
		out := filepath.Join(dir, name)
		code, stdout, stderr := runTraceCmd(path, "--format", "pcapng", "--out", out)
		require.Equal(t, cmdbase.ExitOK, code, "run %d: %s", i, stderr)
		assert.Empty(t, stdout)
		assert.Contains(t, stderr, "wrote "+out)
		b, err := os.ReadFile(out)
		require.NoError(t, err)
		files = append(files, b)
	}
	assert.Equal(t, files[0], files[1], "same schedule, same bytes")
}

func TestTrace_FindingMermaid(t *testing.T) {
	// pct finds the FLR completing inside Freeze (the scenario's own
	// budget); trace shows it and still exits 0.
	var path string
	var res engine.Result
	for seed := uint64(1); seed <= 300 && res.Finding == nil; seed++ {
		path, res = traceSchedule(t, "trace-flr.scn", spec.Draft2023, []string{"flr-vs-mode=complete-anyway", "mode-after-flr=keep"},
			seed, engine.NewPCT(engine.NewStream(seed, engine.StreamSchedule), 3, engine.DefaultPCTSteps))
	}
	require.NotNil(t, res.Finding, "no frozen-context finding in 300 pct schedules")
	require.Equal(t, "frozen-context", res.Finding.Oracle)
	code, out, stderr := runTraceCmd(path, "--format", "mermaid", "--window", "5")
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	assert.Contains(t, out, "%% migsim: frozen-context after step")
	assert.Contains(t, out, "finding frozen-context (DRAFT-FRZ-02)")
	code, out, stderr = runTraceCmd(path, "--format", "json")
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	assert.Contains(t, out, `"oracle": "frozen-context"`)
}

func TestTrace_UsageErrors(t *testing.T) {
	path, _ := traceSchedule(t, "trace-smoke.scn", spec.Draft2023, nil, 3, traceRandomChooser(3))
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no file", nil, cmdbase.ExitUsage, "want one schedule FILE, got 0 arguments"},
		{"two files", []string{path, path}, cmdbase.ExitUsage, "got 2 arguments"},
		{"bad format", []string{path, "--format", "svg"}, cmdbase.ExitUsage, `--format "svg": want one of pcapng, mermaid, json, text, timeline, gantt, dot`},
		{"bad window", []string{path, "--window", "-1"}, cmdbase.ExitUsage, "--window -1"},
		{"unknown flag", []string{path, "--colour"}, cmdbase.ExitUsage, "unknown flag: --colour"},
		{"window with timeline", []string{path, "--format", "timeline", "--window", "5"}, cmdbase.ExitUsage,
			"--window goes with --format mermaid or text (the steps up to the finding); timeline shows the whole run"},
		{"window with json", []string{path, "--format", "json", "--window", "0"}, cmdbase.ExitUsage, "json shows the whole run"},
		{"window with pcapng", []string{path, "--format", "pcapng", "--window", "5", "--out", filepath.Join(t.TempDir(), "x.pcapng")}, cmdbase.ExitUsage, "pcapng shows the whole run"},
		{"window with gantt", []string{path, "--format", "gantt", "--window", "5"}, cmdbase.ExitUsage, "gantt shows the whole run"},
		{"window with dot", []string{path, "--format", "dot", "--window", "5"}, cmdbase.ExitUsage, "dot shows the whole run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runTraceCmd(tt.args...)
			assert.Equal(t, tt.code, code)
			assert.Contains(t, stderr, tt.want)
		})
	}
}

func TestTrace_BadScheduleFiles(t *testing.T) {
	path, _ := traceSchedule(t, "trace-smoke.scn", spec.Draft2023, nil, 3, traceRandomChooser(3))
	// edit changes the schedule and writes it sealed (a valid checksum), so
	// what fails is the edit itself.
	edit := func(f func(sc *schedfile.Schedule)) []byte {
		sc, err := catalog.ReadScheduleFile(path)
		require.NoError(t, err)
		f(sc)
		b, err := sc.Marshal()
		require.NoError(t, err)
		return b
	}
	good, err := os.ReadFile(path)
	require.NoError(t, err)
	tests := []struct {
		name string
		data []byte
		code int
		want string
	}{
		{"malformed", []byte(`{"format": 1,`), cmdbase.ExitUsage, "malformed JSON: truncated at byte 13 of 13"},
		{"edited by hand", bytes.Replace(good, []byte(`"seed": "`), []byte(`"seed": "1`), 1), cmdbase.ExitUsage, "field seed: "},
		{"stale scenario", edit(func(sc *schedfile.Schedule) { sc.ScenarioHash = "0000000000000000" }), cmdbase.ExitUsage, "stale schedule"},
		{"diverging choice", edit(func(sc *schedfile.Schedule) { sc.Choices[2].Label = "vcpu0:no-such-step" }), cmdbase.ExitFinding, "replay diverged at step 3"}, // index 2 is step 3,
		{"diverging hash", edit(func(sc *schedfile.Schedule) { sc.TraceHash = "0123456789abcdef" }), cmdbase.ExitFinding, "trace hash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "bad.json")
			require.NoError(t, os.WriteFile(p, tt.data, 0o644))
			code, stdout, stderr := runTraceCmd(p, "--format", "text")
			assert.Equal(t, tt.code, code, stderr)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, p)
			assert.Contains(t, stderr, tt.want)
			assert.NotContains(t, stderr, "engine: ", "no package prefixes")
		})
	}
	t.Run("missing file", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "nope.json")
		code, _, stderr := runTraceCmd(p)
		assert.Equal(t, cmdbase.ExitUsage, code)
		assert.Contains(t, stderr, "nope.json")
	})
}

// TestTrace_DocsListEveryFormat: README's trace line, the usage text and
// docs/traces.md's table name every value --format takes.
func TestTrace_DocsListEveryFormat(t *testing.T) {
	want := "--format " + strings.Join(traceFormats, "|")
	readme := mustRead(t, "../../README.md")
	traces := mustRead(t, "../../docs/traces.md")
	cases := []struct {
		name, text, want string
	}{
		{"README", readme, want},
		{"usage", traceUsage, want},
		{"help summary", commands["trace"].summary, strings.Join(traceFormats, ", ")},
	}
	for _, f := range traceFormats {
		cases = append(cases, struct{ name, text, want string }{"docs/traces.md " + f, traces, "| `" + f + "` |"})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Contains(t, c.text, c.want)
		})
	}
}

// TestTrace_TextWindow: --window N limits the text export to the last N
// steps up to the run's end, as it does the Mermaid diagram; without it the
// text export is the whole run.
func TestTrace_TextWindow(t *testing.T) {
	path, _ := traceSchedule(t, "trace-smoke.scn", spec.Draft2023, nil, 3, traceRandomChooser(3))
	steps := func(out string) []int {
		var ns []int
		for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			var n int
			_, err := fmt.Sscanf(l, "%d ", &n)
			require.NoError(t, err, l)
			ns = append(ns, n)
		}
		return ns
	}
	code, whole, stderr := runTraceCmd(path, "--format", "text")
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	all := steps(whole)
	require.NotEmpty(t, all)
	assert.Equal(t, 0, all[0], "the whole run, from the host's boot")
	last := all[len(all)-1]
	code, zero, _ := runTraceCmd(path, "--format", "text", "--window", "0")
	require.Equal(t, cmdbase.ExitOK, code)
	assert.Equal(t, whole, zero, "--window 0: the whole run")
	code, out, stderr := runTraceCmd(path, "--format", "text", "--window", "5")
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	got := steps(out)
	require.NotEmpty(t, got)
	for _, n := range got {
		assert.True(t, n > last-5 && n <= last, "step %d outside %d..%d", n, last-4, last)
	}
	assert.True(t, strings.HasSuffix(whole, out), "the window is the end of the whole text")
}

// TestTrace_TextShowsQuietSteps: the text export has a line for every
// step of the run, the hypervisor's steps that put nothing on the bus
// (halt-vcpus, copy-memory, switchover, resume-vcpus, its waits for admin
// completions) among them, so that the flow can be followed.
func TestTrace_TextShowsQuietSteps(t *testing.T) {
	for _, ed := range spec.Editions {
		t.Run(ed.String(), func(t *testing.T) {
			path, res := traceSchedule(t, "trace-smoke.scn", ed, nil, 3, traceRandomChooser(3))
			require.Nil(t, res.Finding)
			code, text, stderr := runTraceCmd(path, "--format", "text")
			require.Equal(t, cmdbase.ExitOK, code, stderr)
			seen := map[int]bool{}
			for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
				var n int
				_, err := fmt.Sscanf(l, "%d ", &n)
				require.NoError(t, err, l)
				seen[n] = true
			}
			for i := 1; i <= res.Steps(); i++ {
				assert.True(t, seen[i], "step %d has no line", i)
			}
			for _, want := range []string{" step hv: halt-vcpus\n", " step hv: copy-memory dst\n", " step hv: switchover dst\n",
				" step hv: resume-vcpus\n"} {
				assert.Contains(t, text, want)
			}
		})
	}
}

// A pcapng opened on its own says what the run ends in: its section
// comment names the finding's oracle and the step stderr's finding line
// gives (as every output numbers steps).
func TestTrace_PcapngCommentNamesTheFinding(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.pcapng")
	code, _, stderr := runTraceCmd(canonicalFinding, "--format", "pcapng", "--out", path)
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	m := regexp.MustCompile(`finding (\S+) at step (\d+)`).FindStringSubmatch(stderr)
	require.NotNil(t, m, "stderr names no finding: %s", stderr)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	r, err := pcapgo.NewNgReader(bytes.NewReader(b), pcapgo.DefaultNgReaderOptions)
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(r.SectionInfo().Comment, fmt.Sprintf(" finding=%s step=%s", m[1], m[2])), r.SectionInfo().Comment)
}
