package gen_test

import (
	"fmt"
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
		if _, net := scenario.Lookup(s.Settings, "vf-device"); net {
			assert.LessOrEqual(t, s.Queues, 2*2+1, "queue pairs and the control queue")
		} else {
			assert.LessOrEqual(t, s.Queues, 2)
		}
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

// The generator reaches each of its less common draws within a few
// hundred seeds: a probe cut in two (until=, then from= the same point),
// config-vector with and without set=, and the posted-writes and obj-limit
// settings, and virtio-net VFs with net guests.
func TestGenerateReaches(t *testing.T) {
	v := vocab.Vocabulary()
	reached := map[string]bool{}
	for seed := uint64(0); seed < 300; seed++ {
		s := gen.Generate(seed, v, gen.Config{})
		for _, a := range s.Settings {
			reached["set "+a.Key] = true
		}
		for _, p := range s.Actors {
			for i, o := range p.Ops {
				if o.Verb == "probe" && len(o.Args) == 1 && o.Args[0].Key == "until" {
					require.Greater(t, len(p.Ops), i+1, "seed %d: a probe until= is the last operation", seed)
					next := p.Ops[i+1]
					if next.Verb == "signal" && i+2 < len(p.Ops) {
						next = p.Ops[i+2]
					}
					assert.Equal(t, scenario.Op{Verb: "probe", Args: []scenario.Arg{{Key: "from", Value: o.Args[0].Value}}}, scenario.Op{Verb: next.Verb, Args: next.Args},
						"seed %d: the probe goes on from where it stopped", seed)
					reached["probe until="+o.Args[0].Value] = true
				}
				if o.Verb == "config-vector" {
					reached["config-vector set="+fmt.Sprint(len(o.Args) > 0)] = true
				}
			}
		}
	}
	for _, want := range []string{"probe until=features-ok", "probe until=queue-enable", "config-vector set=true",
		"config-vector set=false", "set posted-writes", "set obj-limit", "set dst-caps", "set hv-await", "set vf-device", "probe until=pair-1"} {
		assert.True(t, reached[want], "no seed of 0..299 draws %s", want)
	}
}
