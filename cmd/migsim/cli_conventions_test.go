package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// TestHelpOnStdout: a command's usage asked for with --help, -h or
// `migsim help COMMAND` is written to stdout with exit 0 (so that
// `migsim explore --help | less` shows it), the same text each way, and
// nothing on stderr.
func TestHelpOnStdout(t *testing.T) {
	cmds := [][]string{{"bench", "vfs"}}
	for _, n := range commandNames() {
		cmds = append(cmds, []string{n})
	}
	for _, c := range cmds {
		name := c[0]
		if len(c) > 1 {
			name += " " + c[1]
		}
		var first string
		for i, args := range [][]string{
			append(append([]string{}, c...), "--help"),
			append(append([]string{}, c...), "-h"),
			append([]string{"help"}, c...),
		} {
			if len(c) > 1 && i == 2 {
				continue // help takes a command, not a command's subcommand
			}
			code, out, errOut := runSimCLI(t, args...)
			assert.Equal(t, cmdbase.ExitOK, code, "%q", args)
			assert.Contains(t, out, "usage: migsim "+name, "%q", args)
			assert.Empty(t, errOut, "%q: nothing on stderr", args)
			if i == 0 {
				first = out
			} else {
				assert.Equal(t, first, out, "%q prints what %s --help prints", args, name)
			}
		}
	}
}

// TestUsageErrorsOnStderr: what the user did not ask for (no command, an
// unknown command or help topic) is a usage error: stderr, exit 2, with
// the nearest command when one is close.
func TestUsageErrorsOnStderr(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string // the first line on stderr
	}{
		{"no command", nil, "usage: migsim <command> [flags] [args]"},
		{"misspelt command", []string{"explor"}, `migsim: unknown command "explor"; did you mean explore?`},
		{"misspelt in capitals", []string{"Replai"}, `migsim: unknown command "Replai"; did you mean replay?`},
		{"nothing near", []string{"frobnicate"}, `migsim: unknown command "frobnicate"`},
		{"list, which run --list does", []string{"list"}, `migsim: unknown command "list"; the catalog's scenarios: migsim run --list`},
		{"scenarios, which run --list lists", []string{"scenarios"}, `migsim: unknown command "scenarios"; the catalog's scenarios: migsim run --list`},
		{"misspelt help topic", []string{"help", "exti"}, `migsim help: unknown topic "exti" (want a command, flags or exit); did you mean exit?`},
		{"misspelt help command", []string{"help", "tarce"}, `migsim help: unknown topic "tarce" (want a command, flags or exit); did you mean trace?`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runSimCLI(t, c.args...)
			assert.Equal(t, cmdbase.ExitUsage, code)
			assert.Empty(t, out)
			line, _, _ := strings.Cut(errOut, "\n")
			assert.Equal(t, c.want, line)
		})
	}
}

// TestBoolFlagWord: a boolean flag given a separate true or false word is
// refused (exit 2) with the '=' form to write, in every command that has
// one, before any work.
func TestBoolFlagWord(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"explore", "--scenario", "smoke-migrate", "--memo", "false"}, "migsim explore: --memo false: a boolean flag takes its value after '=': write --memo=false (or --memo alone for true)\n"},
		{[]string{"explore", "--scenario", "smoke-migrate", "--states", "true"}, "migsim explore: --states true: a boolean flag takes its value after '=': write --states=true (or --states alone for true)\n"},
		{[]string{"run", "--write-regress", "false"}, "migsim run: --write-regress false: a boolean flag takes its value after '=': write --write-regress=false (or --write-regress alone for true)\n"},
		{[]string{"replay", "x.json", "--trace", "False"}, "migsim replay: --trace False: a boolean flag takes its value after '=': write --trace=false (or --trace alone for true)\n"},
		{[]string{"gen", "--check", "false"}, "migsim gen: --check false: a boolean flag takes its value after '=': write --check=false (or --check alone for true)\n"},
		{[]string{"compat", "--state", "false", "a", "b"}, "migsim compat: --state false: a boolean flag takes its value after '=': write --state=false (or --state alone for true)\n"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			code, out, errOut := runSimCLI(t, c.args...)
			assert.Equal(t, cmdbase.ExitUsage, code)
			assert.Empty(t, out)
			line, _, _ := strings.Cut(errOut, "\n")
			assert.Equal(t, c.want, line+"\n")
		})
	}
}

// TestHelpExitAgreesWithCommands: `migsim help exit` says how each
// command uses exit 1 as the command's own --help does: on a finding for
// the commands that judge, not for trace and report, which exit 0 once
// their output is written whatever the run found.
func TestHelpExitAgreesWithCommands(t *testing.T) {
	_, exitText, _ := runSimCLI(t, "help", "exit")
	one, _, _ := strings.Cut(exitText[strings.Index(exitText, "\n  1 "):], "\n  2 ")
	one = strings.Join(strings.Fields(one), " ")
	cases := []struct {
		cmd string
		// ownHelp is what the command's --help says of exit 1 (its words,
		// joined to one line).
		ownHelp string
		// inExit is what help exit says of the command.
		inExit string
	}{
		{"explore", "1 on a finding", "a violation (explore, replay, conform, merge, gen)"},
		{"merge", "1 on a finding", "a violation (explore, replay, conform, merge, gen)"},
		{"replay", "1 when it reproduces a finding, diverges or the device breaks the protocol", "a violation (explore, replay, conform, merge, gen)"},
		{"run", "1 when one does not", "a verdict that differs from its expectation (run)"},
		{"run", "1 when one does not (or a row is UNPROVED)", "a pass no search proved (run --require-proof: UNPROVED)"},
		{"trace", "Exit 0 when the trace was written (whether or not the run ends in a finding)", "trace and report exit 0 on a finding"},
		{"report", "Exit 0 when the report was written (whether or not the run ends in a finding)", "trace and report exit 0 on a finding"},
		{"compat", "Exit 0 compatible, 1 incompatible", "an incompatible pair (compat)"},
	}
	for _, c := range cases {
		t.Run(c.cmd, func(t *testing.T) {
			_, help, _ := runSimCLI(t, c.cmd, "--help")
			assert.Contains(t, strings.Join(strings.Fields(help), " "), c.ownHelp)
			assert.Contains(t, one, c.inExit)
		})
	}
	assert.NotContains(t, exitText, "every command", "not every command exits 1 on a finding")
}

// TestScenarioFileHint: a scenario argument without a '/' or the .scn
// suffix is a catalog name; when the catalog lacks it but a file of that
// name is in the working directory, the error says how to name the file.
func TestScenarioFileHint(t *testing.T) {
	dir := t.TempDir()
	scn, err := os.ReadFile("../../catalog/scenarios/smoke-migrate.scn")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "myscn"), scn, 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "adir"), 0o755))
	t.Chdir(dir)
	const hint = `; a file myscn exists here, but a scenario file is named by a path with a '/' or the .scn suffix: write ./myscn`
	cases := []struct {
		name string
		args []string
		code int
		want string // on stderr
	}{
		{"explore", []string{"explore", "--scenario", "myscn"}, cmdbase.ExitUsage, `migsim explore: no scenario "myscn" among the catalog's`},
		{"run", []string{"run", "myscn"}, cmdbase.ExitUsage, `migsim run: no scenario "myscn" among the catalog's`},
		{"bench", []string{"bench", "--scenario", "myscn", "--seconds", "0"}, cmdbase.ExitUsage, `migsim bench: no scenario "myscn" among the catalog's`},
		{"a directory is no file", []string{"explore", "--scenario", "adir"}, cmdbase.ExitUsage, `migsim explore: no scenario "adir" among the catalog's`},
		{"the path form loads", []string{"explore", "--scenario", "./myscn", "--schedules", "1", "--explain-runs", "0", "--out", dir}, cmdbase.ExitOK, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := runSimCLI(t, c.args...)
			assert.Equal(t, c.code, code, errOut)
			assert.Contains(t, errOut, c.want)
			assert.Equal(t, c.name != "a directory is no file" && c.code != cmdbase.ExitOK, strings.Contains(errOut, hint), errOut)
		})
	}
}

// TestUnknownEditionSaidOnce: every command's --spec names an unknown
// edition the same way, once: "--spec: unknown edition", without the
// package's "spec: " prefix a second time.
func TestUnknownEditionSaidOnce(t *testing.T) {
	for _, args := range [][]string{
		{"run", "--spec", "virtio-9", smokeScenario},
		{"explore", "--scenario", smokeScenario, "--spec", "virtio-9"},
		{"spec", "--spec", "virtio-9"},
		{"oracles", "--spec", "virtio-9"},
		{"decode", "--spec", "virtio-9", "00"},
		{"bench", "vfs", "--spec", "virtio-9"},
		{"conform", "--device", "builtin:blk", "--spec", "virtio-9"},
	} {
		code, out, errOut := runSimCLI(t, args...)
		assert.Equal(t, cmdbase.ExitUsage, code, "%q", args)
		assert.Empty(t, out, "%q", args)
		assert.Contains(t, errOut, `: --spec: unknown edition "virtio-9" (want draft-2023 or virtio-1.4)`, "%q", args)
		assert.NotContains(t, errOut, "spec: spec:", "%q", args)
	}
}

// TestDashIsNoOutputPath: an output flag given "-", which a Unix user
// reads as stdout, is refused before anything runs (exit 2) rather than
// creating a file or directory named "-" in the current directory (for
// trace's pcapng, past the check that keeps binary output off a
// terminal).
func TestDashIsNoOutputPath(t *testing.T) {
	for _, args := range [][]string{
		{"trace", canonicalFinding, "--format", "pcapng", "--out", "-"},
		{"report", canonicalFinding, "--out", "-"},
		{"run", "--report", "junit=-", smokeScenario},
		{"run", "--cpuprofile", "-", smokeScenario},
		{"explore", "--scenario", smokeScenario, "--out", "-"},
		{"gen", "--out", "-"},
		{"merge", "--out", "-", "testdata"},
		{"conform", "--device", "builtin:blk", "--report", "json=-"},
	} {
		code, out, errOut := runSimCLI(t, args...)
		assert.Equal(t, cmdbase.ExitUsage, code, "%q", args)
		assert.Empty(t, out, "%q", args)
		assert.Contains(t, errOut, `"-" would be a file named "-", not stdout`, "%q", args)
		_, err := os.Lstat("-")
		if !assert.True(t, os.IsNotExist(err), "%q: no file named -", args) {
			// Leave no "-" behind for the next case, or the next run, to trip on.
			require.NoError(t, os.RemoveAll("-"))
		}
	}
}

// TestUnknownKnobSaidOnce: a bad --knob is named by the flag and its
// value, without the package's "spec: " prefix (spec, conform and
// explore alike).
func TestUnknownKnobSaidOnce(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"spec", "--knob", "speed=fast"}, `migsim spec: --knob speed=fast: unknown knob "speed" (knobs: `},
		{[]string{"spec", "--spec", "virtio-1.4", "--knob", "read=full"}, "migsim spec: --knob read=full: knob read does not apply to virtio-1.4"},
		{[]string{"spec", "--spec", "virtio-1.4", "--knob", "flr-vs-mode=complete-anyway", "--knob", "read=full"},
			"migsim spec: --knob read=full: knob read does not apply to virtio-1.4"},
		{[]string{"spec", "--format", "dot", "--knob", "cap-group=sriov"}, "migsim spec: --knob cap-group=sriov: knob cap-group does not apply to draft-2023"},
		{[]string{"conform", "--device", "builtin:blk", "--knob", "speed=fast"}, `migsim conform: --knob speed=fast: unknown knob "speed" (knobs: `},
		{[]string{"explore", "--scenario", smokeScenario, "--knob", "speed=fast"}, `--knob speed=fast: unknown knob "speed" (knobs: `},
	} {
		code, out, errOut := runSimCLI(t, c.args...)
		assert.Equal(t, cmdbase.ExitUsage, code, "%q", c.args)
		assert.Empty(t, out, "%q", c.args)
		assert.Contains(t, errOut, c.want, "%q", c.args)
		assert.NotContains(t, errOut, ": spec: ", "%q", c.args)
	}
}

// TestHelpExitInterruptedAgreesWithCommands: every command whose own
// --help promises exit 130 is named in `migsim help exit`'s 130 entry,
// so that a script reading one does not miss a command the other lists.
func TestHelpExitInterruptedAgreesWithCommands(t *testing.T) {
	_, exitText, _ := runSimCLI(t, "help", "exit")
	_, entry, ok := strings.Cut(exitText, "\n  130 ")
	require.True(t, ok, exitText)
	entry = strings.Join(strings.Fields(entry), " ")
	for _, c := range []struct{ cmd, inExit string }{
		{"run", "run,"},
		{"explore", "explore,"},
		{"merge", "merge,"},
		{"conform", "conform and"},
		{"report", "report stop"},
		{"replay", "replay --explain or --slice"},
		{"trace", "trace and replay with an exec: device"},
	} {
		t.Run(c.cmd, func(t *testing.T) {
			_, help, _ := runSimCLI(t, c.cmd, "--help")
			require.Contains(t, strings.Join(strings.Fields(help), " "), "130 when", "the command's --help promises 130")
			assert.Contains(t, entry, c.inExit)
		})
	}
}
