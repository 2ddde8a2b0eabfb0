package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/report"
)

// TestNumberErrorsQuoteTheValueAsGiven: an error about a number flag's
// value quotes it as the command line wrote it (hex, octal, binary, a
// sign, an exponent, a duration's unit), never in the decimal the program
// read it as, with the limit it broke: a user looks for what they typed.
func TestNumberErrorsQuoteTheValueAsGiven(t *testing.T) {
	regress := filepath.Join("..", "..", "catalog", "testdata", "regress", "flr-while-stopped_virtio-1.4.json")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"explore schedules in hex", []string{"explore", "--scenario", "smoke-migrate", "--spec", "virtio-1.4", "--schedules", "0x7fffffffffffffff"},
			"migsim explore: --schedules 0x7fffffffffffffff: want 1..1000000000 (schedules to run)\n"},
		{"explore depth in octal", []string{"explore", "--scenario", flrScenario, "--depth", "0o101"}, "--depth 0o101: want 1..64 (pct's depth)\n"},
		{"explore bound in binary", []string{"explore", "--scenario", flrScenario, "--strategy", "dfs", "--bound=-0b10"}, "--bound -0b10: want -1..64"},
		{"explore jobs with a sign", []string{"explore", "--scenario", flrScenario, "--jobs", "+0x101"}, "--jobs +0x101: want 0..256 (0 is GOMAXPROCS)\n"},
		{"explore state-cap without state pruning", []string{"explore", "--scenario", flrScenario, "--strategy", "dfs", "--states=false", "--state-cap", "0x1000"},
			"--state-cap 0x1000: the state table is state pruning's, which this search does without"},
		{"explore write-run beyond the budget", []string{"explore", "--scenario", flrScenario, "--write-run", "0x64"}, "--write-run 0x64: want a schedule of the exploration, 0..99, without --shard\n"},
		{"explore max-steps below the run without migration", []string{"explore", "--scenario", flrScenario, "--max-steps", "0x1"},
			"--max-steps 0x1 is too small: the run without migration of test-flr-freeze (draft-2023) needs 123 steps"},
		{"run width in hex", []string{"run", "--width", "0x10", flrScenario}, "migsim run: --width 0x10: want 0 (never wrap) or 40..10000 columns\n"},
		{"run require-proof in hex", []string{"run", "--require-proof=0x41", flrScenario}, "--require-proof 0x41: want 1..64 (the least preemption bound a proof exhausts)\n"},
		{"run proof-runs in hex", []string{"run", "--proof-runs", "0xfffffffff", flrScenario}, "--proof-runs 0xfffffffff: want 0..1000000000"},
		{"bench seconds with an exponent", []string{"bench", "--seconds", "1e4"}, "--seconds 1e4: want 0..3600\n"},
		{"bench seconds in hex", []string{"bench", "--seconds", "0x1p12"}, "--seconds 0x1p12: want 0..3600\n"},
		{"bench vfs count in hex", []string{"bench", "vfs", "--count", "0x10000"}, "--count 0x10000: want 1..65535 (VFs)\n"},
		{"gen count in hex", []string{"gen", "--count", "0x7fffffff", "--out", t.TempDir()}, "--count 0x7fffffff: want 1..100000 (scenarios)\n"},
		{"replay max-steps below the schedule", []string{"replay", "--max-steps", "0x10", regress}, "--max-steps 0x10 is below the schedule's "},
		{"trace max-steps 0 in hex", []string{"trace", "--max-steps", "0x0", regress}, "--max-steps 0x0: want 1..10000000 (steps of the run)\n"},
		{"report steps in hex", []string{"report", "--steps", "0x0", regress}, "--steps 0x0: want 1..1000000 (steps listed)\n"},
		{"trace timeout in hours", []string{"trace", "--timeout", "0.5h", "--device", "exec:/bin/true", regress}, "--timeout 0.5h: want more than 0s and at most 10m0s"},
		{"conform timeout in hours", []string{"conform", "--device", "exec:/bin/true", "--timeout", "1h"}, "--timeout 1h: want more than 0s and at most 10m0s"},
		{"conform procs in hex", []string{"conform", "--device", "builtin:blk", "--procs", "0x1000"}, "--procs 0x1000: want 0..256 (0 is GOMAXPROCS)\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, c.args...)
			assert.Equal(t, cmdbase.ExitUsage, code, "stdout: %s\nstderr: %s", out, stderr)
			assert.Contains(t, stderr, c.want)
		})
	}
}

// TestFormerHangsExit2AtOnce: every value that used to run for minutes (or
// forever), or was accepted silently, is refused before any work with the
// flag and its limit named.
func TestFormerHangsExit2AtOnce(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	// A shard summary, checksum and all, that states 4e12 shards: merge
	// once made a slice of that size.
	sf, err := report.ReadShardFile("../../report/testdata/shard/test-smoke_draft-2023.shard-0-of-2.summary.json")
	require.NoError(t, err)
	sf.Report.Summary.Shards = 4_000_000_000_000
	huge := filepath.Join(t.TempDir(), "huge.summary.json")
	require.NoError(t, report.WriteShardFile(huge, &sf.Report))
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"pct depth 1e9", []string{"explore", "--scenario", flrScenario, "--strategy", "pct", "--depth", "1000000000"}, "--depth 1000000000: want 1..64"},
		{"schedules beyond the limit", []string{"explore", "--scenario", flrScenario, "--schedules", "2000000000"}, "--schedules 2000000000: want 1..1000000000"},
		{"bound beyond the limit", []string{"explore", "--scenario", flrScenario, "--strategy", "dfs", "--bound", "1000"}, "--bound 1000: want -1..64"},
		{"jobs beyond the limit", []string{"explore", "--scenario", flrScenario, "--jobs", "100000"}, "--jobs 100000: want 0..256"},
		{"bound with pct", []string{"explore", "--scenario", flrScenario, "--strategy", "pct", "--bound", "2"}, "--bound: a preemption bound is for dfs only (the strategy is pct"},
		{"bound with the scenario's pct", []string{"explore", "--scenario", flrScenario, "--bound", "2"}, "--bound: a preemption bound is for dfs only (the strategy is pct"},
		{"depth with random", []string{"explore", "--scenario", flrScenario, "--strategy", "random", "--depth", "2"}, "--depth: a depth is for pct only (the strategy is random; add --strategy pct)"},
		{"reduction with pct", []string{"explore", "--scenario", flrScenario, "--strategy", "pct", "--reduction", "dpor"}, "--reduction: a partial-order reduction is for dfs only"},
		{"max-steps 1 is a setup error", []string{"explore", "--scenario", flrScenario, "--max-steps", "1"}, "--max-steps 1 is too small: the run without migration of test-flr-freeze (draft-2023) needs 123 steps (a migrating run may need more)"},
		{"max-steps beyond the limit", []string{"explore", "--scenario", flrScenario, "--max-steps", "1000000000"}, "--max-steps 1000000000: want 1..10000000"},
		{"out is a file", []string{"explore", "--scenario", flrScenario, "--out", file}, "--out: " + file + " is not a directory"},
		{"out is empty", []string{"explore", "--scenario", flrScenario, "--out", ""}, `--out: empty path: want a directory ("." for the current one)`},
		// An empty path where leaving the flag out means stdout or no file
		// was read as left out: an unset shell variable wrote the trace
		// to stdout and the report, profile or transcript nowhere.
		{"trace out is empty", []string{"trace", "--out", "", "x.json"}, "--out: empty path: give a path, or leave --out out"},
		{"gen out is empty", []string{"gen", "--out", ""}, "--out: empty path: give a path, or leave --out out"},
		{"run report-dir is empty", []string{"run", "--report-dir", "", flrScenario}, "--report-dir: empty path"},
		{"run cpuprofile is empty", []string{"run", "--cpuprofile=", flrScenario}, "--cpuprofile: empty path"},
		{"conform transcript is empty", []string{"conform", "--device", "exec:/bin/true", "--transcript", ""}, "--transcript: empty path"},
		{"bad --set", []string{"explore", "--scenario", flrScenario, "--set", "bogus=1"}, "--set: unknown setting bogus"},
		{"negative capacity --set", []string{"explore", "--scenario", flrScenario, "--set", "capacity=-5"}, "--set: set capacity=-5: want a number 1..4294967296"},
		// An expect line's set: entries are checked at load; --set's were
		// checked for type only, so these ran into the run without
		// migration and exited 1 as though they had found something.
		{"--set hv-await nobody signals", []string{"explore", "--scenario", flrScenario, "--set", "hv-await=redy"}, "--set hv-await=redy: no actor signals redy (signals: ready); did you mean ready?"},
		{"--set hv-await on bench", []string{"bench", "--scenario", flrScenario, "--set", "hv-await=gone"}, "--set hv-await=gone: no actor signals gone"},
		{"--set vf-device=net with one queue", []string{"explore", "--scenario", flrScenario, "--set", "vf-device=net"}, "--set vf-device=net: a virtio-net VF needs at least 2 queues (queues 2N+1: N pairs and the control queue), the scenario has 1"},
		{"--set vm-vfs beyond vfs", []string{"explore", "--scenario", flrScenario, "--set", "vm-vfs=1-3"}, `--set vm-vfs=1-3: "1-3": want VF numbers or ranges A-B inside 1..1`},
		{"knob typo", []string{"explore", "--scenario", flrScenario, "--knob", "flr-vs-mod=defer-flr"}, `--knob flr-vs-mod=defer-flr: unknown knob "flr-vs-mod"`},
		{"knob value typo", []string{"explore", "--scenario", flrScenario, "--knob", "flr-vs-mode=defer-flrr"}, `unknown value "defer-flrr" (allowed: hold-reply, defer-flr, complete-anyway); did you mean defer-flr?`},
		{"bench seconds Inf", []string{"bench", "--seconds", "Inf"}, "--seconds Inf: want a finite number of seconds"},
		{"bench seconds NaN", []string{"bench", "--seconds", "NaN"}, "--seconds NaN: want a finite number of seconds"},
		{"bench seconds beyond the limit", []string{"bench", "--seconds", "1e9"}, "--seconds 1e9: want 0..3600"},
		{"bench schedules beyond the limit", []string{"bench", "--schedules", "2000000000"}, "--schedules 2000000000: want 1..1000000000"},
		{"run jobs beyond the limit", []string{"run", "--jobs", "100000", flrScenario}, "--jobs 100000: want 0..256"},
		{"run shrink-replays beyond the limit", []string{"run", "--shrink-replays", "2000000", flrScenario}, "--shrink-replays 2000000: want 0..1000000"},
		{"explore shrink-replays negative", []string{"explore", "--scenario", flrScenario, "--shrink-replays", "-1"}, "--shrink-replays -1: want 0..1000000"},
		{"explore explain-runs negative", []string{"explore", "--scenario", flrScenario, "--explain-runs", "-1"}, "--explain-runs -1: want 0..1000000"},
		{"replay explain-runs beyond the limit", []string{"replay", "--explain", "--explain-runs", "2000000", "x.json"}, "--explain-runs 2000000: want 0..1000000"},
		{"replay explain-runs without explain", []string{"replay", "--explain-runs", "5", "x.json"}, "--explain-runs goes with --explain"},
		{"report explain-runs beyond the limit", []string{"report", "--explain-runs", "2000000", "x.json"}, "--explain-runs 2000000: want 0..1000000"},
		{"replay explain and slice", []string{"replay", "--explain", "--slice", "x.json"}, "--trace, --slice and --explain: choose one"},
		{"conform shrink-replays beyond the limit", []string{"conform", "--device", "builtin:blk", "--shrink-replays", "2000000"}, "--shrink-replays 2000000: want 0..1000000"},
		{"conform schedules beyond the limit", []string{"conform", "--device", "builtin:blk", "--schedules", "2000000000"}, "--schedules 2000000000: want 0..1000000000"},
		{"conform procs beyond the limit", []string{"conform", "--device", "builtin:blk", "--procs", "100000"}, "--procs 100000: want 0..256"},
		{"replay max-steps 0", []string{"replay", "--max-steps", "0", "x.json"}, "--max-steps 0: want 1..10000000"},
		{"trace window beyond the limit", []string{"trace", "--window", "2000000", "x.json"}, "--window 2000000: want 0..1000000"},
		{"report steps negative", []string{"report", "--steps", "-1", "x.json"}, "--steps -1: want 1..1000000 (steps listed)"},
		{"report steps 0", []string{"report", "--steps", "0", "x.json"}, "--steps 0: want 1..1000000 (steps listed)"},
		{"bench schedules 0", []string{"bench", "--schedules", "0"}, "--schedules 0: want 1..1000000000 (schedules per batch)"},
		// bench vfs named an int's range for a count it could not read.
		{"bench vfs count 0", []string{"bench", "vfs", "--count", "0"}, "--count 0: want 1..65535 (VFs)"},
		{"bench vfs count negative", []string{"bench", "vfs", "--count", "-1"}, "--count -1: want 1..65535 (VFs)"},
		{"bench vfs count beyond the limit", []string{"bench", "vfs", "--count", "65536"}, "--count 65536: want 1..65535 (VFs)"},
		{"bench vfs count beyond an int", []string{"bench", "vfs", "--count", "99999999999999999999"}, "--count 99999999999999999999: want 1..65535 (VFs)"},
		{"bench vfs count not a number", []string{"bench", "vfs", "--count", "abc"}, "--count abc: want 1..65535 (VFs)"},
		{"trace window negative", []string{"trace", "--window", "-1", "x.json"}, "--window -1: want 0..1000000 (steps shown)"},
		{"run jobs negative", []string{"run", "--jobs", "-1", flrScenario}, "--jobs -1: want 0..256 (0 is GOMAXPROCS)"},
		{"explore schedules 0", []string{"explore", "--scenario", flrScenario, "--schedules", "0"}, "--schedules 0: want 1..1000000000 (schedules to run)"},
		{"explore depth 0", []string{"explore", "--scenario", flrScenario, "--depth", "0"}, "--depth 0: want 1..64 (pct's depth)"},
		{"explore split-depth negative", []string{"explore", "--scenario", flrScenario, "--strategy", "dfs", "--split-depth", "-1"}, "--split-depth -1: want 0..64"},
		{"explore state-cap below the limit", []string{"explore", "--scenario", flrScenario, "--strategy", "dfs", "--state-cap", "1023"}, "--state-cap 1023: want 1024..67108864 (states remembered)"},
		{"explore state-cap beyond the limit", []string{"explore", "--scenario", flrScenario, "--strategy", "dfs", "--state-cap", "67108865"}, "--state-cap 67108865: want 1024..67108864 (states remembered)"},
		{"explore state-cap not a number", []string{"explore", "--scenario", flrScenario, "--strategy", "dfs", "--state-cap", "1e6"}, "--state-cap 1e6: want 1024..67108864 (states remembered)"},
		{"explore state-cap with pct", []string{"explore", "--scenario", flrScenario, "--strategy", "pct", "--state-cap", "4096"}, "--state-cap: the state cache's size is for dfs only"},
		{"explore state-cap without state pruning", []string{"explore", "--scenario", flrScenario, "--strategy", "dfs", "--states=false", "--state-cap", "4096"}, "--state-cap 4096: the state table is state pruning's, which this search does without"},
		{"explore state-cap with dpor", []string{"explore", "--scenario", flrScenario, "--strategy", "dfs", "--reduction", "dpor", "--state-cap", "4096"}, "--state-cap 4096: the state table is state pruning's"},
		{"run state-cap beyond the limit", []string{"run", "--state-cap", "0", flrScenario}, "--state-cap 0: want 1024..67108864 (states remembered)"},
		{"explore jobs negative", []string{"explore", "--scenario", flrScenario, "--jobs", "-1"}, "--jobs -1: want 0..256 (0 is GOMAXPROCS)"},
		{"explore max-steps 0", []string{"explore", "--scenario", flrScenario, "--max-steps", "0"}, "--max-steps 0: want 1..10000000 (steps of one run)"},
		{"trace out is a directory", []string{"trace", "--out", t.TempDir(), "x.json"}, "is a directory (want a file)"},
		{"shard count beyond the limit", []string{"explore", "--scenario", flrScenario, "--shard", "0/2000000"}, `--shard "0/2000000": n 2000000: want 1..1000000 shards`},
		{"merge of a summary stating 4e12 shards", []string{"merge", huge}, "field report.summary.Shards: 4000000000000, want at most 1000000"},
		{"run write-regress into a file", []string{"run", "--write-regress", "--regress-dir", filepath.Join(file, "sub"), "smoke-migrate"}, "--write-regress: " + filepath.Join(file, "sub") + ": " + file + " is not a directory"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, c.args...)
			assert.Equal(t, cmdbase.ExitUsage, code, "stdout: %s\nstderr: %s", out, stderr)
			assert.Contains(t, stderr, c.want)
			assert.NotContains(t, out, "schedules:", "nothing was explored")
		})
	}
}

// migsim help flags lists every flag of every command; help exit the
// shared exit codes.
func TestHelpFlagsAndExit(t *testing.T) {
	code, out, _ := runSimCLI(t, "help", "flags")
	require.Equal(t, cmdbase.ExitOK, code)
	for _, want := range []string{"migsim explore\n", "--max-steps int", "--bound int", "migsim gen\n", "--max-schedules int",
		"migsim decode\n", "--req string", "migsim run\n", "--write-regress", "migsim trace\n", "--window int",
		"migsim bench vfs\n      --count int"} {
		assert.Contains(t, out, want)
	}
	code, out, _ = runSimCLI(t, "help", "exit")
	require.Equal(t, cmdbase.ExitOK, code)
	assert.Contains(t, out, "130  interrupted (SIGINT or SIGTERM: ")
	code, _, stderr := runSimCLI(t, "help", "bogus")
	assert.Equal(t, cmdbase.ExitUsage, code)
	assert.Contains(t, stderr, `unknown topic "bogus"`)
	code, out, _ = runSimCLI(t, "help", "replay")
	assert.Equal(t, cmdbase.ExitOK, code)
	assert.Contains(t, out, "usage: migsim replay")
	code, out, _ = runSimCLI(t, "help", "bench", "vfs")
	assert.Equal(t, cmdbase.ExitOK, code)
	assert.True(t, strings.HasPrefix(out, "usage: migsim bench vfs "), out)
	// A word after the topic is refused, not ignored.
	for _, args := range [][]string{{"help", "run", "x"}, {"help", "flags", "x"}, {"help", "exit", "x"}, {"help", "bench", "vfs", "x"}} {
		code, out, stderr = runSimCLI(t, args...)
		assert.Equal(t, cmdbase.ExitUsage, code, "%q", args)
		assert.Empty(t, out, "%q", args)
		assert.Equal(t, fmt.Sprintf("migsim help: unexpected argument %q after %q (help takes one topic: a command, flags or exit)\n", args[len(args)-1], strings.Join(args[1:len(args)-1], " ")),
			stderr, "%q", args)
	}
}

// vfs 65535 runs: the hosts enable every VF, the VM migrates the one its
// guest uses.
func TestVFs65535Runs(t *testing.T) {
	p := filepath.Join(t.TempDir(), "many.scn")
	require.NoError(t, os.WriteFile(p, []byte("scenario many\nvfs 65535\nguest g vf=65535\n  probe\n  write sector=0 count=1\nexpect draft-2023 pass\nexpect virtio-1.4 pass\nexplore strategy=random schedules=2\n"), 0o644))
	code, out, stderr := runSimCLI(t, "run", p)
	assert.Equal(t, cmdbase.ExitOK, code, "%s\n%s", out, stderr)
}

// TestFlagParseErrorsReadLikeRangeErrors: a numeric flag's value that does
// not parse is worded as a value out of range is (the flag, the value, what
// it takes), not as strconv's error, and is a usage error.
func TestFlagParseErrorsReadLikeRangeErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"explore", "--scenario", flrScenario, "--seed", "-1"}, "migsim explore: --seed -1: want a whole number 0..18446744073709551615\n"},
		{[]string{"explore", "--scenario", flrScenario, "--schedules", "99999999999999999999"}, "migsim explore: --schedules 99999999999999999999: want 1..1000000000 (schedules to run)\n"},
		{[]string{"explore", "--scenario", flrScenario, "--bound", "x"}, "migsim explore: --bound x: want -1..64 (dfs's preemption bound, -1 for none)\n"},
		{[]string{"explore", "--scenario", flrScenario, "--states=maybe"}, "migsim explore: --states=maybe: want true or false\n"},
		{[]string{"run", "--jobs", "1.5"}, "migsim run: --jobs 1.5: want 0..256 (0 is GOMAXPROCS)\n"},
		{[]string{"gen", "--seed", "1e3"}, "migsim gen: --seed 1e3: want a whole number 0..18446744073709551615\n"},
		{[]string{"replay", "--max-steps", "lots", "x.json"}, "migsim replay: --max-steps lots: want 1..10000000 (steps of the run)\n"},
		{[]string{"trace", "--window", "-", "x.json"}, "migsim trace: --window -: want 0..1000000 (steps shown)\n"},
		{[]string{"bench", "--seconds", "abc"}, "migsim bench: --seconds abc: want a number\n"},
		{[]string{"conform", "--timeout", "5"}, "migsim conform: --timeout 5: want a duration such as 30s or 2m\n"},
		// pflag reads a leading 0 as octal: --seed 010 explored seed 8.
		{[]string{"explore", "--scenario", flrScenario, "--seed", "010"}, "migsim explore: --seed 010: a leading 0 is ambiguous: write 10, or 0o10 for octal\n"},
		{[]string{"explore", "--scenario", flrScenario, "--schedules=1_000"}, "migsim explore: --schedules 1_000: no digit separators: write 1000\n"},
		{[]string{"run", "--jobs", "02"}, "migsim run: --jobs 02: a leading 0 is ambiguous: write 2, or 0o2 for octal\n"},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.args), func(t *testing.T) {
			code, out, stderr := runSimCLI(t, c.args...)
			assert.Equal(t, cmdbase.ExitUsage, code)
			assert.Empty(t, out)
			first, _, _ := strings.Cut(stderr, "\n")
			assert.Equal(t, c.want, first+"\n")
		})
	}
}
