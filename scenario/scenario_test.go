package scenario

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

const sampleScenario = `# FLR during freeze
scenario flr-during-freeze
question 1
title FLR during freeze (guest starts FLR, owner freezes, FLR completes)
explain The guest starts an FLR; the owner freezes before it completes.
requirements DP-DEV-12 DRAFT-FRZ-02
vfs 2
set vcpus=2 label="two words"

guest vcpu0
  probe
  write sector=0 count=8 pattern=0xa1   # a comment
  flr

hypervisor edition=draft-2023
  stop all
  freeze all

expect draft-2023 pass
expect draft-2023 flr-vs-mode=complete-anyway violation frozen-context -- the FLR lands in Freeze
expect virtio-1.4 set:with-stop=none pass
explore strategy=pct schedules=2000 depth=3 seed=7
explore edition=virtio-1.4 strategy=dfs schedules=5000 bound=2 reduction=states
`

// TestParseScenario_BOM: a UTF-8 byte-order mark at the start of a file is
// skipped (editors write it; nobody sees it): the file parses as without
// it, columns of line 1 count from after it, and SourceHash still hashes
// the bytes.
func TestParseScenario_BOM(t *testing.T) {
	plain, err := ParseScenario("a.scn", []byte(sampleScenario))
	require.NoError(t, err)
	bom, err := ParseScenario("b.scn", []byte("\ufeff"+sampleScenario))
	require.NoError(t, err)
	assert.True(t, Equal(plain, bom))
	assert.Equal(t, plain.Hash, bom.Hash)
	assert.NotEqual(t, plain.SourceHash, bom.SourceHash)
	_, err = ParseScenario("c.scn", []byte("\ufeffscenario a\nvfs 0\n"))
	assert.EqualError(t, err, "c.scn:2:5: vfs 0: want a number 1..65535")
	_, err = ParseScenario("d.scn", []byte("\ufefffrob 1\n"))
	assert.EqualError(t, err, "d.scn:1:1: unknown directive \"frob\" (want scenario, question, title, explain, requirements, vfs, queues, set, guest, hypervisor, peer, expect, explore)")
}

func TestParseScenario(t *testing.T) {
	s, err := ParseScenario("q1.scn", []byte(sampleScenario))
	require.NoError(t, err)
	assert.Equal(t, "flr-during-freeze", s.Name)
	assert.Equal(t, 1, s.Question)
	assert.Equal(t, 2, s.VFs)
	assert.Equal(t, []string{"DP-DEV-12", "DRAFT-FRZ-02"}, s.Requirements)
	assert.Equal(t, []Arg{{"vcpus", "2", Pos{8, 5}}, {"label", "two words", Pos{8, 13}}}, s.Settings)
	require.Len(t, s.Actors, 2)
	assert.Equal(t, ActorGuest, s.Actors[0].Kind)
	assert.Equal(t, "vcpu0", s.Actors[0].Name)
	require.Len(t, s.Actors[0].Ops, 3)
	assert.Equal(t, Op{Verb: "write", Args: []Arg{{"sector", "0", Pos{12, 9}}, {"count", "8", Pos{12, 18}}, {"pattern", "0xa1", Pos{12, 26}}}, Line: 12, Col: 3}, s.Actors[0].Ops[1])
	assert.Equal(t, spec.Draft2023, s.Actors[1].Edition)
	require.Len(t, s.Expect, 3)
	assert.Equal(t, VerdictViolation, s.Expect[1].Verdict)
	assert.Equal(t, "frozen-context", s.Expect[1].Oracle)
	assert.Equal(t, []string{"flr-vs-mode=complete-anyway"}, s.Expect[1].Knobs)
	assert.Equal(t, "the FLR lands in Freeze", s.Expect[1].Note)
	assert.Equal(t, []Arg{{"with-stop", "none", Pos{21, 23}}}, s.Expect[2].Settings)
	require.Len(t, s.Explore, 2)
	assert.Equal(t, Budget{Strategy: "pct", Schedules: 2000, Depth: 3, Seed: 7, Line: 22, Proof: DefaultProofRuns}, s.Explore[0])
	assert.Equal(t, Budget{Edition: spec.Virtio14, Strategy: "dfs", Schedules: 5000, Bound: 2, Depth: 3, Seed: 1, Line: 23,
		Reduction: "states"}, s.Explore[1])
	assert.Len(t, s.Hash, 16)
}

// TestExploreProof: proof= sets a sampling line's proof budget (default
// DefaultProofRuns, 0 for none), Format writes it only when it is not the
// default, and a dfs line has none.
func TestExploreProof(t *testing.T) {
	tests := []struct {
		line, format string
		want         int
	}{
		{"explore strategy=random schedules=5", "explore strategy=random schedules=5 seed=1\n", DefaultProofRuns},
		{"explore strategy=pct schedules=5 proof=2500", "explore strategy=pct schedules=5 depth=3 seed=1 proof=2500\n", 2500},
		{"explore strategy=random schedules=5 proof=0", "explore strategy=random schedules=5 seed=1 proof=0\n", 0},
		{"explore strategy=dfs schedules=5 bound=2", "explore strategy=dfs schedules=5 bound=2 seed=1\n", 0},
		{"explore strategy=pct schedules=5 proof=900 proof-bound=3", "explore strategy=pct schedules=5 depth=3 seed=1 proof=900 proof-bound=3\n", 900},
		{"explore strategy=pct schedules=5 proof-bound=2", "explore strategy=pct schedules=5 depth=3 seed=1\n", DefaultProofRuns},
	}
	for _, tc := range tests {
		t.Run(tc.line, func(t *testing.T) {
			s, err := ParseScenario("p.scn", []byte("scenario p\n"+tc.line+"\n"))
			require.NoError(t, err)
			require.Len(t, s.Explore, 1)
			assert.Equal(t, tc.want, s.Explore[0].Proof)
			text := s.Format()
			assert.Contains(t, text, tc.format)
			s2, err := ParseScenario("p2.scn", []byte(text))
			require.NoError(t, err)
			assert.Equal(t, s.Explore[0].Proof, s2.Explore[0].Proof, "the proof survives formatting")
			assert.Equal(t, s.Explore[0].ProofBound, s2.Explore[0].ProofBound, "the proof's bound survives formatting")
			assert.True(t, Equal(s, s2), "parse(format(s)) = s")
		})
	}
}

// TestExpectProof: an expect line's proof= and proof-bound= give that pass
// row its own proof budget and bound (RowBudget), the edition's other rows
// keep their line's, and both survive formatting.
func TestExpectProof(t *testing.T) {
	src := "scenario p\n" +
		"expect draft-2023 proof=9000 pass\n" +
		"expect draft-2023 flr-vs-mode=defer-flr set:capacity=8 proof-bound=3 pass -- a note\n" +
		"expect draft-2023 flr-vs-mode=hold-reply pass\n" +
		"expect virtio-1.4 pass\n" +
		"explore strategy=pct schedules=5 proof=700\n" +
		"explore edition=virtio-1.4 strategy=random schedules=5\n"
	s, err := ParseScenario("p.scn", []byte(src))
	require.NoError(t, err)
	require.Len(t, s.Expect, 4)
	tests := []struct {
		row         int
		proof       int
		bound       int
		lineProofOf string
	}{
		{0, 9000, DefaultProofBound, "the row's own budget, the line's bound"},
		{1, 700, 3, "the line's budget, the row's own bound"},
		{2, 700, DefaultProofBound, "the line's budget and bound"},
		{3, DefaultProofRuns, DefaultProofBound, "the other edition's line, untouched"},
	}
	for _, tc := range tests {
		b := s.RowBudget(s.Expect[tc.row])
		assert.Equal(t, tc.proof, b.Proof, "row %d: %s", tc.row, tc.lineProofOf)
		assert.Equal(t, tc.bound, b.EffectiveProofBound(), "row %d: %s", tc.row, tc.lineProofOf)
	}
	assert.Equal(t, 700, s.BudgetFor(spec.Draft2023).Proof, "the line's budget is not changed by a row's")
	assert.Equal(t, 19, s.Expect[0].ProofCol)
	assert.Equal(t, 56, s.Expect[1].ProofCol)
	text := s.Format()
	assert.Contains(t, text, "expect draft-2023 proof=9000 pass\n")
	assert.Contains(t, text, "expect draft-2023 flr-vs-mode=defer-flr set:capacity=8 proof-bound=3 pass -- a note\n")
	s2, err := ParseScenario("p2.scn", []byte(text))
	require.NoError(t, err)
	assert.True(t, Equal(s, s2), "parse(format(s)) = s")
	assert.Equal(t, text, s2.Format())
}

func TestScenarioFormatRoundTrip(t *testing.T) {
	s, err := ParseScenario("q1.scn", []byte(sampleScenario))
	require.NoError(t, err)
	text := s.Format()
	s2, err := ParseScenario("q1-formatted.scn", []byte(text))
	require.NoError(t, err)
	assert.Equal(t, text, s2.Format(), "format is a fixed point")
	assert.True(t, Equal(s, s2), "parse(print(s)) = s")
	assert.Equal(t, s.Hash, s2.Hash, "the canonical hash ignores comments and spacing")
	assert.NotEqual(t, s.SourceHash, s2.SourceHash)
}

func TestCanonicalHashIgnoresComments(t *testing.T) {
	a, err := ParseScenario("a.scn", []byte(sampleScenario))
	require.NoError(t, err)
	edited := strings.ReplaceAll(sampleScenario, "# a comment", "# another comment, longer")
	edited = "# a new header comment\n\n" + strings.ReplaceAll(edited, "  probe", "\tprobe   ")
	b, err := ParseScenario("b.scn", []byte(edited))
	require.NoError(t, err)
	assert.Equal(t, a.Hash, b.Hash)
	c, err := ParseScenario("c.scn", []byte(strings.ReplaceAll(sampleScenario, "count=8", "count=9")))
	require.NoError(t, err)
	assert.NotEqual(t, a.Hash, c.Hash)
}

// TestParseScenario_UnindentedOperationHint: an unknown directive right
// after a block's header or operations may be an operation written
// without its indent, and the error says so; after another directive it
// is only unknown.
func TestParseScenario_UnindentedOperationHint(t *testing.T) {
	_, err := ParseScenario("x.scn", []byte("scenario a\nguest g\n  probe\nvfs 1\nwrite\n"))
	assert.EqualError(t, err, "x.scn:5:1: unknown directive \"write\" (want scenario, question, title, explain, requirements, vfs, queues, set, guest, hypervisor, peer, expect, explore)")
	_, err = ParseScenario("x.scn", []byte("scenario a\nguest g\nprobe\n"))
	assert.EqualError(t, err, "x.scn:3:1: unknown directive \"probe\" (want scenario, question, title, explain, requirements, vfs, queues, set, guest, hypervisor, peer, expect, explore); an operation of the block at line 2? operation lines are indented")
}

// TestParseScenario_JSONHint: a JSON file given as a scenario (a
// schedule file, a shard summary) is said to be one.
func TestParseScenario_JSONHint(t *testing.T) {
	_, err := ParseScenario("x.json", []byte("{\n  \"format\": 4\n}\n"))
	assert.EqualError(t, err, "x.json:1:1: unknown directive \"{\" (want scenario, question, title, explain, requirements, vfs, queues, set, guest, hypervisor, peer, expect, explore); the file reads as JSON, not as a scenario (migsim replay reads a schedule file, migsim merge a shard summary)")
}

func TestParseScenarioErrors(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"no name", "vfs 1\n", "x.scn:1: missing `scenario NAME` line"},
		{"empty", "", "x.scn:1: the file holds no scenario (it is empty, or only blank lines and comments): a scenario starts with a `scenario NAME` line"},
		{"only comments", "# a comment\n\n   # another\n", "x.scn:1: the file holds no scenario (it is empty, or only blank lines and comments): a scenario starts with a `scenario NAME` line"},
		{"unknown directive", "scenario a\nfrobnicate 3\n", "x.scn:2:1: unknown directive \"frobnicate\""},
		{"directive typo", "scenario a\nexpct draft-2023 pass\n", "x.scn:2:1: unknown directive \"expct\" (want scenario, question, title, explain, requirements, vfs, queues, set, guest, hypervisor, peer, expect, explore); did you mean expect?"},
		{"op outside block", "scenario a\n  probe\n", "x.scn:2:3: indented operation \"probe\" outside"},
		{"op not indented", "scenario a\nguest g\n  probe\nwrite sector=1\n", "x.scn:4:1: unknown directive \"write\" (want scenario, question, title, explain, requirements, vfs, queues, set, guest, hypervisor, peer, expect, explore); an operation of the block at line 2? operation lines are indented"},
		{"bad vfs", "scenario a\nvfs 0\n", "x.scn:2:5: vfs 0: want a number 1..65535"},
		{"huge vfs", "scenario a\nvfs 65536\n", "x.scn:2:5: vfs 65536: want a number 1..65535"},
		{"huge queues", "scenario a\nqueues 65\n", "x.scn:2:8: queues 65: want a number 1..64"},
		{"bad number", "scenario a\nquestion x\n", "x.scn:2:10: question x: want a number 0..1000"},
		{"vfs twice", "scenario a\nvfs 1\nvfs 2\n", "x.scn:3:1: vfs: given twice (first at line 2)"},
		{"bad edition", "scenario a\nexpect draft-2025 pass\n", "x.scn:2:8: expect: unknown edition \"draft-2025\" (want draft-2023 or virtio-1.4); did you mean draft-2023?"},
		{"knob without a name", "scenario a\nexpect draft-2023 =defer-flr pass\n", "x.scn:2:19: expect: knob \"=defer-flr\": want NAME=VALUE"},
		{"knob with a blank", "scenario a\nexpect draft-2023 \"flr-vs-mode=a b\" pass\n", "x.scn:2:19: expect: knob \"flr-vs-mode=a b\": want NAME=VALUE"},
		{"missing oracle", "scenario a\nexpect draft-2023 violation\n", "x.scn:2:19: expect: violation needs a name"},
		{"bad verdict", "scenario a\nexpect draft-2023 maybe\n", "x.scn:2:19: expect: unknown verdict \"maybe\""},
		{"verdict typo", "scenario a\nexpect draft-2023 pas\n", "did you mean pass?"},
		{"knob after the verdict", "scenario a\nexpect virtio-1.4 pass reset-vs-mode=hold-reply\n", "x.scn:2:24: expect: \"reset-vs-mode=hold-reply\" after the verdict: knobs, set: settings, proof= and proof-bound= come before it (expect EDITION [knob=value…] VERDICT [-- note])"},
		{"setting after the oracle", "scenario a\nexpect draft-2023 violation live set:capacity=8\n", "x.scn:2:34: expect: \"set:capacity=8\" after the verdict: knobs, set: settings"},
		{"word after the verdict", "scenario a\nexpect draft-2023 pass because\n", "x.scn:2:24: expect: unexpected \"because\" after the verdict (a note starts with --)"},
		{"knob without its value", "scenario a\nexpect virtio-1.4 reset-vs-mode pass\n", "x.scn:2:19: expect: knob reset-vs-mode without a value: write reset-vs-mode=VALUE (allowed: hold-reply, complete-anyway, reply-on-start) before the verdict"},
		{"knob without its value after a knob", "scenario a\nexpect draft-2023 read=full flr-vs-mode =defer-flr pass\n", "x.scn:2:29: expect: knob flr-vs-mode without a value: write flr-vs-mode=VALUE (allowed: hold-reply, defer-flr, complete-anyway)"},
		{"bad strategy", "scenario a\nexplore strategy=bfs schedules=1\n", "x.scn:2:9: explore: strategy: unknown strategy \"bfs\""},
		{"bad reduction", "scenario a\nexplore strategy=dfs reduction=fast schedules=1 bound=2\n", "x.scn:2:22: explore: reduction: unknown reduction \"fast\" (want sleep, dpor, none, states)"},
		{"reduction with pct", "scenario a\nexplore strategy=pct reduction=dpor schedules=1\n", "x.scn:2:22: explore: reduction: only dfs has a reduction (strategy pct ignores it)"},
		{"bound with pct", "scenario a\nexplore strategy=pct bound=2 schedules=1\n", "x.scn:2:22: explore: bound: only dfs has a preemption bound (strategy pct ignores it)"},
		{"depth with dfs", "scenario a\nexplore strategy=dfs depth=2 schedules=1 bound=2\n", "x.scn:2:22: explore: depth: only pct has a depth"},
		{"proof with dfs", "scenario a\nexplore strategy=dfs proof=100 schedules=1 bound=2\n", "x.scn:2:22: explore: proof: a dfs line proves its pass rows itself"},
		{"proof negative", "scenario a\nexplore strategy=pct proof=-1 schedules=1\n", "x.scn:2:22: explore: proof=-1: want a number 0..1000000000"},
		{"proof not a number", "scenario a\nexplore strategy=random proof=many schedules=1\n", "x.scn:2:25: explore: proof=many: want a number 0..1000000000"},
		{"proof-bound with dfs", "scenario a\nexplore strategy=dfs proof-bound=3 schedules=1 bound=2\n", "x.scn:2:22: explore: proof-bound: a dfs line proves its pass rows at its own bound="},
		{"proof-bound below the default", "scenario a\nexplore strategy=pct proof-bound=1 schedules=1\n", "x.scn:2:22: explore: proof-bound=1: want a number 2..64"},
		{"proof-bound above the limit", "scenario a\nexplore strategy=pct proof-bound=65 schedules=1\n", "x.scn:2:22: explore: proof-bound=65: want a number 2..64"},
		{"proof-bound not a number", "scenario a\nexplore strategy=random proof-bound=x schedules=1\n", "x.scn:2:25: explore: proof-bound=x: want a number 2..64"},
		{"row proof zero", "scenario a\nexpect draft-2023 proof=0 pass\n", "x.scn:2:19: expect: proof=0: want a number 1..1000000000"},
		{"row proof too large", "scenario a\nexpect draft-2023 proof=1000000001 pass\n", "x.scn:2:19: expect: proof=1000000001: want a number 1..1000000000"},
		{"row proof not a number", "scenario a\nexpect draft-2023 proof=lots pass\n", "x.scn:2:19: expect: proof=lots: want a number 1..1000000000"},
		{"row proof twice", "scenario a\nexpect draft-2023 proof=5 proof=6 pass\n", "x.scn:2:27: expect: proof: given twice"},
		{"row proof-bound below the default", "scenario a\nexpect draft-2023 proof-bound=1 pass\n", "x.scn:2:19: expect: proof-bound=1: want a number 2..64"},
		{"row proof-bound twice", "scenario a\nexpect draft-2023 proof-bound=3 proof-bound=3 pass\n", "x.scn:2:33: expect: proof-bound: given twice"},
		{"row proof on a violation row", "scenario a\nexpect draft-2023 proof=5 violation live\n", "x.scn:2:19: expect: proof= and proof-bound= are a pass row's (its proof); a violation row is cross-checked instead"},
		{"row proof-bound on an error row", "scenario a\nexpect draft-2023 read=full proof-bound=3 error flow\n", "x.scn:2:29: expect: proof= and proof-bound= are a pass row's"},
		{"huge depth", "scenario a\nexplore strategy=pct depth=1000000000 schedules=1\n", "x.scn:2:22: explore: depth=1000000000: want a number 1..64"},
		{"explore without schedules", "scenario a\nexplore strategy=dfs bound=2 reduction=states\n", "x.scn:2:1: explore: schedules= missing: want schedules=N (1..1000000000): the schedules a random or pct line runs, a dfs line's run budget"},
		{"dfs without bound", "scenario a\nexplore strategy=dfs schedules=5000 reduction=states\n", "x.scn:2:1: explore: bound= missing: a dfs line wants bound=B (-1..64, -1 for none), its preemption bound"},
		{"explore cut short", "scenario a\nexplore \n", "x.scn:2:1: explore: schedules= missing: want schedules=N (1..1000000000)"},
		{"huge schedules", "scenario a\nexplore schedules=99999999999\n", "x.scn:2:9: explore: schedules=99999999999: want a number 1..1000000000"},
		{"empty block", "scenario a\nguest vcpu0\nexpect draft-2023 pass\n", "x.scn:2:7: guest vcpu0 has no operations"},
		{"unterminated quote", "scenario a\nset x=\"abc\n", "x.scn:2:7: unterminated"},
		{"set without key", "scenario a\nset alone\n", "x.scn:2:5: set: \"alone\" is not key=value"},
		{"NUL in the name", "scenario a\x00b\n", "x.scn:1:11: NUL byte at 1:11: a scenario is text"},
		{"escaped NUL in a quoted name", "scenario \"a\\x00b\"\n", "x.scn:1:10: scenario: name \"a\\x00b\": NUL byte at 1:10 (want a name of ASCII letters"},
		{"non-ASCII letter in the name", "scenario réinit\n", "x.scn:1:11: scenario: name \"réinit\": character 'é' at 1:11 (want a name of ASCII letters, digits"},
		{"BOM on a later line", "scenario a\n\ufeffvfs 1\n", "x.scn:2:1: byte-order mark (U+FEFF) at 2:1: only the start of the file may hold one"},
		{"long word clipped", "scenario a\n" + strings.Repeat("z", 100000) + " 1\n", "x.scn:2:1: unknown directive \"" + strings.Repeat("z", 64) + "\"… (want"},
		{"long verb clipped", "scenario a\nguest g\n  " + strings.Repeat("é", 1000) + "\n", "x.scn:3:3: operation \"" + strings.Repeat("é", 32) + "\"…: character 'é' at 3:3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseScenario("x.scn", []byte(c.src))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			var pe *ParseError
			assert.ErrorAs(t, err, &pe)
		})
	}
}

// TestNameLimit: a name is at most MaxName bytes wherever the file gives
// one (the scenario's, an actor's, a verb, a key, a knob, a signal, a
// setting's name value) and a free-text setting value at most MaxText:
// at the limit the scenario loads, one byte over it is refused at the
// name's line and column with its length and the limit (docs/scenarios.md),
// so that no name reaches a step label or a schedule file unbounded.
func TestNameLimit(t *testing.T) {
	v := signalsVocabulary()
	v.Settings = append(v.Settings, SettingSpec{Key: "vm-vfs", Arg: ArgSpec{Kind: ArgText}})
	const guest = "guest g\n  write count=1\n"
	for _, tc := range []struct {
		name string
		// src is the scenario with N for the name (of 'a's), limit its
		// bound.
		src   string
		limit int
		// at is where the name over the limit is refused, and what the
		// message says before the name.
		at, what string
		long     string
		// listed is who lists the names, so that a name at the limit is
		// refused as unknown rather than loaded: "" (nobody: it loads),
		// "check" (the vocabulary: it parses), "parse" (the parser).
		listed string
	}{
		{"scenario", "scenario N\n" + guest, MaxName, "x.scn:1:10", "scenario: name ", " at 1:10: ", ""},
		{"guest", "scenario a\nguest N\n  write count=1\n", MaxName, "x.scn:2:7", "guest: name ", " at 2:7: ", ""},
		{"peer", "scenario a\n" + guest + "peer N\n  signal s\n", MaxName, "x.scn:4:6", "peer: name ", " at 4:6: ", ""},
		{"verb", "scenario a\nguest g\n  N\n", MaxName, "x.scn:3:3", "operation ", " at 3:3: ", "check"},
		{"operation key", "scenario a\nguest g\n  write count=1 N=1\n", MaxName, "x.scn:3:17", "write: key ", ": ", "check"},
		{"set key", "scenario a\n" + guest + "set N=1\n", MaxName, "x.scn:4:5", "set: key ", ": ", "check"},
		{"explore key", "scenario a\n" + guest + "explore N=1\n", MaxName, "x.scn:4:9", "explore: key ", ": ", "parse"},
		{"row set: key", "scenario a\n" + guest + "expect draft-2023 set:N=1 pass\n", MaxName, "x.scn:4:19", "expect: set: key ", ": ", "check"},
		{"row knob", "scenario a\n" + guest + "expect draft-2023 N=v pass\n", MaxName, "x.scn:4:19", "expect: knob key ", ": ", "check"},
		{"row knob value", "scenario a\n" + guest + "expect draft-2023 k=N pass\n", MaxName, "x.scn:4:19", "expect: knob k=: value ", ": ", "check"},
		{"signal and await", "scenario a\nguest g\n  signal N\nguest h\n  await N\n", MaxName, "x.scn:3:10", "signal: NAME ", ": ", ""},
		{"hv-await", "scenario a\nset hv-await=N\nguest g\n  signal N\n", MaxName, "x.scn:2:5", "set hv-await=", ": ", ""},
		{"row hv-await", "scenario a\nguest g\n  signal N\nexpect draft-2023 set:hv-await=N pass\n", MaxName, "x.scn:4:23", "expect: set:hv-await=", ": ", ""},
		{"vm-vfs", "scenario a\n" + guest + "set vm-vfs=N\n", MaxText, "x.scn:4:5", "set vm-vfs=", ": ", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			at := []byte(strings.ReplaceAll(tc.src, "N", strings.Repeat("a", tc.limit)))
			_, err := ParseScenario("x.scn", at)
			if tc.listed == "parse" {
				require.ErrorContains(t, err, "unknown key")
			} else {
				require.NoError(t, err, "a name of %d bytes", tc.limit)
			}
			if tc.listed == "" {
				_, err = ParseAndCheck("x.scn", at, v)
				require.NoError(t, err, "a name of %d bytes", tc.limit)
			}
			over := strings.Repeat("a", tc.limit+1)
			_, err = ParseAndCheck("x.scn", []byte(strings.ReplaceAll(tc.src, "N", over)), v)
			require.Error(t, err)
			unit := "name"
			if tc.limit == MaxText {
				unit = "value"
			}
			want := fmt.Sprintf("%s: %s%s%s%d bytes long; a %s is at most %d bytes", tc.at, tc.what, echoOrQuote(tc.what, over), tc.long, tc.limit+1, unit, tc.limit)
			assert.Contains(t, err.Error(), want)
			assert.Less(t, len(err.Error()), 1024, "the error repeats the name by its start")
		})
	}
}

// echoOrQuote is how a message after what repeats a word: a setting's
// value as written (echo), any other word quoted.
func echoOrQuote(what, s string) string {
	if strings.HasSuffix(what, "=") {
		return echo(s)
	}
	return quote(s)
}

// TestCheckKnobsWithTheRest: an unknown knob or knob value on an expect
// line is a problem Check reports with every other one, in file order, not
// a parse error that hides them; an unknown knob's list is the line's
// edition's knobs.
func TestCheckKnobsWithTheRest(t *testing.T) {
	src := "scenario k\n" +
		"requirements NOPE-01\n" +
		"expect draft-2023 flr-vs-mode=nope violation bogus\n" +
		"expect draft-2023 flr-vs-mod=defer-flr pass\n" +
		"expect virtio-1.4 error nosuch\n"
	s, err := ParseScenario("k.scn", []byte(src))
	require.NoError(t, err, "knob values are Check's")
	assert.Equal(t, []int{19}, s.Expect[0].KnobCols)
	err = Check(s, &Vocabulary{Oracles: []string{"live"}, Errors: []string{"flow"}})
	var ce *CheckError
	require.ErrorAs(t, err, &ce)
	var got []string
	for _, p := range ce.Problems {
		got = append(got, fmt.Sprintf("%d:%d %s", p.Line, p.Col, p.Msg))
	}
	assert.Equal(t, []string{
		"2:14 requirements: unknown requirement ID NOPE-01 (migsim spec lists them)",
		`3:19 expect: knob flr-vs-mode: unknown value "nope" (allowed: hold-reply, defer-flr, complete-anyway)`,
		"3:46 expect: unknown oracle bogus (oracles: live)",
		`4:19 expect: unknown knob "flr-vs-mod" (knobs: ` + strings.Join(spec.KnobNamesFor(spec.Draft2023), ", ") + `); did you mean flr-vs-mode?`,
		"5:25 expect: unknown error name nosuch (errors: flow)",
	}, got)
}

// TestParseNumber: one syntax for every number of the scenario language:
// decimal, or a 0x, 0o or 0b prefix, with a sign; no leading 0 on a
// decimal (ambiguous with C's octal), no digit separators; a number out
// of range, overflow included, says the range.
func TestParseNumber(t *testing.T) {
	tests := []struct {
		in     string
		lo, hi int64
		want   int64
		err    string
	}{
		{"0", 0, 10, 0, ""},
		{"10", 0, 10, 10, ""},
		{"0x1f", 0, 255, 31, ""},
		{"0X1F", 0, 255, 31, ""},
		{"0o17", 0, 255, 15, ""},
		{"0b101", 0, 255, 5, ""},
		{"-1", -1, 64, -1, ""},
		{"-0x10", -16, 0, -16, ""},
		{"+7", 0, 10, 7, ""},
		{"-9223372036854775808", math.MinInt64, 0, math.MinInt64, ""},
		{"11", 0, 10, 0, "want a number 0..10"},
		{"-2", -1, 64, 0, "want a number -1..64"},
		{"99999999999999999999", 1, 65535, 0, "want a number 1..65535"},
		{"0x10000000000000000", 1, 65535, 0, "want a number 1..65535"},
		{"x", 0, 10, 0, "want a number 0..10"},
		{"", 0, 10, 0, "want a number 0..10"},
		{"0x", 0, 10, 0, "want a number 0..10"},
		{"1_000", 0, 10000, 0, "want a number 0..10000"},
		{"0x_1", 0, 10, 0, "want a number 0..10"},
		{"--1", -5, 5, 0, "want a number -5..5"},
		{"0x-1", -5, 5, 0, "want a number -5..5"},
		{"1.5", 0, 10, 0, "want a number 0..10"},
		{"010", 0, 100, 0, "want a number 0..100 (a leading 0 is ambiguous: write 10, or 0o10 for octal)"},
		{"00", 0, 100, 0, "want a number 0..100 (a leading 0 is ambiguous: write 0, or 0o0 for octal)"},
		{"-010", -100, 100, 0, "want a number -100..100 (a leading 0 is ambiguous: write -10, or -0o10 for octal)"},
		{"0xfF", 0, 255, 255, ""},
		{"0b102", 0, 255, 0, "want a number 0..255"},
		{"0o78", 0, 255, 0, "want a number 0..255"},
		{"0x1g", 0, 255, 0, "want a number 0..255"},
		{"1a", 0, 255, 0, "want a number 0..255"},
		{"0x8000", 0, 100, 0, "want a number 0..100 (0x8000 is 32768)"},
		{"stop", 0, 255, 0, "want a number 0..255"},
		{"-", 0, 255, 0, "want a number 0..255"},
		{"0x" + strings.Repeat("0", MaxNumberText-3) + "1", 0, 255, 1, ""},
		{"-0b" + strings.Repeat("0", MaxNumberText-4) + "1", -1, 0, -1, ""},
		{"0x" + strings.Repeat("0", MaxNumberText-2) + "1", 0, 255, 0, "want a number 0..255 (129 bytes long; a number is at most 128 bytes)"},
		{strings.Repeat("9", MaxNumberText+1), 0, 255, 0, "want a number 0..255 (129 bytes long; a number is at most 128 bytes)"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			// ReadNumber reads what ParseNumber reads and refuses what it
			// refuses, building no error.
			got, ok := ReadNumber(tc.in, tc.lo, tc.hi)
			assert.Equal(t, tc.err == "", ok, "ReadNumber's ok")
			assert.Equal(t, tc.want, got, "ReadNumber's number")
			assert.Zero(t, testing.AllocsPerRun(10, func() { ReadNumber(tc.in, tc.lo, tc.hi) }), "ReadNumber's allocations")
			n, err := ParseNumber(tc.in, tc.lo, tc.hi)
			if tc.err != "" {
				var ne *NumberError
				require.ErrorAs(t, err, &ne)
				assert.EqualError(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, n)
		})
	}
}

// TestNumberDigitsAsStrconv: the digits of a number read as
// strconv.ParseUint reads them with the number's base (the reader builds
// no error of its own), at the edges of 64 bits too.
func TestNumberDigitsAsStrconv(t *testing.T) {
	ones := strings.Repeat("1", 64)
	for _, tc := range []struct {
		prefix string
		base   int
		digits []string
	}{
		{"", 10, []string{"1", "9", "18446744073709551615", "18446744073709551616", "99999999999999999999", "1a", "1_0", ""}},
		{"0x", 16, []string{"0", "fF", "ffffffffffffffff", "1ffffffffffffffff", "g", "-1", "1_0"}},
		{"0o", 8, []string{"7", "8", "1777777777777777777777", "2000000000000000000000"}},
		{"0b", 2, []string{"1", "2", ones, ones + "1", ones + "2"}},
	} {
		for _, d := range tc.digits {
			want, werr := strconv.ParseUint(d, tc.base, 64)
			neg, got, err := numberText(tc.prefix + d)
			assert.False(t, neg, tc.prefix+d)
			assert.Equal(t, werr == nil, err == nil, "%s%s: %v against %v", tc.prefix, d, err, werr)
			if werr == nil {
				assert.Equal(t, want, got, tc.prefix+d)
			} else if errors.Is(werr, strconv.ErrRange) {
				assert.Equal(t, errRange, err, tc.prefix+d)
			}
		}
	}
}

// TestDirectiveNumbers: the numbers of directives and of explore and expect
// lines take the prefixes operation arguments take (docs/scenarios.md), and
// every one out of range names its limit the same way.
func TestDirectiveNumbers(t *testing.T) {
	src := "scenario n\nquestion 0b11\nvfs 0x2\nqueues 0o4\n" +
		"expect draft-2023 proof=0x100 proof-bound=0x3 pass\n" +
		"explore strategy=pct schedules=0x20 depth=0b10 seed=0xffffffffffffffff proof=0o10\n"
	s, err := ParseScenario("n.scn", []byte(src))
	require.NoError(t, err)
	assert.Equal(t, 3, s.Question)
	assert.Equal(t, 2, s.VFs)
	assert.Equal(t, 4, s.Queues)
	assert.Equal(t, 256, s.Expect[0].Proof)
	assert.Equal(t, 3, s.Expect[0].ProofBound)
	assert.Equal(t, Budget{Strategy: "pct", Schedules: 32, Depth: 2, Seed: math.MaxUint64, Proof: 8, Line: 6}, s.Explore[0])

	bad := []struct {
		line, want string
	}{
		{"vfs 99999999999999999999", "n.scn:2:5: vfs 99999999999999999999: want a number 1..65535"},
		{"vfs 0x10000", "n.scn:2:5: vfs 0x10000: want a number 1..65535 (0x10000 is 65536)"},
		{"queues 010", "n.scn:2:8: queues 010: want a number 1..64 (a leading 0 is ambiguous: write 10, or 0o10 for octal)"},
		{"question 1_0", "n.scn:2:10: question 1_0: want a number 0..1000"},
		{"vfs", "n.scn:2:1: vfs: want one number 1..65535"},
		{"vfs 1 junk", "n.scn:2:7: vfs: \"junk\" after the number: want one number 1..65535"},
		{"queues 2 3", "n.scn:2:10: queues: \"3\" after the number: want one number 1..64"},
		{"explore schedules=0x3b9aca01", "n.scn:2:9: explore: schedules=0x3b9aca01: want a number 1..1000000000 (0x3b9aca01 is 1000000001)"},
		{"explore seed=18446744073709551616 schedules=1", "n.scn:2:9: explore: seed=18446744073709551616: want a number 0..18446744073709551615"},
		{"explore seed=-1 schedules=1", "n.scn:2:9: explore: seed=-1: want a number 0..18446744073709551615"},
		{"expect virtio-1.4 proof=0b0 pass", "n.scn:2:19: expect: proof=0b0: want a number 1..1000000000 (0b0 is 0)"},
	}
	for _, tc := range bad {
		t.Run(tc.line, func(t *testing.T) {
			_, err := ParseScenario("n.scn", []byte("scenario n\n"+tc.line+"\n"))
			require.Error(t, err)
			assert.EqualError(t, err, tc.want)
		})
	}
}

func FuzzParseScenario(f *testing.F) {
	f.Add([]byte(sampleScenario))
	f.Add([]byte("scenario a\nguest g\n  x \"\\\"\"\n"))
	f.Add([]byte("scenario a\nexpect draft-2023 proof=9 proof-bound=3 pass -- n\nexplore strategy=pct proof=5 schedules=9\n"))
	f.Add([]byte("scenario a\nquestion 0b1\nvfs 0x2\nqueues 0o3\nexplore strategy=pct schedules=0x2 seed=-0\n"))
	f.Add([]byte("\ufeffscenario a\r\nexpect draft-2023 flr-vs-mode=nope pass\r\n"))
	f.Add([]byte("scenario \"a\\x00b\"\nguest g\x00\n  probe\n"))
	f.Add([]byte("scenario a\nvfs 0\nvfs 2\nset x=1 alone \"a b\"=1\nexpect virtio-1.5 proof=2 pass\nexplore bound=2 strategy=bfs seed=x\nguest g\n"))
	f.Add([]byte("title t\ntitle u\nquestion x\nqueues 99\nexplore schedules=0 schedules=1 depth=0 x\nfrob\nvfs 0\n"))
	f.Add([]byte("scenario " + strings.Repeat("n", MaxName) + "\nguest " + strings.Repeat("g", MaxName+1) + "\n  p " + strings.Repeat("k", MaxName+1) + "=1\nexpect draft-2023 k=" + strings.Repeat("v", MaxName+1) + " pass\nset x=0x" + strings.Repeat("0", MaxNumberText) + "\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseScenario("fuzz.scn", b)
		if err != nil {
			requireProblemsInOrder(t, err)
			return
		}
		text := s.Format()
		s2, err := ParseScenario("fuzz2.scn", []byte(text))
		if err != nil {
			t.Fatalf("formatted scenario does not parse: %v\n%s", err, text)
		}
		if s2.Format() != text {
			t.Fatalf("format not stable:\n%s\n---\n%s", text, s2.Format())
		}
		if !Equal(s, s2) {
			t.Fatalf("parse(print(s)) != s:\n%s", text)
		}
	})
}

// requireProblemsInOrder checks a parse or load error: a *ParseError, or a
// *CheckError of at least two, every one with its line, in file order.
func requireProblemsInOrder(t *testing.T, err error) {
	t.Helper()
	var ce *CheckError
	if !errors.As(err, &ce) {
		var pe *ParseError
		require.ErrorAs(t, err, &pe)
		require.GreaterOrEqual(t, pe.Line, 1, err.Error())
		return
	}
	require.GreaterOrEqual(t, len(ce.Problems), 2, err.Error())
	for i, p := range ce.Problems {
		require.GreaterOrEqual(t, p.Line, 1, err.Error())
		if i > 0 {
			q := ce.Problems[i-1]
			require.True(t, q.Line < p.Line || q.Line == p.Line && q.Col <= p.Col, "not in file order:\n%s", err)
		}
	}
}

// TestRunHash: the run hash ignores the prose and the expect and explore
// lines, and changes with anything a run is built from.
func TestRunHash(t *testing.T) {
	a, err := ParseScenario("a.scn", []byte(sampleScenario))
	require.NoError(t, err)
	cases := []struct {
		name, old, new string
		same           bool
	}{
		{"title reworded", "title FLR during freeze (", "title FLR inside Freeze (", true},
		{"explain added", "explain The guest", "explain One more line.\nexplain The guest", true},
		{"question renumbered", "question 1", "question 7", true},
		{"row added", "expect virtio-1.4 set:with-stop=none pass", "expect virtio-1.4 set:with-stop=none pass\nexpect virtio-1.4 pass", true},
		{"expect note", "-- the FLR lands in Freeze", "-- the FLR lands while frozen", true},
		{"explore budget", "schedules=2000", "schedules=4000", true},
		{"operation", "count=8", "count=9", false},
		{"operation added", "  flr\n", "  flr\n  probe\n", false},
		{"vfs", "vfs 2", "vfs 3", false},
		{"setting", "vcpus=2", "vcpus=1", false},
		{"hypervisor program", "  stop all\n", "", false},
		{"requirements", "DP-DEV-12 DRAFT-FRZ-02", "DP-DEV-12", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(sampleScenario, c.old, c.new, 1)
			require.NotEqual(t, sampleScenario, src, "the edit applies")
			b, err := ParseScenario("b.scn", []byte(src))
			require.NoError(t, err)
			assert.NotEqual(t, a.Hash, b.Hash, "the canonical hash sees every edit")
			if c.same {
				assert.Equal(t, RunHash(a), RunHash(b))
			} else {
				assert.NotEqual(t, RunHash(a), RunHash(b))
			}
		})
	}
	assert.Len(t, RunHash(a), 16)
}
