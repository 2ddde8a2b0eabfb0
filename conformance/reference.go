package conformance

import (
	"sync"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance/exercised"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/guest"
)

// refRuns are the runs without migration (catalog.Target.ReferenceTrouble)
// the kit made of one row with the device under test, by seed and step
// bound: the judgement of what went wrong without migration, the
// shrinking of a counterexample (whose worlds compare the guest's log with
// the run without migration of their seed) and the first difference of a
// transparent finding read the same run, which is made once. The row's
// target is the same for all of them (its scenario, edition, knobs,
// settings and the device's factory); the kit starts a fresh set for every
// row. Safe for concurrent use.
type refRuns struct {
	mu   sync.Mutex
	runs map[refKey]*refRun
}

type refKey struct {
	seed     uint64
	maxSteps int
}

// refRun is one run without migration: its guest log, the troubles its
// drivers recorded, or why it failed (a finding: a *catalog.ReferenceError).
type refRun struct {
	once    sync.Once
	log     []string
	trouble []guest.Trouble
	err     error
}

// get returns the run without migration of t (a target of the set's row)
// from seed under t's step bound, making it on first use. A nil set keeps
// nothing: each call makes the run.
func (rs *refRuns) get(t catalog.Target, seed uint64) *refRun {
	if rs == nil {
		r := &refRun{}
		r.log, r.trouble, r.err = t.ReferenceTrouble(seed)
		return r
	}
	k := refKey{seed, t.StepBound()}
	rs.mu.Lock()
	if rs.runs == nil {
		rs.runs = map[refKey]*refRun{}
	}
	r, ok := rs.runs[k]
	if !ok {
		r = &refRun{}
		rs.runs[k] = r
	}
	rs.mu.Unlock()
	r.once.Do(func() { r.log, r.trouble, r.err = t.ReferenceTrouble(seed) })
	return r
}

// without is what the guests of the row's run without migration from seed
// show (package exercised).
func (rs *refRuns) without(t catalog.Target, seed uint64) exercised.Run {
	r := rs.get(t, seed)
	return exercised.RunOf(t, r.log, r.trouble, r.err)
}

// factory is catalog.Target.Factory for t with the set's runs: each world
// compares the guest's log with the run without migration of its own seed
// (which is every seed's log when the guest program does not depend on
// the seed, as Factory shares it then). It fails as Factory does when
// the run of seed, the seed the caller replays, has a finding.
func (rs *refRuns) factory(t catalog.Target, seed uint64) (engine.Factory, error) {
	if r := rs.get(t, seed); r.err != nil {
		return nil, r.err
	}
	return func(st engine.Streams) (engine.System, error) {
		r := rs.get(t, st.Seed)
		if r.err != nil {
			return nil, r.err
		}
		return t.World(st, r.log)
	}, nil
}
