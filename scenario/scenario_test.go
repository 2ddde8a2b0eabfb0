package scenario

import (
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

func TestParseScenario(t *testing.T) {
	s, err := ParseScenario("q1.scn", []byte(sampleScenario))
	require.NoError(t, err)
	assert.Equal(t, "flr-during-freeze", s.Name)
	assert.Equal(t, 1, s.Question)
	assert.Equal(t, 2, s.VFs)
	assert.Equal(t, []string{"DP-DEV-12", "DRAFT-FRZ-02"}, s.Requirements)
	assert.Equal(t, []Arg{{"vcpus", "2"}, {"label", "two words"}}, s.Settings)
	require.Len(t, s.Actors, 2)
	assert.Equal(t, ActorGuest, s.Actors[0].Kind)
	assert.Equal(t, "vcpu0", s.Actors[0].Name)
	require.Len(t, s.Actors[0].Ops, 3)
	assert.Equal(t, Op{Verb: "write", Args: []Arg{{"sector", "0"}, {"count", "8"}, {"pattern", "0xa1"}}, Line: 12}, s.Actors[0].Ops[1])
	assert.Equal(t, spec.Draft2023, s.Actors[1].Edition)
	require.Len(t, s.Expect, 3)
	assert.Equal(t, VerdictViolation, s.Expect[1].Verdict)
	assert.Equal(t, "frozen-context", s.Expect[1].Oracle)
	assert.Equal(t, []string{"flr-vs-mode=complete-anyway"}, s.Expect[1].Knobs)
	assert.Equal(t, "the FLR lands in Freeze", s.Expect[1].Note)
	assert.Equal(t, []Arg{{"with-stop", "none"}}, s.Expect[2].Settings)
	require.Len(t, s.Explore, 2)
	assert.Equal(t, Budget{Strategy: "pct", Schedules: 2000, Depth: 3, Seed: 7, Line: 22}, s.Explore[0])
	assert.Equal(t, Budget{Edition: spec.Virtio14, Strategy: "dfs", Schedules: 5000, Bound: 2, Depth: 3, Seed: 1, Line: 23,
		Reduction: "states"}, s.Explore[1])
	assert.Len(t, s.Hash, 16)
}

func TestScenarioFormatRoundTrip(t *testing.T) {
	s, err := ParseScenario("q1.scn", []byte(sampleScenario))
	require.NoError(t, err)
	text := s.Format()
	s2, err := ParseScenario("q1-formatted.scn", []byte(text))
	require.NoError(t, err)
	assert.Equal(t, text, s2.Format(), "format is a fixed point")
	assert.Equal(t, len(s.Actors), len(s2.Actors))
	assert.Equal(t, s.Expect[1].Knobs, s2.Expect[1].Knobs)
	assert.Equal(t, s.Settings, s2.Settings)
}

func TestParseScenarioErrors(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"no name", "vfs 1\n", "x.scn:1: missing `scenario NAME` line"},
		{"unknown directive", "scenario a\nfrobnicate 3\n", "x.scn:2: unknown directive \"frobnicate\""},
		{"op outside block", "scenario a\n  probe\n", "x.scn:2: indented operation \"probe\" outside"},
		{"bad vfs", "scenario a\nvfs 0\n", "x.scn:2: vfs: 0 outside 1..65535"},
		{"bad number", "scenario a\nquestion x\n", "x.scn:2: question: \"x\" is not a number"},
		{"bad edition", "scenario a\nexpect draft-2025 pass\n", "x.scn:2: expect: spec: unknown edition"},
		{"bad knob", "scenario a\nexpect draft-2023 flr-vs-mode=never pass\n", "x.scn:2: expect: spec: knob flr-vs-mode: unknown value \"never\" (allowed: hold-reply, defer-flr, complete-anyway)"},
		{"missing oracle", "scenario a\nexpect draft-2023 violation\n", "x.scn:2: expect: violation needs a name"},
		{"bad verdict", "scenario a\nexpect draft-2023 maybe\n", "x.scn:2: expect: unknown verdict \"maybe\""},
		{"bad strategy", "scenario a\nexplore strategy=bfs\n", "x.scn:2: explore: strategy: unknown strategy \"bfs\""},
		{"bad reduction", "scenario a\nexplore strategy=dfs reduction=fast\n", "x.scn:2: explore: reduction: unknown reduction \"fast\" (want sleep, dpor, none, states)"},
		{"empty block", "scenario a\nguest vcpu0\nexpect draft-2023 pass\n", "x.scn:2: guest vcpu0 has no operations"},
		{"unterminated quote", "scenario a\nset x=\"abc\n", "x.scn:2: column 7: unterminated"},
		{"set without key", "scenario a\nset alone\n", "x.scn:2: set: \"alone\" is not key=value"},
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

func FuzzParseScenario(f *testing.F) {
	f.Add([]byte(sampleScenario))
	f.Add([]byte("scenario a\nguest g\n  x \"\\\"\"\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseScenario("fuzz.scn", b)
		if err != nil {
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
	})
}
