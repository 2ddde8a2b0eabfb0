package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/cmdbase"
)

// TestReplayUnder: replay --spec/--knob/--set runs the schedule's
// recorded choices leniently under the rules given, says what it ran
// under and how closely it followed them, prints the finding or none and
// exits as replay does (1 for a finding, 0 for none, 2 for bad input);
// its output does not change from one run to the next.
func TestReplayUnder(t *testing.T) {
	const reset = "../../catalog/testdata/regress/reset-racing-stop_draft-2023_reset-vs-mode=complete-anyway.json"
	const net = "../../catalog/testdata/regress/net-tx-reexecuted_draft-2023_reexec=all.json"
	cut := editSchedule(t, reset, func(sc *schedfile.Schedule) {
		sc.Choices, sc.Steps, sc.Finding, sc.TraceHash = sc.Choices[:100], 100, nil, "0000000000000000"
	})
	_, plain, _ := runSimCLI(t, "replay", reset)
	recordedHash := regexp.MustCompile(`trace hash ([0-9a-f]{16}) \(matches the recording\)`).FindStringSubmatch(plain)
	require.Len(t, recordedHash, 2, plain)
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		out    []string // lines or parts of stdout, in order
		stderr string
	}{
		{"the recorded knob reproduces the recording", []string{reset, "--knob", "reset-vs-mode=complete-anyway"}, cmdbase.ExitFinding, []string{
			"under draft-2023, knobs reset-vs-mode=complete-anyway: the recorded choices followed leniently\n",
			"followed 171 of 171 recorded choices as recorded; the run made 171 steps\n",
			"no departure: the run made the recorded interleaving, step for step\n",
			"finding frozen-context at step 171: ",
			"trace hash " + recordedHash[1] + " (the recorded one)\n"}, ""},
		{"the knob the catalog expects to pass", []string{reset, "--knob", "reset-vs-mode=reply-on-start"}, cmdbase.ExitOK, []string{
			"under draft-2023, knobs reset-vs-mode=reply-on-start: the recorded choices followed leniently\n",
			"followed 171 of 171 recorded choices as recorded; the run made 173 steps\n",
			"first departure at step 172: took \"vcpu0:settle\": the run went on past the recorded choices\n",
			"no finding\n",
			"trace hash "}, ""},
		{"the other edition", []string{reset, "--spec", "virtio-1.4", "--knob", "reset-vs-mode=hold-reply"}, cmdbase.ExitOK, []string{
			"under virtio-1.4, knobs defaults: the recorded choices followed leniently\n",
			": the recorded step was not enabled\n",
			"no finding\n"}, ""},
		{"a recorded knob of the other edition", []string{net, "--spec", "virtio-1.4"}, cmdbase.ExitOK, []string{
			"under virtio-1.4, knobs defaults: the recorded choices followed leniently\n",
			"  recorded knob reexec=all left out: it does not apply to virtio-1.4\n",
			"no finding\n"}, ""},
		{"a list cut short", []string{cut, "--knob", "reset-vs-mode=complete-anyway"}, cmdbase.ExitFinding, []string{
			"followed 100 of 100 recorded choices as recorded; the run made ",
			"first departure at step 101: took ",
			": the run went on past the recorded choices\n",
			"finding "}, ""},
		{"--trace prints the run's trace", []string{reset, "--knob", "reset-vs-mode=reply-on-start", "--trace"}, cmdbase.ExitOK, []string{
			"first departure at step 172", "\n173 t=", "no finding\n"}, ""},
		{"unknown knob", []string{reset, "--knob", "foo=bar"}, cmdbase.ExitUsage, nil,
			`migsim replay: target reset-racing-stop draft-2023: --knob foo=bar: unknown knob "foo"`},
		{"unknown value", []string{reset, "--knob", "reset-vs-mode=nope"}, cmdbase.ExitUsage, nil,
			`--knob reset-vs-mode=nope: knob reset-vs-mode: unknown value "nope" (allowed: `},
		{"knob of the other edition", []string{reset, "--spec", "virtio-1.4", "--knob", "read=full"}, cmdbase.ExitUsage, nil,
			"migsim replay: target reset-racing-stop virtio-1.4: --knob read=full: knob read does not apply to virtio-1.4"},
		{"setting the scenario does not take", []string{reset, "--set", "nope=1"}, cmdbase.ExitUsage, nil,
			"migsim replay: target reset-racing-stop draft-2023: --set: unknown setting nope"},
		{"setting without a value", []string{reset, "--set", "x"}, cmdbase.ExitUsage, nil, `migsim replay: --set "x": want key=value`},
		{"--spec garbage", []string{reset, "--spec", "garbage"}, cmdbase.ExitUsage, nil,
			`migsim replay: --spec: unknown edition "garbage" (want draft-2023 or virtio-1.4)`},
		{"--device", []string{reset, "--knob", "read=full", "--device", "builtin:blk"}, cmdbase.ExitUsage, nil, "--device does not go with them"},
		{"--without-migration", []string{reset, "--knob", "read=full", "--without-migration"}, cmdbase.ExitUsage, nil,
			"--without-migration goes with none of --spec, --knob and --set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"replay"}, tc.args...)
			code, out, stderr := runSimCLI(t, args...)
			assert.Equal(t, tc.code, code, "stdout: %s\nstderr: %s", out, stderr)
			if tc.stderr != "" {
				assert.Contains(t, stderr, tc.stderr)
				assert.Empty(t, out, "bad input prints nothing on stdout")
				return
			}
			rest := out
			for _, want := range tc.out {
				i := strings.Index(rest, want)
				require.GreaterOrEqual(t, i, 0, "stdout lacks %q (in order):\n%s", want, out)
				rest = rest[i+len(want):]
			}
			code2, out2, stderr2 := runSimCLI(t, args...)
			assert.Equal(t, code, code2)
			assert.Equal(t, out, out2, "two runs, the same bytes")
			assert.Equal(t, stderr, stderr2)
		})
	}
}

// TestReplayUnder_Save: --save writes the run under other rules as a
// schedule file of those rules, which a plain replay reproduces step for
// step (its trace hash, its finding or none); a file already there with
// another schedule is kept; --save alone is refused.
func TestReplayUnder_Save(t *testing.T) {
	const reset = "../../catalog/testdata/regress/reset-racing-stop_draft-2023_reset-vs-mode=complete-anyway.json"
	hash := regexp.MustCompile(`trace hash ([0-9a-f]{16})`)
	out := filepath.Join(t.TempDir(), "under.json")
	for _, tc := range []struct {
		knob, saved, note string
		code              int
	}{
		{"reset-vs-mode=reply-on-start", out, "", cmdbase.ExitOK},
		{"reset-vs-mode=complete-anyway", strings.TrimSuffix(out, ".json") + ".1.json", out + " holds another schedule, left as it is", cmdbase.ExitFinding},
	} {
		code, stdout, stderr := runSimCLI(t, "replay", reset, "--knob", tc.knob, "--save", out)
		require.Equal(t, tc.code, code, stderr)
		assert.Contains(t, stdout, "this run's schedule: migsim replay "+tc.saved+"\n", tc.knob)
		assert.Contains(t, stderr, tc.note, tc.knob)
		under := hash.FindStringSubmatch(stdout)
		require.Len(t, under, 2, stdout)
		code, again, stderr := runSimCLI(t, "replay", tc.saved)
		require.Equal(t, tc.code, code, stderr)
		assert.Contains(t, again, ", knobs "+tc.knob+", ", "the file records the rules it ran under")
		assert.Contains(t, again, "trace hash "+under[1]+" (matches the recording)\n", tc.knob)
	}
	code, stdout, stderr := runSimCLI(t, "replay", reset, "--save", out)
	assert.Equal(t, cmdbase.ExitUsage, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "migsim replay: --save writes the run under other rules: it goes with --spec, --knob or --set")
}

// TestReplayUnder_SaveRefusedPaths: --save's path is checked before the
// run, as every output path is, and refused with exit 2: "-" (a file of
// that name, not stdout), an empty path, a directory (which it wrote as
// DIR.1 beside it), a directory that does not exist or a file on the way
// (which it refused only after printing the run).
func TestReplayUnder_SaveRefusedPaths(t *testing.T) {
	reset, err := filepath.Abs("../../catalog/testdata/regress/reset-racing-stop_draft-2023_reset-vs-mode=complete-anyway.json")
	require.NoError(t, err)
	dir := t.TempDir()
	t.Chdir(dir) // where a file named - would go
	file := filepath.Join(dir, "file.json")
	require.NoError(t, os.WriteFile(file, []byte("{}"), 0o644))
	for _, tc := range []struct {
		name, save, want string
	}{
		{"dash", "-", `--save: "-" would be a file named "-", not stdout`},
		{"empty", "", "--save: empty path: want a schedule file"},
		{"a directory", dir, "--save: " + dir + " is a directory (want a file)"},
		{"no such directory", filepath.Join(dir, "none", "x.json"), "--save: directory " + filepath.Join(dir, "none") + ": "},
		{"a file on the way", filepath.Join(file, "x.json"), "--save: " + file + " is not a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runSimCLI(t, "replay", reset, "--knob", "reset-vs-mode=reply-on-start", "--save", tc.save)
			assert.Equal(t, cmdbase.ExitUsage, code, stderr)
			assert.Empty(t, stdout, "refused before the run")
			assert.Contains(t, stderr, "migsim replay: "+tc.want)
			_, err := os.Stat("-")
			assert.True(t, os.IsNotExist(err), "no file named -")
			_, err = os.Stat(dir + ".1")
			assert.True(t, os.IsNotExist(err), "nothing beside the directory")
		})
	}
}
