package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// malformedBase is a valid scenario the malformed cases start from: line
// numbers in the cases count from its first line.
const malformedBase = `scenario m
vfs 1
queues 1
set hv-await=ready
guest vcpu0
  probe
  signal ready
  write sector=0 count=1
`

// malformedTail ends every case with an expectation and a small budget.
const malformedTail = `expect draft-2023 pass
explore strategy=random schedules=2
`

// malformedCases are scenarios with one mistake each: the error's
// line:col and message. Lines 1-8 are malformedBase; a case's extra lines
// start at 9.
var malformedCases = []struct {
	name, extra, want string
	// full replaces base+extra+tail when set.
	full string
}{
	{name: "host typo", extra: "hypervisor\n  mode scr stop\n", want: `10:8: mode: HOST "scr": unknown host scr (hosts: src, dst, dst2); did you mean src?`},
	{name: "unknown setting", extra: "set bogus=1\n", want: "9:5: unknown setting bogus (settings: hv-await, capacity, src-impl, dst-caps, dst2-caps, src-param-NAME, vm-vfs, vf-device, obj-limit, posted-writes)"},
	{name: "negative capacity", extra: "set capacity=-5\n", want: "9:5: set capacity=-5: want a number 1..4294967296"},
	{name: "capacity not a number", extra: "set capacity=lots\n", want: "9:5: set capacity=lots: want a number 1..4294967296"},
	{name: "setting twice", extra: "set capacity=8 capacity=9\n", want: "9:16: setting capacity given twice (first at 9:5)"},
	{name: "guest attribute", extra: "guest vcpu1 foo=bar\n  probe\n", want: "9:13: guest: unknown argument foo= (want vf, driver)"},
	{name: "duplicate guest", extra: "guest vcpu0\n  probe\n", want: "9:7: guest vcpu0: the name is taken by the guest at line 5"},
	{name: "guest named like the hypervisor", extra: "peer hv\n  kick\n", want: "9:6: peer hv: the name is reserved"},
	{name: "peer kick vf beyond vfs", extra: "peer p\n  kick vf=9\n", want: "10:8: kick: vf=9: want a number 1..1 (the scenario has vfs 1)"},
	{name: "unknown oracle", full: malformedBase + "expect draft-2023 violation bogus-oracle\n", want: "9:29: expect: unknown oracle bogus-oracle"},
	{name: "oracle typo", full: malformedBase + "expect draft-2023 violation transparnt\n", want: "did you mean transparent?"},
	{name: "unknown error name", full: malformedBase + "expect draft-2023 error EINVAL/INVALID_FEILD\n", want: "9:25: expect: unknown error name EINVAL/INVALID_FEILD"},
	{name: "unknown requirement", extra: "requirements DP-DEV-12 DP-DEV-99\n", want: "9:24: requirements: unknown requirement ID DP-DEV-99"},
	{name: "guest op typo", extra: "guest vcpu1\n  prob\n", want: "10:3: unknown guest operation prob (want probe, write,"},
	{name: "count not a number", extra: "guest vcpu1\n  write count=abc\n", want: "10:9: write: count=abc: want a number 1..256"},
	{name: "count zero", extra: "guest vcpu1\n  write count=0\n", want: "10:9: write: count=0: want a number 1..256"},
	{name: "count too large", extra: "guest vcpu1\n  read count=100000\n", want: "10:8: read: count=100000: want a number 1..256"},
	{name: "negative sector", extra: "guest vcpu1\n  write sector=-1\n", want: "10:9: write: sector=-1: want a number 0..4294967295"},
	{name: "queue beyond queues", extra: "guest vcpu1\n  write q=1\n", want: "10:9: write: q=1: want a number 0..0 (the scenario has queues 1: 0..0)"},
	{name: "pattern beyond a byte", extra: "guest vcpu1\n  write pattern=256\n", want: "10:9: write: pattern=256: want a number 0..255"},
	{name: "guest vf beyond vfs", extra: "guest vcpu1 vf=5\n  probe\n", want: "9:13: guest: vf=5: want a number 1..1"},
	{name: "two guests on one VF", extra: "guest vcpu1 vf=1\n  probe\n", want: "9:13: guest vcpu1: VF 1 has a driver already, guest vcpu0's (line 5): one driver binds a VF"},
	{name: "unknown driver", extra: "guest vcpu1 driver=scsi\n  probe\n", want: "9:13: guest: driver=scsi: want one of blk, net"},
	{name: "submit bad kind", extra: "guest vcpu1\n  submit wirte\n", want: `10:10: submit: KIND "wirte": want one of write, read, flush, get-id; did you mean write?`},
	{name: "submit without kind", extra: "guest vcpu1\n  submit sector=1\n", want: "10:3: submit: missing KIND"},
	{name: "wce value", extra: "guest vcpu1\n  wce maybe\n", want: `10:7: wce: STATE "maybe": want one of on, off`},
	{name: "pm state", extra: "guest vcpu1\n  pm d5\n", want: `10:6: pm: STATE "d5": want one of d3, d0`},
	{name: "extra word", extra: "guest vcpu1\n  probe now\n", want: `10:9: probe: unexpected word "now" (usage: probe [from=start|features-ok|queue-enable] [until=features-ok|queue-enable|end])`},
	{name: "two signal names", extra: "guest vcpu1\n  signal a b\n", want: `10:12: signal: unexpected word "b"`},
	{name: "await never signalled", extra: "guest vcpu1\n  await redy\n", want: "10:9: await redy: no actor signals redy (signals: ready); did you mean ready?"},
	{name: "hv-await never signalled", full: strings.Replace(malformedBase, "hv-await=ready", "hv-await=go", 1) + malformedTail, want: "4:5: set hv-await: go: no actor signals go"},
	{name: "hypervisor verb typo", extra: "hypervisor\n  halt-vcpu\n", want: "10:3: unknown hypervisor operation halt-vcpu (want halt-vcpus,"},
	{name: "mode typo", extra: "hypervisor\n  mode src freez\n", want: `10:12: mode: MODE "freez": want one of active, stop, freeze, or a number 0..255; did you mean freeze?`},
	{name: "mode under two editions", full: malformedBase + "hypervisor\n  mode src frozen\nexpect draft-2023 pass\nexpect virtio-1.4 pass\n", want: `10:12: mode: MODE "frozen": want one of active, stop, freeze, or a number 0..255 (under draft-2023)`},
	{name: "draft mode under virtio-1.4", full: malformedBase + "hypervisor\n  mode src stop\nexpect virtio-1.4 pass\n", want: `10:12: mode: MODE "stop": want one of running, stopped; did you mean stopped?`},
	{name: "virtio-1.4 mode under draft-2023", full: malformedBase + "hypervisor\n  mode src stopped\nexpect draft-2023 pass\n", want: `10:12: mode: MODE "stopped": want one of active, stop, freeze, or a number 0..255; did you mean stop?`},
	{name: "draft verb under virtio-1.4", full: malformedBase + "hypervisor\n  read src\nexpect virtio-1.4 pass\n", want: "10:3: read: not a virtio-1.4 operation (draft-2023 has it)"},
	{name: "vfio state typo", extra: "hypervisor edition=virtio-1.4\n  vfio src PRECOPY\n", want: "did you mean PRE_COPY?"},
	{name: "resize without sectors", extra: "hypervisor\n  resize\n", want: "10:3: resize: missing sectors=N"},
	{name: "resize to nothing", extra: "hypervisor\n  resize sectors=0\n", want: "10:10: resize: sectors=0: want a number 1..4294967296"},
	{name: "negative sleep", extra: "hypervisor\n  sleep ms=-1\n", want: "10:9: sleep: ms=-1: want a number 0..60000"},
	{name: "corrupt offset", extra: "hypervisor\n  corrupt byte=x\n", want: "10:11: corrupt: byte=x: want a number"},
	{name: "on-error value", extra: "hypervisor on-error=retry\n  halt-vcpus\n", want: "9:12: hypervisor: on-error=retry: want one of stop, rollback"},
	{name: "two hypervisors", extra: "hypervisor\n  halt-vcpus\nhypervisor edition=draft-2023\n  halt-vcpus\n", want: "11:1: a second hypervisor program for the same edition (the first is at line 9"},
	{name: "peer pf-flr host", extra: "peer p\n  pf-flr scr\n", want: `10:10: pf-flr: HOST "scr": unknown host scr`},
	{name: "implementation typo", extra: "set dst-caps=olde\n", want: "9:5: set dst-caps=olde: want one of current, future, net, net-4pairs, net-current, older; did you mean older?"},
	{name: "parameter typo", extra: "set src-param-secure-eras=on\n", want: "did you mean src-param-secure-erase?"},
	{name: "expectation setting", full: malformedBase + "expect draft-2023 set:bogus=1 pass\n", want: "9:23: expect: set:unknown setting bogus"},
	{name: "knob typo", full: malformedBase + "expect draft-2023 flr-vs-mod=defer-flr pass\n", want: "9:19: expect: unknown knob \"flr-vs-mod\""},
	{name: "knob value", full: malformedBase + "expect draft-2023 read=partial pass\n", want: `9:19: expect: knob read: unknown value "partial"`},
	{name: "edition typo", full: malformedBase + "expect draft-2032 pass\n", want: "9:8: expect: unknown edition \"draft-2032\" (want draft-2023 or virtio-1.4); did you mean draft-2023?"},
	{name: "too many VFs", full: strings.Replace(malformedBase, "vfs 1", "vfs 65536", 1) + malformedTail, want: "2:5: vfs 65536: want a number 1..65535"},
	{name: "a VM of every VF", full: "scenario m\nvfs 65535\nhypervisor\n  halt-vcpus\nexpect draft-2023 pass\n", want: "5:1: expect draft-2023: vfs 65535 with no guest or VF-backed peer: the VM would hold every VF, at most 256 migrate together"},
	{name: "vm-vfs list", extra: "set vm-vfs=1-x\n", want: `9:5: set vm-vfs=1-x: "1-x": want VF numbers or ranges A-B`},
	{name: "no queues", full: strings.Replace(malformedBase, "queues 1", "queues 0", 1) + malformedTail, want: "3:8: queues 0: want a number 1..64"},
	{name: "huge depth", full: malformedBase + "expect draft-2023 pass\nexplore strategy=pct depth=1000000000 schedules=1\n", want: "10:22: explore: depth=1000000000: want a number 1..64"},
	{name: "bound with pct", full: malformedBase + "expect draft-2023 pass\nexplore strategy=pct bound=2 schedules=1\n", want: "10:22: explore: bound: only dfs has a preemption bound"},
	{name: "row proof under a dfs line", full: malformedBase + "expect draft-2023 proof=500 pass\nexplore strategy=dfs schedules=5 bound=2\n", want: "9:19: expect: proof: the draft-2023 rows' explore line is dfs, which proves its pass rows itself"},
	{name: "row proof-bound under a line without proofs", full: malformedBase + "expect draft-2023 proof-bound=3 pass\nexplore strategy=pct schedules=5 proof=0\n", want: "9:19: expect: proof-bound: the draft-2023 rows' explore line has proof=0 (no proof): give the row its own proof= too"},
	{name: "row proof on a violation row", full: malformedBase + "expect draft-2023 proof=500 violation live\n", want: "9:19: expect: proof= and proof-bound= are a pass row's"},
	{name: "explore without schedules", full: malformedBase + "expect draft-2023 pass\nexplore strategy=dfs bound=2\n", want: "10:1: explore: schedules= missing: want schedules=N (1..1000000000)"},
	{name: "strategy typo", full: malformedBase + "expect draft-2023 pass\nexplore strategy=pcts schedules=1\n", want: `10:9: explore: strategy: unknown strategy "pcts" (want random, pct or dfs); did you mean pct?`},
	{name: "directive typo", full: malformedBase + "expct draft-2023 pass\n", want: "9:1: unknown directive \"expct\""},
	{name: "kick queue not a number", extra: "guest vcpu1\n  kick q=x\n", want: "10:8: kick: q=x: want a number 0..0"},
	{name: "leading zero", extra: "guest vcpu1\n  write sector=010\n", want: "10:9: write: sector=010: want a number 0..4294967295 (a leading 0 is ambiguous: write 10, or 0o10 for octal)"},
	{name: "digit separator", extra: "guest vcpu1\n  write sector=1_0\n", want: "10:9: write: sector=1_0: want a number 0..4294967295"},
	{name: "hex vfs too large", full: strings.Replace(malformedBase, "vfs 1", "vfs 0x10000", 1) + malformedTail, want: "2:5: vfs 0x10000: want a number 1..65535"},
	{name: "knob twice on a row", full: malformedBase + "expect draft-2023 read=full read=incremental-clear pass\n", want: "9:29: expect: knob read given twice (first at 9:19)"},
	{name: "fails= typo", extra: "hypervisor edition=draft-2023\n  mode src 3 fails=EINVAL/INVALID_FEILD\n", want: "10:14: mode: fails=EINVAL/INVALID_FEILD: want one of incompatible, corrupt, owner-reset, needs-reset, not-supported, no-completion, unexpected-success, not-migratable, vf-reset, fd-out-of-sync, fd-disabled, no-object-id, host-failed, flow, an admin STATUS/QUALIFIER such as EINVAL/INVALID_FIELD; did you mean EINVAL/INVALID_FIELD?"},
	{name: "explore line twice", full: malformedBase + malformedTail + "explore strategy=pct schedules=2\n", want: "11:1: explore: the line for every edition is given already at line 10, and only that one runs"},
	{name: "vm-vfs list in hex beyond vfs", extra: "set vm-vfs=0x1-0x2\n", want: `9:5: expect draft-2023 (line 10): set vm-vfs=0x1-0x2: "0x1-0x2": want VF numbers or ranges A-B inside 1..1`},
}

// TestMalformedScenariosExit2AtLoad: every malformed scenario exits 2
// before anything runs, with file:line:col and the message, under run and
// explore alike; none produces a verdict.
func TestMalformedScenariosExit2AtLoad(t *testing.T) {
	require.GreaterOrEqual(t, len(malformedCases), 40)
	dir := t.TempDir()
	for _, c := range malformedCases {
		t.Run(c.name, func(t *testing.T) {
			src := c.full
			if src == "" {
				src = malformedBase + c.extra + malformedTail
			}
			p := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".scn")
			require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
			want := c.want
			if strings.Contains(want, ":") && want[0] >= '0' && want[0] <= '9' {
				want = p + ":" + want
			}
			code, out, stderr := runSimCLI(t, "run", p)
			assert.Equal(t, cmdbase.ExitUsage, code, stderr)
			assert.Empty(t, out, "no verdict table")
			assert.Contains(t, stderr, want)
			assert.NotContains(t, stderr, "catalog: ")

			code, out, stderr = runSimCLI(t, "explore", "--scenario", p)
			assert.Equal(t, cmdbase.ExitUsage, code, stderr)
			assert.Empty(t, out, "nothing explored")
			assert.Contains(t, stderr, want)
		})
	}
}

// TestScenarioNumbers_RunAsChecked: a number the load-time check accepts
// (0x, 0o, 0b prefixes, a sign) runs as checked. `corrupt vf=0x1
// byte=-0x1` passed the check but the hypervisor read it with Atoi, so the
// run ended in error:flow ("not an integer") instead of the scenario's
// error corrupt.
func TestScenarioNumbers_RunAsChecked(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "catalog", "scenarios", "compat-corrupt-load.scn"))
	require.NoError(t, err)
	require.Contains(t, string(src), "  corrupt vf=1 byte=-1\n")
	dir := t.TempDir()
	p := filepath.Join(dir, "hex.scn")
	require.NoError(t, os.WriteFile(p, []byte(strings.ReplaceAll(string(src), "  corrupt vf=1 byte=-1\n", "  corrupt vf=0x1 byte=-0x1\n")), 0o644))
	for _, ed := range []string{"draft-2023", "virtio-1.4"} {
		code, out, stderr := runSimCLI(t, "explore", "--scenario", p, "--spec", ed, "--schedules", "1", "--explain-runs", "0",
			"--shrink-replays", "1", "--out", dir)
		assert.Equal(t, cmdbase.ExitFinding, code, stderr)
		assert.Contains(t, out, "finding error:corrupt at schedule #0", ed)
		assert.NotContains(t, out, "error:flow", ed)
	}
}

// TestMalformedScenario_EveryProblemAtOnce: the checker reports every
// problem of a file at once, in file order (docs/scenarios.md); a bad knob
// value on an expect line is one of them, not a parse error that hides the
// rest.
func TestMalformedScenario_EveryProblemAtOnce(t *testing.T) {
	src := malformedBase + "guest vcpu1\n  prob\n" +
		"guest vcpu2 vf=9\n  write count=999\n" + // a bad attribute hides none of the block's operations
		"expect draft-2023 flr-vs-mode=nope pass\n" +
		"expect draft-2023 violation bogus-oracle\n" +
		"explore strategy=random schedules=2\n"
	p := filepath.Join(t.TempDir(), "many.scn")
	require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
	want := []string{
		p + `:10:3: unknown guest operation prob`,
		p + `:11:13: guest: vf=9: want a number 1..1`,
		p + `:12:9: write: count=999: want a number 1..256`,
		p + `:13:19: expect: knob flr-vs-mode: unknown value "nope" (allowed: hold-reply, defer-flr, complete-anyway)`,
		p + `:14:29: expect: unknown oracle bogus-oracle`,
	}
	for _, args := range [][]string{{"run", p}, {"explore", "--scenario", p}} {
		code, out, stderr := runSimCLI(t, args...)
		assert.Equal(t, cmdbase.ExitUsage, code, stderr)
		assert.Empty(t, out)
		last := -1
		for _, w := range want {
			i := strings.Index(stderr, w)
			if assert.GreaterOrEqual(t, i, 0, "%v: %q in\n%s", args, w, stderr) {
				assert.Greater(t, i, last, "%v: in file order", args)
				last = i
			}
		}
	}
}

// TestMalformedScenario_LongTokensAreClipped: an error repeats a word of
// the file by its first 64 bytes and an ellipsis, wherever the word is: a
// megabyte-long token does not make a megabyte of error.
func TestMalformedScenario_LongTokensAreClipped(t *testing.T) {
	long := strings.Repeat("a", 1<<20)
	cases := []string{
		"expect draft-2023 X pass\n",
		"expect draft-2023 violation X\n",
		"expect draft-2023 error X\n",
		"expect draft-2023 pass X\n",
		"expect draft-2023 flr-vs-mode=X pass\n",
		"expect draft-2023 X=1 pass\n",
		"expect X pass\n",
		"X 1\n",
		"question X\n",
		"requirements X\n",
		"set X=1\n",
		"set capacity=X\n",
		"set vm-vfs=X\n",
		"guest vcpu1\n  X\n",
		"guest vcpu1\n  write count=X\n",
		"guest vcpu1\n  write X=1\n",
		"guest vcpu1\n  probe X\n",
		"guest vcpu1\n  await X\n",
		"guest vcpu1 driver=X\n  probe\n",
		"hypervisor\n  mode src X\n",
		"hypervisor\n  mode X stop\n",
		"explore strategy=X schedules=1\n",
		"explore X=1 schedules=1\n",
		"explore schedules=X\n",
		"explore seed=X schedules=1\n",
	}
	dir := t.TempDir()
	for i, c := range cases {
		t.Run(strings.TrimSpace(strings.ReplaceAll(c, "\n", " ")), func(t *testing.T) {
			p := filepath.Join(dir, fmt.Sprintf("long-%d.scn", i))
			src := malformedBase + strings.ReplaceAll(c, "X", long)
			if !strings.HasPrefix(c, "expect") && !strings.HasPrefix(c, "explore") {
				src += malformedTail
			}
			require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
			code, _, stderr := runSimCLI(t, "run", p)
			assert.Equal(t, cmdbase.ExitUsage, code)
			assert.Less(t, len(stderr), 2048, "%.300s", stderr)
			assert.Regexp(t, `[^a]a{64}"?…`, stderr, "the token clipped to 64 bytes")
		})
	}
}

// TestMalformedScenario_BOMAndControlBytes: a UTF-8 byte-order mark at the
// start of a file is skipped (editors write it, nobody sees it); a control
// byte anywhere else is named with its line:col, also inside a name.
func TestMalformedScenario_BOMAndControlBytes(t *testing.T) {
	dir := t.TempDir()
	smoke, err := os.ReadFile(filepath.Join("testdata", "sim", "smoke.scn"))
	require.NoError(t, err)
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"BOM then an error on line 1", "\ufeffscenario a b\n", `:1:1: scenario: want one name`},
		{"BOM mid-file", malformedBase + "\ufeffexpect draft-2023 pass\n", `:9:1: byte-order mark (U+FEFF) at 9:1: only the start of the file may hold one`},
		{"NUL in a name", "scenario a\x00b\n", `:1:11: NUL byte at 1:11: a scenario is text`},
		{"escape in a quoted name", "scenario \"a\\x00b\"\n", `:1:10: scenario: name "a\x00b": NUL byte at 1:10 (want a name of ASCII letters`},
		{"ESC in a verb", malformedBase + "guest vcpu1\n  pro\x1bbe\n", `:10:6: control byte 0x1b at 10:6`},
		{"DEL in a comment", malformedBase + "# \x7f\n", `:9:3: control byte 0x7f at 9:3`},
		{"CR inside a line", "scenario a\rb\n", `:1:11: control byte 0x0d at 1:11`},
		{"BOM inside a name", "scenario a\ufeffb\n", `:1:11: scenario: name "a\ufeffb": byte-order mark (U+FEFF) at 1:11`},
		{"accent in a guest name", malformedBase + "guest vcpü\n  probe\n", `:9:10: guest: name "vcpü": character 'ü' at 9:10`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".scn")
			require.NoError(t, os.WriteFile(p, []byte(tc.src), 0o644))
			code, _, stderr := runSimCLI(t, "run", p)
			assert.Equal(t, cmdbase.ExitUsage, code)
			assert.Contains(t, stderr, p+tc.want)
		})
	}
	// A file that differs from a valid one by its BOM (and CRLF line ends)
	// loads and runs as that file does.
	p := filepath.Join(dir, "bom.scn")
	require.NoError(t, os.WriteFile(p, append([]byte("\ufeff"), bytes.ReplaceAll(smoke, []byte("\n"), []byte("\r\n"))...), 0o644))
	code, out, stderr := runSimCLI(t, "run", p)
	assert.Equal(t, cmdbase.ExitOK, code, stderr)
	assert.NotEmpty(t, tableRows(out))
}

// TestExplore_TargetFlagGivenTwice: a knob or a setting given twice on the
// command line is a usage error naming it, not a run of whichever value
// came last.
func TestExplore_TargetFlagGivenTwice(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "twice.scn")
	require.NoError(t, os.WriteFile(p, []byte(malformedBase+malformedTail), 0o644))
	tests := []struct {
		name  string
		flags []string
		want  string
	}{
		{"knob", []string{"--knob", "read=full", "--knob", "read=incremental-clear"}, "--knob read=incremental-clear: knob read given twice"},
		{"setting", []string{"--set", "capacity=10", "--set", "capacity=20"}, "--set: setting capacity given twice\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"explore", "--scenario", p, "--schedules", "1", "--jobs", "1", "--out", dir}, tt.flags...)
			code, out, stderr := runSimCLI(t, args...)
			assert.Equal(t, cmdbase.ExitUsage, code, stderr)
			assert.Empty(t, out)
			assert.Contains(t, stderr, tt.want)
			assert.NotContains(t, stderr, "line 0")
		})
	}
}

// TestManyProblemsCapped: a scenario of thousands of bad lines exits 2
// with the first 100 problems, each at its file:line:col, and one line
// that counts the rest, not an error of megabytes.
func TestManyProblemsCapped(t *testing.T) {
	const bad = 20000
	p := filepath.Join(t.TempDir(), "many.scn")
	src := malformedBase + strings.Repeat("  write count=0 sector=-1\n", bad) + malformedTail
	require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
	code, out, stderr := runSimCLI(t, "run", p)
	assert.Equal(t, cmdbase.ExitUsage, code)
	assert.Empty(t, out)
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	require.Len(t, lines, 101, "100 problems and the count")
	// Two problems a line: the first 100 are lines 9 to 58.
	assert.True(t, strings.HasPrefix(lines[0], "migsim run: "+p+":9:9: write: count=0"), lines[0])
	for i, l := range lines[1:100] {
		assert.True(t, strings.HasPrefix(l, fmt.Sprintf("%s:%d:", p, 9+(i+1)/2)), "line %d: %q", i+1, l)
	}
	assert.Equal(t, fmt.Sprintf("%s: … and %d more problems (%d in all; the first 100 are listed, in file order)", p, 2*bad-100, 2*bad), lines[100])
}
