// Package gen generates random valid scenarios from the scenario
// language's grammar and a world's vocabulary (scenario.Vocabulary): guests
// with block or virtio-net workloads (probes cut in two included), peers, hypervisor flows
// made of the edition's verbs, settings (the bus's posted-writes and the
// owner's obj-limit among them), knobs and small exploration budgets. Every choice flows from one
// seed, so a scenario is named by its seed.
//
// The generated programs keep the guest's log independent of the schedule
// when nothing migrates (the property the transparent oracle rests on):
// each guest owns its VF and its own sectors, reads only what it waited
// for, resets only with nothing in flight, and never waits for another
// actor; faults (pf-flr, fail, corrupt) and disk resizes are left out.
// Reduce shrinks a scenario while a property holds.
package gen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// Config bounds what Generate makes. Zero fields take DefaultConfig's.
type Config struct {
	// MaxVFs and MaxQueues bound vfs and queues (of virtio-net VFs:
	// queue pairs, so queues is at most 2·MaxQueues+1).
	MaxVFs, MaxQueues int
	// MaxOps bounds the operations of one guest's workload.
	MaxOps int
	// MaxSchedules bounds the exploration budget.
	MaxSchedules int
}

// DefaultConfig keeps scenarios small: a few VFs and operations, a few
// schedules.
var DefaultConfig = Config{MaxVFs: 3, MaxQueues: 2, MaxOps: 8, MaxSchedules: 4}

func (c Config) withDefaults() Config {
	d := DefaultConfig
	if c.MaxVFs > 0 {
		d.MaxVFs = c.MaxVFs
	}
	if c.MaxQueues > 0 {
		d.MaxQueues = c.MaxQueues
	}
	if c.MaxOps > 0 {
		d.MaxOps = c.MaxOps
	}
	if c.MaxSchedules > 0 {
		d.MaxSchedules = c.MaxSchedules
	}
	return d
}

// sectorsPerGuest is the disjoint disk range each guest writes and reads.
const sectorsPerGuest = 64

// generator holds one scenario's draws.
type generator struct {
	r   *rand.Rand
	v   *scenario.Vocabulary
	cfg Config
	s   *scenario.Scenario
	// signals counts the names handed out (sig1, sig2, …).
	signals int
	// net is set for a world of virtio-net VFs.
	net bool
}

// Generate returns the scenario of seed: valid against v (scenario.Check
// accepts it) and printable (its Format parses back to an Equal scenario).
func Generate(seed uint64, v *scenario.Vocabulary, cfg Config) *scenario.Scenario {
	g := &generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), v: v, cfg: cfg.withDefaults()}
	s := &scenario.Scenario{Name: fmt.Sprintf("gen-%d", seed), File: fmt.Sprintf("gen-%d.scn", seed)}
	g.s = s
	s.Title = fmt.Sprintf("generated from seed %d", seed)
	s.VFs = 1 + g.r.IntN(g.cfg.MaxVFs)
	s.Queues = 1 + g.r.IntN(g.cfg.MaxQueues)
	if _, ok := g.v.Driver("net"); ok && g.r.IntN(4) == 0 {
		g.net = true
		s.Queues = 2*s.Queues + 1
		s.Settings = append(s.Settings, kv("vf-device", "net"))
	}
	guests := 1 + g.r.IntN(s.VFs)
	awaitReady := ""
	for i := 0; i < guests; i++ {
		p := g.guest(i)
		if i == 0 && g.r.IntN(2) == 0 {
			// The default flow starts once the first guest is up (or,
			// when its probe is cut in two, half up).
			p.Ops = slices.Insert(p.Ops, 1, op("signal", bare("ready")))
			awaitReady = "ready"
		}
		s.Actors = append(s.Actors, p)
	}
	if guests < s.VFs && !g.net && g.r.IntN(3) == 0 {
		g.peer(guests+1, s.Actors[0])
	}
	s.Settings = append(s.Settings, kv("capacity", fmt.Sprint(guests*sectorsPerGuest+g.r.IntN(1024))))
	if awaitReady != "" {
		s.Settings = append(s.Settings, kv("hv-await", awaitReady))
	}
	g.compatSettings()
	g.busSettings()
	for _, ed := range spec.Editions {
		if g.r.IntN(3) == 0 {
			s.Actors = append(s.Actors, g.hypervisor(ed))
		}
		s.Expect = append(s.Expect, g.expectation(ed))
	}
	s.Explore = []scenario.Budget{g.budget()}
	s.Hash = scenario.CanonicalHash(s)
	return s
}

func op(verb string, args ...scenario.Arg) scenario.Op { return scenario.Op{Verb: verb, Args: args} }
func bare(v string) scenario.Arg                       { return scenario.Arg{Value: v} }
func kv(k, v string) scenario.Arg                      { return scenario.Arg{Key: k, Value: v} }

// signal returns a fresh signal name.
func (g *generator) signal() string {
	g.signals++
	return fmt.Sprintf("sig%d", g.signals)
}

// pick returns one of the values.
func pick[T any](g *generator, vs ...T) T { return vs[g.r.IntN(len(vs))] }

// compatSettings sometimes names the hosts' implementations.
func (g *generator) compatSettings() {
	if g.r.IntN(4) != 0 {
		return
	}
	impls := g.settingWords("dst-caps")
	if len(impls) > 0 {
		g.s.Settings = append(g.s.Settings, kv("dst-caps", pick(g, impls...)))
	}
}

// busSettings sometimes puts guest writes in flight on the bus
// (posted-writes) and sometimes limits the owner's resource objects
// (obj-limit): neither changes what a guest sees without migration, so the
// properties still hold, and both reach paths of the world the defaults
// leave alone.
func (g *generator) busSettings() {
	if modes := g.settingWords("posted-writes"); len(modes) > 0 && g.r.IntN(2) == 0 {
		g.s.Settings = append(g.s.Settings, kv("posted-writes", pick(g, modes...)))
	}
	if s, ok := g.v.Setting("obj-limit"); ok && g.r.IntN(3) == 0 {
		g.s.Settings = append(g.s.Settings, kv("obj-limit", fmt.Sprint(s.Arg.Min+g.r.Int64N(min(4, s.Arg.Max-s.Arg.Min+1)))))
	}
}

// settingWords are the words a setting takes, from the vocabulary.
func (g *generator) settingWords(key string) []string {
	if s, ok := g.v.Setting(key); ok {
		return s.Arg.Values
	}
	return nil
}

// expectation is `expect ED [knobs] pass`: a placeholder, not a
// prediction (a generated scenario states no truth; the properties compare
// runs with each other, and Text says so in the file).
func (g *generator) expectation(ed spec.Edition) scenario.Expectation {
	e := scenario.Expectation{Edition: ed, Verdict: scenario.VerdictPass}
	if g.r.IntN(3) == 0 {
		k := pick(g, spec.KnobsFor(ed)...)
		e.Knobs = []string{k.Name + "=" + pick(g, k.Values...)}
	}
	return e
}

// budget is a small exploration. It has no proof (Proof 0): a generated
// pass row is cross-checked by the other sampling strategy, since a dfs
// proof per generated scenario would cost more than the generator's
// whole budget.
func (g *generator) budget() scenario.Budget {
	b := scenario.Budget{Strategy: pick(g, "random", "pct"), Schedules: 1 + g.r.IntN(g.cfg.MaxSchedules), Depth: 3, Seed: uint64(1 + g.r.IntN(1000))}
	if b.Strategy == "pct" {
		b.Depth = 1 + g.r.IntN(3)
	}
	return b
}

// argValue draws a value for an argument from its spec: a word, a number
// in range (small ranges kept small), a VF or queue of the scenario.
func (g *generator) argValue(a scenario.ArgSpec) string {
	switch a.Kind {
	case scenario.ArgWord:
		return pick(g, a.Values...)
	case scenario.ArgVF:
		return fmt.Sprint(1 + g.r.IntN(g.s.VFs))
	case scenario.ArgQueue:
		return fmt.Sprint(g.r.IntN(g.s.Queues))
	case scenario.ArgHost:
		return pick(g, g.v.Hosts...)
	case scenario.ArgInt:
		hi := min(a.Max, a.Min+15)
		return fmt.Sprint(a.Min + g.r.Int64N(hi-a.Min+1))
	}
	return g.signal()
}

// PlaceholderNote is the comment Text writes above a generated scenario's
// expect lines: what they mean and what to do with them.
const PlaceholderNote = `# The expect lines are placeholders, not predictions: migsim gen
# writes "pass" for each edition, with the knobs it drew, so that the
# scenario loads and names the runs it judges; gen --check ignores the
# verdicts (its properties compare runs with each other). Many generated
# flows fail by design (a knob value or a dst-caps setting the flow does
# not allow for ends in an error or a violation, e.g. docs/compat.md), so
# migsim run reports MISMATCH rows that are not bugs by themselves. To
# keep this scenario as a test, run it, decide whether each verdict got
# is right, and write that verdict on its expect line (pass, violation
# ORACLE or error NAME; docs/scenarios.md, "Expectations and verdicts").
`

// Text is the file migsim gen writes for s: its canonical form (Format)
// with PlaceholderNote above the expect lines. Comments are not part of
// the parsed form, so the text loads back to s (same hash).
func Text(s *scenario.Scenario) string {
	f := s.Format()
	i := strings.Index(f, "\nexpect ")
	if i < 0 {
		return f
	}
	return f[:i+1] + PlaceholderNote + f[i+1:]
}
