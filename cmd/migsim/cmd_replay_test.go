package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/cmdbase"
)

// recordFLR explores the test FLR scenario once and returns the written
// schedule file: exploreFLRShared's, whose exploration
// TestExplore_FindsShrinksWritesAndReplays checks (the tests read the file
// and write their edits elsewhere).
func recordFLR(t *testing.T) string {
	t.Helper()
	code, _, stderr, dir := exploreFLRShared(t)
	require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s", stderr)
	p := filepath.Join(dir, "test-flr-freeze_draft-2023_flr-vs-mode=complete-anyway_mode-after-flr=keep.json")
	require.FileExists(t, p)
	return p
}

// editSchedule rewrites a copy of a schedule file through edit.
func editSchedule(t *testing.T, src string, edit func(*schedfile.Schedule)) string {
	t.Helper()
	sc, err := catalog.ReadScheduleFile(src)
	require.NoError(t, err)
	edit(sc)
	p := filepath.Join(t.TempDir(), "edited.json")
	require.NoError(t, sc.WriteFile(p))
	return p
}

// TestReplay records one schedule with explore and replays it: with the
// trace, edited to diverge, and spoilt in every way a file can be.
func TestReplay(t *testing.T) {
	p := recordFLR(t)
	t.Run("trace", func(t *testing.T) { testReplayTrace(t, p) })
	t.Run("slice", func(t *testing.T) { testReplaySlice(t, p) })
	t.Run("divergence names the step", func(t *testing.T) { testReplayDivergence(t, p) })
	t.Run("bad schedule files", func(t *testing.T) { testReplayBadFiles(t, p) })
}

func testReplayTrace(t *testing.T, p string) {
	sc, err := catalog.ReadScheduleFile(p)
	require.NoError(t, err)
	code, out, _ := runSimCLI(t, "replay", "--trace", p)
	require.Equal(t, cmdbase.ExitFinding, code)
	steps := 0
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) >= 3 && strings.HasPrefix(f[1], "t=") && f[0] != "-" {
			steps++
		}
	}
	assert.Equal(t, sc.Steps, steps, "one trace line per step")
	assert.Contains(t, out, "trace hash "+sc.TraceHash+" (matches the recording)")

	code2, out2, _ := runSimCLI(t, "replay", "--trace", p)
	require.Equal(t, cmdbase.ExitFinding, code2)
	assert.Equal(t, out, out2, "the trace is the same byte for byte")

	// A step that completed admin commands names them as the text
	// export's admin records do: "src.pf:admin(tag 0) (DEV_MODE_SET …: OK)";
	// a step of another actor than the PF (the hypervisor's, booting the
	// destination inline) names the PF too: "(dst.pf: LIST_QUERY …)".
	_, text, _ := runSimCLI(t, "trace", p, "--format", "text")
	type cmd struct{ pf, text string }
	admin := map[string][]cmd{}
	for _, m := range regexp.MustCompile(`(?m)^(\d+) t=\S+ admin \S+ -> (\S+): (.*?)(?: \(step of \S+\))?$`).FindAllStringSubmatch(text, -1) {
		if m[1] != "0" { // the host's boot, before the first scheduler step: no step line
			admin[m[1]] = append(admin[m[1]], cmd{m[2], m[3]})
		}
	}
	require.NotEmpty(t, admin, text)
	decoded := 0
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) < 4 || !strings.HasPrefix(f[1], "t=") {
			continue
		}
		if cmds := admin[f[0]]; len(cmds) > 0 {
			var want []string
			for _, c := range cmds {
				if c.pf != f[2] { // f[2] is the step's actor
					c.text = c.pf + ": " + c.text
				}
				want = append(want, c.text)
			}
			assert.True(t, strings.HasSuffix(l, " ("+strings.Join(want, "; ")+")"), "step %s: %q, want the commands %q", f[0], l, want)
			decoded++
		} else {
			assert.NotContains(t, l, ": OK", "a step without admin records names no command")
		}
	}
	assert.Equal(t, len(admin), decoded, "every step with admin records is decoded")
}

// --slice prints the footprint slice's size ("footprints: N of M steps
// matter" or "all M steps matter: …"), then the slice narrowed by running
// ("slice: N of M steps placed: …", never more than the footprint slice,
// the finding's step among them) and exactly those step lines, each as
// --trace prints it; --slice-runs 0 prints the footprint slice alone under
// "slice: N of M steps matter".
func testReplaySlice(t *testing.T, p string) {
	_, full, _ := runSimCLI(t, "replay", "--trace", p)
	sc, err := catalog.ReadScheduleFile(p)
	require.NoError(t, err)
	footprint := regexp.MustCompile(`(?m)^(?:slice|footprints): (?:(\d+) of (\d+) steps matter|all (\d+) steps matter: the steps' footprints do not separate them \(replay --explain names the orderings the finding needs\))$`)
	footprintSize := func(out string) int {
		m := footprint.FindStringSubmatch(out)
		require.NotNil(t, m, out)
		if m[3] != "" {
			n, _ := strconv.Atoi(m[3])
			assert.Equal(t, sc.Steps, n, "all steps: the schedule's")
			return n
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	stepLines := func(out string) []string {
		var steps []string
		for _, l := range strings.Split(out, "\n") {
			if f := strings.Fields(l); len(f) >= 3 && strings.HasPrefix(f[1], "t=") && f[0] != "-" {
				steps = append(steps, l)
				assert.Contains(t, full, l+"\n")
			}
		}
		return steps
	}

	code, out, _ := runSimCLI(t, "replay", "--slice", "--slice-runs", "0", p)
	require.Equal(t, cmdbase.ExitFinding, code)
	require.Contains(t, out, "\nslice: ")
	n := footprintSize(out)
	assert.Positive(t, n)
	assert.Len(t, stepLines(out), n)

	code, out, _ = runSimCLI(t, "replay", "--slice", p)
	require.Equal(t, cmdbase.ExitFinding, code)
	assert.Equal(t, n, footprintSize(out), "the footprint slice's size, above the narrowed one")
	m := regexp.MustCompile(`(?m)^slice: (\d+) of (\d+) steps placed: `).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	placed, _ := strconv.Atoi(m[1])
	assert.Equal(t, strconv.Itoa(sc.Steps), m[2])
	steps := stepLines(out)
	assert.Len(t, steps, placed)
	assert.LessOrEqual(t, placed, n)
	require.NotEmpty(t, steps)
	assert.True(t, strings.HasPrefix(steps[len(steps)-1], strconv.Itoa(sc.Finding.Step+1)+" "), "the finding's step is the slice's last: %s", steps[len(steps)-1])

	code, _, stderr := runSimCLI(t, "replay", "--slice", "--trace", p)
	assert.Equal(t, cmdbase.ExitUsage, code)
	assert.Contains(t, stderr, "choose one")
	code, _, stderr = runSimCLI(t, "replay", "--slice-runs", "3", p)
	assert.Equal(t, cmdbase.ExitUsage, code)
	assert.Contains(t, stderr, "--slice-runs goes with --slice")
}

func testReplayDivergence(t *testing.T, good string) {
	p := editSchedule(t, good, func(sc *schedfile.Schedule) { sc.Choices[3].Label = "vcpu0:not-a-step" })
	code, out, _ := runSimCLI(t, "replay", p)
	assert.Equal(t, cmdbase.ExitFinding, code)
	sc, err := catalog.ReadScheduleFile(p)
	require.NoError(t, err)
	assert.Contains(t, out, "\nseed "+strconv.FormatUint(sc.Seed, 10)+": replay diverged at step 4: ")
	assert.Equal(t, 1, strings.Count(out, "diverged"), "the divergence says diverged once: %s", out)
	assert.Contains(t, out, "at step 4", "the step shown as the trace numbers it: index 3 is step 4")
	assert.Regexp(t, `\ntrace hash [0-9a-f]{16}, recorded `+sc.TraceHash+`\n`, out)

	// Only the actor a choice records is edited: the run makes the
	// recorded steps, so the hash is the recorded one, said as such.
	p = editSchedule(t, good, func(sc *schedfile.Schedule) { sc.Choices[3].Actor += 7 })
	code, out, _ = runSimCLI(t, "replay", p)
	assert.Equal(t, cmdbase.ExitFinding, code)
	assert.Contains(t, out, ": replay diverged at step 4: ")
	assert.Contains(t, out, "\ntrace hash "+sc.TraceHash+" (as recorded: the run made the recorded steps; what differs is above)\n")
	assert.NotContains(t, out, "recorded "+sc.TraceHash)
}

func testReplayBadFiles(t *testing.T, good string) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		return p
	}
	stale := editSchedule(t, good, func(sc *schedfile.Schedule) { sc.ScenarioHash = "0123456789abcdef" })
	unknown := editSchedule(t, good, func(sc *schedfile.Schedule) {
		sc.ScenarioFile, sc.ScenarioText, sc.Scenario = "", "", "no-such-scenario"
	})
	gone := editSchedule(t, good, func(sc *schedfile.Schedule) { sc.ScenarioFile, sc.ScenarioText = filepath.Join(dir, "gone.scn"), "" })
	badSetting := editSchedule(t, good, func(sc *schedfile.Schedule) { sc.Settings = []string{"novalue"} })
	badOracle := editSchedule(t, good, func(sc *schedfile.Schedule) { sc.Finding.Oracle = "nonsense" })
	farStep := editSchedule(t, good, func(sc *schedfile.Schedule) { sc.Finding.Step = 1000000000 })
	text := mustRead(t, good)
	require.Greater(t, len(text), 500)
	// choices[3].i too large for an int: the decoder alone says choices.i.
	at := regexp.MustCompile(`"i": \d+`).FindAllStringIndex(text, -1)
	require.Greater(t, len(at), 3)
	bigIndex := text[:at[3][0]] + `"i": 99999999999999999999` + text[at[3][1]:]
	cases := []struct {
		name string
		path string
		want []string
	}{
		{"missing file", filepath.Join(dir, "none.json"), []string{"none.json", "no such file"}},
		{"empty file", write("empty.json", ""), []string{"empty.json", "empty file"}},
		{"malformed JSON", write("broken.json", `{"format": 1,`), []string{"broken.json: malformed JSON: truncated at byte 13 of 13: the JSON does not end"}},
		{"cut at 500 bytes", write("cut.json", text[:500]), []string{"cut.json: malformed JSON: truncated at byte 500 of 500: the JSON does not end"}},
		{"oversized choice index", write("big.json", bigIndex), []string{"big.json: field choices[3].i: got JSON number 99999999999999999999, want number (integer -2^63..2^63-1) (byte offset "}},
		{"syntax error", write("syntax.json", `{"format": 1 "x"}`), []string{"syntax.json", "malformed JSON at byte offset"}},
		{"unknown field", write("field.json", `{"format": 1, "colour": "red"}`), []string{"field.json", `unknown field "colour"`}},
		{"wrong type", write("type.json", `{"format": "one"}`), []string{"type.json", "field format"}},
		{"stale scenario", stale, []string{"stale schedule", "was recorded against 0123456789abcdef", "explore the scenario again for a fresh schedule, FILE being that text saved to a file: migsim explore --scenario FILE --spec "}},
		{"unknown scenario", unknown, []string{`no scenario "no-such-scenario"`}},
		{"scenario file gone, no text", gone, []string{"gone.scn", "no such file"}},
		{"bad setting", badSetting, []string{`setting 0 "novalue": want key=value`}},
		{"unknown finding oracle", badOracle, []string{"edited.json", `field finding.oracle: unknown oracle "nonsense"`}},
		{"finding step beyond the steps", farStep, []string{"edited.json", "field finding.step: 1000000000 out of range [-1, "}},
		{"not an object", write("array.json", "[]"), []string{"array.json: not a JSON object: the file holds a JSON array"}},
		{"null", write("null.json", "null\n"), []string{"null.json: not a JSON object: the file holds JSON null"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runSimCLI(t, "replay", c.path)
			assert.Equal(t, cmdbase.ExitUsage, code)
			assert.True(t, strings.HasPrefix(stderr, "migsim replay: "), stderr)
			for _, w := range c.want {
				assert.Contains(t, stderr, w)
			}
		})
	}
}

func TestReplay_UsageErrorsExit2(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no file", []string{"replay"}, "want one schedule FILE, got 0 arguments"},
		{"two files", []string{"replay", "a.json", "b.json"}, "want one schedule FILE, got 2 arguments"},
		{"unknown flag", []string{"replay", "--speed", "a.json"}, "unknown flag: --speed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, c.args...)
			assert.Equal(t, cmdbase.ExitUsage, code)
			assert.Empty(t, out)
			assert.Contains(t, stderr, c.want)
		})
	}
}

// TestReplay_ShowsImpact checks that a replayed finding says its impact and
// the requirement IDs its run exercised, as migsim run does.
func TestReplay_ShowsImpact(t *testing.T) {
	for _, tc := range []struct{ file, impact, reqs string }{
		{canonicalFinding, "  impact: rule-only (the run went on past frozen-context to its end; no guest-visible oracle fired)",
			"  requirements: broken DRAFT-FRZ-02"},
		{"../../catalog/testdata/regress/freeze-without-halting-vcpus_virtio-1.4.json", "  impact: guest-visible (transparent at step",
			"  requirements: involved DP-DEV-09 DP-DEV-10\n"},
	} {
		code, out, stderr := runSimCLI(t, "replay", tc.file)
		assert.Equal(t, cmdbase.ExitFinding, code, stderr)
		assert.Contains(t, out, tc.impact)
		assert.Contains(t, out, tc.reqs)
	}
}

// TestReplay_ExplainNamesAdminCommands: replay --explain prints, beside a
// PF admin step's label (which names only the queue tag), the admin
// command the step completed; other steps' labels stand alone.
func TestReplay_ExplainNamesAdminCommands(t *testing.T) {
	code, out, stderr := runSimCLI(t, "replay", "--explain",
		"../../catalog/testdata/regress/reset-racing-stop_draft-2023_reset-vs-mode=complete-anyway.json")
	require.Equal(t, cmdbase.ExitFinding, code, stderr)
	assert.Regexp(t, `\n    step \d+ src\.pf:admin\(tag 0\) \(DEV_CTX_READ SR-IOV member 1: OK result=16B\) before step \d+ src\.vf1:finish-reset\n`, out)
	assert.Regexp(t, `\n    step \d+ vcpu0:mmio-write device_status=00 before step \d+ hv:resume-vcpus\n`, out)
}

// The usage line of replay names every flag its --help lists, as README.md's
// command list does: a flag only the defaults below it show is one a
// reader of the synopsis never learns of.
func TestReplay_SynopsisNamesEveryFlag(t *testing.T) {
	code, out, _ := runSimCLI(t, "replay", "--help")
	require.Equal(t, cmdbase.ExitOK, code)
	synopsis, defaults, ok := strings.Cut(out, "\n\n")
	require.True(t, ok, "the usage is a synopsis, a blank line, the text")
	flags := regexp.MustCompile(`(?m)^\s+(?:-\w, )?--([a-z0-9-]+)`).FindAllStringSubmatch(defaults, -1)
	require.NotEmpty(t, flags, "--help lists the flags")
	for _, m := range flags {
		if m[1] == "help" {
			continue
		}
		assert.Contains(t, synopsis, "--"+m[1], "the synopsis names --%s", m[1])
	}
}
