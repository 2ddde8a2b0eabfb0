package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// renumberedProp is a toy system whose actor ids depend on the path, as
// the world's device pseudo-actors' do: an actor gets its id when it is
// first enabled, the next free one. An actor that starts with a wait is
// enabled first when another actor's step sets its variable, so two paths
// may number two such actors differently. Its state hash (the toy's) does
// not hash the ids; with keyed set it gives every actor its own program's
// index as its key (ActorKeyer).
type renumberedProp struct {
	*propSys
	ext, in []int // internal actor → id (-1: none yet); id → internal actor
	scratch []Step
	// renumbered is set once an actor got an id other than its index.
	renumbered *bool
}

type keyedRenumberedProp struct{ renumberedProp }

// ActorKey implements ActorKeyer: the actor's program.
func (s keyedRenumberedProp) ActorKey(id int) int { return s.in[id] }

func newRenumberedProp(progs [][]propInstr, vars int, renumbered *bool) renumberedProp {
	s := renumberedProp{propSys: newPropSys(progs, vars), ext: make([]int, len(progs)), renumbered: renumbered}
	for a := range s.ext {
		s.ext[a] = -1
	}
	return s
}

func (s *renumberedProp) Enabled(buf []Step) []Step {
	s.scratch = s.propSys.Enabled(s.scratch[:0])
	for _, st := range s.scratch {
		a := st.Actor
		if s.ext[a] < 0 {
			s.ext[a] = len(s.in)
			s.in = append(s.in, a)
			if s.ext[a] != a {
				*s.renumbered = true
			}
		}
		st.Actor = s.ext[a]
		buf = append(buf, st)
	}
	return buf
}

func (s *renumberedProp) Execute(st Step) *Finding {
	st.Actor = s.in[st.Actor]
	return s.propSys.Execute(st)
}

func (s *renumberedProp) Finished(id int) bool { return s.propSys.Finished(s.in[id]) }

func (s *renumberedProp) ActorName(id int) string { return s.propSys.ActorName(s.in[id]) }

// TestDFS_StatePruningKeysActorsAcrossRuns checks that state pruning keeps
// the outcomes of the search without reduction on systems whose actor ids
// depend on the path, when the system keys its actors (ActorKeyer) and its
// state hash leaves the ids out: a visit remembers its previous actor and
// sleeping steps by key, so a state reached under other ids covers it as
// under the same ids. (Without the keys, a visit would compare its previous
// actor by an id that may name another actor in a later run; on these
// systems that has not lost an outcome, so the test cannot show it.)
func TestDFS_StatePruningKeysActorsAcrossRuns(t *testing.T) {
	gen := propGen{actors: 3, instrs: 5, vars: 2, total: 10}
	n := 200
	if testing.Short() {
		n = 60
	}
	renumberedSystems := 0
	for sys := range n {
		progs := genProp(NewStream(uint64(sys), StreamWorkload), gen)
		renumbered := false
		keyed := func(Streams) (System, error) {
			return &keyedRenumberedProp{newRenumberedProp(progs, gen.vars, &renumbered)}, nil
		}
		unkeyed := func(Streams) (System, error) {
			s := newRenumberedProp(progs, gen.vars, &renumbered)
			return &s, nil
		}
		for _, bound := range []int{0, 1, 2, -1} {
			ref, _, _ := searchOutcomes(t, propFactory(progs, gen.vars), DFSConfig{Bound: bound, Reduction: ReductionNone})
			plain, _, _ := searchOutcomes(t, unkeyed, DFSConfig{Bound: bound, Reduction: ReductionNone})
			require.Equal(t, outcomeList(ref), outcomeList(plain), "system %d bound %d: renumbering changed the system:\n%s", sys, bound, propString(progs))
			got, _, _ := searchOutcomes(t, keyed, DFSConfig{Bound: bound, Reduction: ReductionSleep, States: true})
			if !assert.Equal(t, outcomeList(ref), outcomeList(got), "system %d, bound %d, keyed:\n%s", sys, bound, propString(progs)) {
				return
			}
		}
		if renumbered {
			renumberedSystems++
		}
	}
	t.Logf("%d of %d systems renumber their actors", renumberedSystems, n)
	require.Positive(t, renumberedSystems, "no system renumbered its actors: the test checks nothing")
}
