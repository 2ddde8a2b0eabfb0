package gen_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/scenario/gen"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/vocab"
)

// Every generated scenario checks against the world's vocabulary and
// prints and parses back to itself; the budget and sizes stay within the
// configuration.
func TestGenerateValidAndLossless(t *testing.T) {
	v := vocab.Vocabulary()
	v.Oracles = []string{"transparent"}
	cfg := gen.Config{MaxVFs: 2, MaxQueues: 2, MaxOps: 5, MaxSchedules: 3}
	for seed := uint64(0); seed < 300; seed++ {
		s := gen.Generate(seed, v, cfg)
		require.NoError(t, scenario.Check(s, v), "seed %d:\n%s", seed, s.Format())
		back, err := scenario.ParseScenario(s.File, []byte(s.Format()))
		require.NoError(t, err)
		assert.True(t, scenario.Equal(s, back), "seed %d", seed)
		assert.Equal(t, s.Hash, back.Hash)
		assert.LessOrEqual(t, s.VFs, 2)
		assert.LessOrEqual(t, s.Queues, 2)
		require.Len(t, s.Explore, 1)
		assert.LessOrEqual(t, s.Explore[0].Schedules, 3)
		assert.Len(t, s.Expect, len(spec.Editions))
	}
}

// The plain migration halts the vCPUs right after the precheck and
// resumes them last.
func TestPlainMigrationHalted(t *testing.T) {
	for _, ed := range spec.Editions {
		ops := gen.PlainMigration(ed, true)
		require.GreaterOrEqual(t, len(ops), 3)
		assert.Equal(t, "precheck", ops[0].Verb)
		assert.Equal(t, "halt-vcpus", ops[1].Verb)
		assert.Equal(t, "resume-vcpus", ops[len(ops)-1].Verb)
		n := 0
		for _, o := range gen.PlainMigration(ed, false) {
			if o.Verb == "halt-vcpus" {
				n++
			}
		}
		assert.Equal(t, 1, n)
	}
}

// Text puts the placeholder note right above the expect lines, as
// comments only: the text parses back to the same scenario and hash.
func TestTextMarksPlaceholders(t *testing.T) {
	v := vocab.Vocabulary()
	v.Oracles = []string{"transparent"}
	noExpect := gen.Generate(1, v, gen.Config{})
	noExpect.Expect = nil
	tests := []struct {
		name string
		s    *scenario.Scenario
		note bool
	}{
		{"seed 8", gen.Generate(8, v, gen.Config{}), true},
		{"seed 108", gen.Generate(108, v, gen.Config{}), true},
		{"no expect line", noExpect, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := gen.Text(tt.s)
			if !tt.note {
				assert.Equal(t, tt.s.Format(), text)
				return
			}
			before, after, ok := strings.Cut(text, gen.PlaceholderNote)
			require.True(t, ok, "the note is in the text")
			assert.True(t, strings.HasPrefix(after, "expect "), "the note is right above the expect lines")
			assert.NotContains(t, before, "\nexpect ")
			assert.Equal(t, tt.s.Format(), before+after, "the note is all Text adds")
			for _, l := range strings.Split(strings.TrimSuffix(gen.PlaceholderNote, "\n"), "\n") {
				assert.True(t, strings.HasPrefix(l, "# "), "%q is a comment", l)
			}
			back, err := scenario.ParseScenario(tt.s.File, []byte(text))
			require.NoError(t, err)
			assert.True(t, scenario.Equal(tt.s, back))
			assert.Equal(t, tt.s.Hash, back.Hash)
		})
	}
}
