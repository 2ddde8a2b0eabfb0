package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// fuzzCLICommands are the commands FuzzCLI runs: those that answer at
// once and write no file whatever their flags, each with the exit codes
// its --help allows (help exit: decode, oracles and spec never exit 1;
// compat exits 1 for an incompatible pair).
var fuzzCLICommands = []struct {
	name  string
	codes []int
}{
	{"help", []int{cmdbase.ExitOK, cmdbase.ExitUsage}},
	{"spec", []int{cmdbase.ExitOK, cmdbase.ExitUsage}},
	{"oracles", []int{cmdbase.ExitOK, cmdbase.ExitUsage}},
	{"decode", []int{cmdbase.ExitOK, cmdbase.ExitUsage}},
	{"version", []int{cmdbase.ExitOK, cmdbase.ExitUsage}},
	{"compat", []int{cmdbase.ExitOK, cmdbase.ExitFinding, cmdbase.ExitUsage}},
}

// FuzzCLI runs a command with any arguments (one a line): it exits with a
// code its --help allows, never panics, prints a usage or input error
// (exit 2) on stderr as "migsim COMMAND: …" (help and the usage text
// aside), and gives the same output when run again.
func FuzzCLI(f *testing.F) {
	ex := "../../docs/examples/compat/"
	for _, s := range []struct {
		cmd  uint8
		args string
	}{
		{0, ""}, {0, "flags"}, {0, "exit"}, {0, "run\nx"}, {0, "bench\nvfs"}, {0, "tarce"},
		{1, "--spec\nvirtio-1.4\n--knob\nread=full"}, {1, "--format\ndot\n--knob\ncap-group=sriov"}, {1, "DP-DEV-09"},
		{1, "--knob\nflr-vs-mode=complete-anyway\n--knob\nflr-vs-mode=keep"}, {1, "--format=json\n--spec=draft-2023"},
		{2, "--format\nmarkdown"}, {2, "--spec\nvirtio-9"}, {2, "x"},
		{3, "--as\nresult\n--op\nDEV_PARTS_GET\n0000000000000000"}, {3, "--as\ncommand\n00:01 02"}, {3, "--as\nparts\nzz"},
		{3, "--as\ncontext\n--device\nnet\n01000000"}, {3, "--op\n0x10000\n--as\nresult\n00"}, {3, "-"},
		{4, "--format\njson"}, {4, "x"},
		{5, ex + "src-net-8q.json\n" + ex + "dst-net-1.5.json"}, {5, "--format\njson\n" + ex + "src-net-v3.json\n" + ex + "dst-blk.json"},
		{5, ex + "bad-syntax.json\n" + ex + "dst-blk.json"}, {5, "--state\n" + ex + "src-net-v4.json\n" + ex + "dst-net-1.3.json"},
	} {
		f.Add(s.cmd, s.args)
	}
	f.Fuzz(func(t *testing.T, which uint8, line string) {
		c := fuzzCLICommands[int(which)%len(fuzzCLICommands)]
		args := []string{c.name}
		if line != "" {
			args = append(args, strings.Split(line, "\n")...)
		}
		code, out, stderr := runCLI(args...)
		require.Contains(t, c.codes, code, "%q\nstdout: %s\nstderr: %s", args, out, stderr)
		if code == cmdbase.ExitUsage {
			require.NotEmpty(t, stderr, "%q: exit 2 says why", args)
			first, _, _ := strings.Cut(stderr, "\n")
			if c.name != "help" || !strings.HasPrefix(first, "usage: ") {
				assert.True(t, strings.HasPrefix(first, "migsim "+c.name+": ") || strings.HasPrefix(first, "migsim "+c.name+" "),
					"%q: the error names the command: %q", args, first)
			}
		}
		code2, out2, stderr2 := runCLI(args...)
		assert.Equal(t, code, code2, "%q", args)
		assert.Equal(t, out, out2, "%q", args)
		assert.Equal(t, stderr, stderr2, "%q", args)
	})
}
