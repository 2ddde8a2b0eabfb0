package gen_test

import (
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
