package catalog

import (
	"context"
	"errors"
	"flag"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/scenario/gen"
	"github.com/migsim/migsim/spec"
)

var generatedFlag = flag.Int("catalog.generated", 500, "TestGeneratedScenarios: how many generated scenarios to check (seeds 1..N)")

// generatedScenarios is how many generated scenarios TestGeneratedScenarios
// checks: -catalog.generated (500 by default, about 42 s of CPU; run
// -catalog.generated 1000 or more for a deeper check), or 20 under -short,
// the race detector's run in CI (40 seeds peaked at 2.1 GB there).
func generatedScenarios() int {
	if testing.Short() && !flagSet("catalog.generated") {
		return 20
	}
	return max(1, *generatedFlag)
}

// fuzzing reports whether go test runs a fuzz target (-test.fuzz).
func fuzzing() bool {
	fl := flag.Lookup("test.fuzz")
	return fl != nil && fl.Value.String() != ""
}

// flagSet reports whether the named flag was given on the command line.
func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// TestGeneratedScenarios checks the metamorphic properties (CheckGenerated)
// of generated scenarios, seeds 1..N. A failure prints the scenario reduced
// (gen.Reduce) to what still breaks the same property: keep it under
// testdata/gen once the cause is fixed.
func TestGeneratedScenarios(t *testing.T) {
	v := Vocabulary()
	n := generatedScenarios()
	for seed := uint64(1); seed <= uint64(n); seed++ {
		s := gen.Generate(seed, v, gen.Config{})
		if err := CheckGenerated(context.Background(), s, 2); err != nil {
			t.Fatalf("seed %d: %v\nreduced:\n%s", seed, err, reduceFinding(s, err).Format())
		}
	}
}

// reduceFinding reduces s while it still breaks the property err names.
func reduceFinding(s *scenario.Scenario, err error) *scenario.Scenario {
	var pe *PropertyError
	if !errors.As(err, &pe) {
		return s
	}
	return gen.Reduce(s, func(c *scenario.Scenario) bool {
		return CheckScenario(c) == nil && IsProperty(CheckGenerated(context.Background(), c, 2), pe.Property)
	})
}

// TestGeneratedFindings: the generator's findings, reduced and kept in
// testdata/gen, keep their expected verdicts now that their causes are
// fixed. Under -short (the race detector's run) every exploration of a
// row is capped at shortRuns schedules, as TestJudge_Expectations' are:
// an error row's flow error comes in every schedule, and a pass row still
// runs each exploration on GOMAXPROCS jobs; go test's run without -short judges
// the rows' whole budgets.
func TestGeneratedFindings(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "gen", "*.scn"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		s, err := LoadScenarioFile(f)
		require.NoError(t, err)
		for _, e := range s.Expect {
			t.Run(filepath.Base(f)+"/"+e.Edition.String(), func(t *testing.T) {
				o, err := Judge(context.Background(), s, e, JudgeConfig{MaxRuns: shortRuns(), Shrink: shortShrink()})
				require.NoError(t, err)
				assert.True(t, o.Match, "got %s: %v", VerdictText(o.Got, o.GotOracle), o.Finding)
			})
		}
	}
}

// Reduce keeps dropping actors, operations, settings and expectations
// while the property holds, and leaves the input alone.
func TestReduce(t *testing.T) {
	s, err := scenario.ParseScenario("r.scn", []byte(`scenario r
set capacity=4096
guest vcpu0
  probe
  write sector=0 count=1
  flr
  read sector=0 count=1
guest vcpu1 vf=2
  probe
peer p
  kick
vfs 2
expect draft-2023 pass
expect virtio-1.4 pass
`))
	require.NoError(t, err)
	before := s.Format()
	hasFLR := func(c *scenario.Scenario) bool {
		for _, a := range c.Actors {
			for _, o := range a.Ops {
				if o.Verb == "flr" {
					return true
				}
			}
		}
		return false
	}
	r := gen.Reduce(s, hasFLR)
	assert.Equal(t, before, s.Format(), "the input is not changed")
	require.Len(t, r.Actors, 1)
	require.Len(t, r.Actors[0].Ops, 1)
	assert.Equal(t, "flr", r.Actors[0].Ops[0].Verb)
	assert.Empty(t, r.Settings)
	assert.Len(t, r.Expect, 1)
}

// FuzzGeneratedScenario checks the properties of the scenario generated
// from a fuzzed seed: go test ./catalog -run '^$' -fuzz
// '^FuzzGeneratedScenario$' -parallel 1. Its seed corpus is seeds 1, 2, 3
// and 2^40. Run as a test (without -fuzz) it leaves out the seeds
// TestGeneratedScenarios checks (1..generatedScenarios(), with the same
// CheckGenerated): 2^40 alone unless -catalog.generated is below 3.
func FuzzGeneratedScenario(f *testing.F) {
	v := Vocabulary()
	for _, seed := range []uint64{1, 2, 3, 1 << 40} {
		if fuzzing() || seed > uint64(generatedScenarios()) {
			f.Add(seed)
		}
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		s := gen.Generate(seed, v, gen.Config{})
		require.NoError(t, CheckGenerated(context.Background(), s, 2), "%s", s.Format())
	})
}

// A generated scenario is deterministic in its seed.
func TestGenerateIsDeterministic(t *testing.T) {
	v := Vocabulary()
	for seed := uint64(1); seed <= 20; seed++ {
		a, b := gen.Generate(seed, v, gen.Config{}), gen.Generate(seed, v, gen.Config{})
		assert.Equal(t, a.Format(), b.Format())
	}
	assert.NotEqual(t, gen.Generate(1, v, gen.Config{}).Format(), gen.Generate(2, v, gen.Config{}).Format())
}

// PlainVariant keeps what the plain migration needs to load: the VFs'
// device type (a net guest on blk VFs does not check) and a net guest's
// own post (the net driver has no submit), while a blk guest's post for a
// peer becomes a submit.
func TestPlainVariant(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		wantVerb   string
	}{
		{"blk", `scenario b
vfs 2
guest vcpu0 vf=1
  probe
  post write sector=1
  signal s
  wait
peer p vf=2
  await s
  kick vf=1 q=0
expect draft-2023 pass
`, "submit"},
		{"net", `scenario n
vfs 1
queues 3
set vf-device=net obj-limit=2
guest vcpu0 driver=net
  probe
  post n=1 q=0
  kick q=0
  wait
expect draft-2023 pass
`, "post"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := scenario.ParseScenario(tc.name+".scn", []byte(tc.text))
			require.NoError(t, err)
			require.NoError(t, CheckScenario(s))
			for _, ed := range spec.Editions {
				c := PlainVariant(s, ed)
				require.NoError(t, CheckScenario(c), "%s:\n%s", ed, c.Format())
				assert.Equal(t, tc.wantVerb, c.Actors[0].Ops[1].Verb)
				for _, a := range c.Settings {
					assert.Contains(t, []string{"capacity", "vf-device"}, a.Key, "only capacity and the device type stay")
				}
				_, net := scenario.Lookup(s.Settings, "vf-device")
				_, kept := scenario.Lookup(c.Settings, "vf-device")
				assert.Equal(t, net, kept, "vf-device stays")
			}
		})
	}
}
