package world_test

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

var (
	meetRows = flag.String("world.meetrows", "net-rx-while-stopped/virtio-1.4", "TestStateHash_Parts: rows to survey, scenario/edition[/knob] separated by commas")
	meetRuns = flag.Int("world.meetruns", 100, "TestStateHash_Parts: dfs runs per row")
	meetNone = flag.Bool("world.meetnone", false, "TestStateHash_Parts: search without sleep sets, so that paths that are one trace are all run")
)

// meetEvent is one step of a run as the trace hash sees it: its actor's
// key, its footprint and its hash (its label and the hashes of every
// earlier step it depends on).
type meetEvent struct {
	key     int
	fp      engine.Footprint
	barrier bool
	h       uint64
}

// meetWorld is a world that keeps, along its run, two hashes of the path:
// its trace (the steps with the order of every two dependent ones: two
// paths that differ only by swapping independent steps hash alike) and its
// projection (each actor's sequence of step labels, whatever the order
// between actors). At every state hash it reports both with the state's
// parts to a meetLog.
type meetWorld struct {
	*world.World
	log    *meetLog
	events []meetEvent
	proj   map[int]uint64
}

func (m *meetWorld) push(key int, label string, fp engine.Footprint, barrier bool) {
	var deps uint64
	for _, e := range m.events {
		if e.barrier || barrier || e.key == key || e.fp.Conflicts(fp) {
			deps += deephash.Mix(0x9e3779b97f4a7c15, e.h)
		}
	}
	h := deephash.Mix(deephash.String(uint64(key)+1, label), deps)
	m.events = append(m.events, meetEvent{key: key, fp: fp, barrier: barrier, h: h})
	m.proj[key] = deephash.String(m.proj[key], label)
}

func (m *meetWorld) Execute(s engine.Step) *engine.Finding {
	fp := s.Footprint
	if fp.IsZero() {
		fp = m.World.StepFootprint(s)
	}
	m.push(m.World.ActorKey(s.Actor), s.Label, fp, false)
	return m.World.Execute(s)
}

func (m *meetWorld) Advance(now engine.VTime) {
	m.push(-1, fmt.Sprint("advance ", now), engine.Footprint{}, true)
	m.World.Advance(now)
}

func (m *meetWorld) Epoch() bool {
	changed := m.World.Epoch()
	if changed {
		m.push(-2, "epoch", engine.Footprint{}, true)
	}
	return changed
}

func (m *meetWorld) StateHash() (uint64, bool) {
	h, ok := m.World.StateHash()
	if !ok {
		return h, ok
	}
	j, _ := m.World.JudgeHash()
	var trace uint64
	for _, e := range m.events {
		trace += deephash.Mix(0x51ed, e.h)
	}
	keys := make([]int, 0, len(m.proj))
	for k := range m.proj {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	var proj uint64
	for _, k := range keys {
		proj = deephash.Mix(deephash.Mix(proj, uint64(k)), m.proj[k])
	}
	m.log.record(m.World, trace, proj, h, j)
	return h, ok
}

// meetState is one distinct (state, judge) hash pair met in a class, with
// its parts.
type meetState struct {
	state, judge uint64
	parts        []world.StatePart
	members      map[string][]world.StatePart
}

// meetLog groups the states a search hashed by trace and by projection.
type meetLog struct {
	hashes int
	states map[[2]uint64]bool
	// parts holds the parts of every distinct state.
	parts [][]world.StatePart
	// byTrace and byProj: the distinct states of each class, at most
	// meetKeep of them.
	byTrace, byProj map[uint64][]*meetState
	// traceDiff and projDiff count, per part name, the states of a class
	// that differ from its first state in that part.
	traceDiff, projDiff map[string]int
	// traceSplit and projSplit count the states of a class beyond its
	// first.
	traceSplit, projSplit int
}

const meetKeep = 4

func newMeetLog() *meetLog {
	return &meetLog{states: map[[2]uint64]bool{}, byTrace: map[uint64][]*meetState{}, byProj: map[uint64][]*meetState{},
		traceDiff: map[string]int{}, projDiff: map[string]int{}}
}

func (l *meetLog) record(w *world.World, trace, proj, h, j uint64) {
	l.hashes++
	var parts []world.StatePart
	get := func() []world.StatePart {
		if parts == nil {
			parts = w.StateParts()
		}
		return parts
	}
	if k := [2]uint64{h, j}; !l.states[k] {
		l.states[k] = true
		l.parts = append(l.parts, get())
	}
	l.add(w, l.byTrace, trace, h, j, get, l.traceDiff, &l.traceSplit)
	l.add(w, l.byProj, proj, h, j, get, l.projDiff, &l.projSplit)
}

func (l *meetLog) add(w *world.World, classes map[uint64][]*meetState, key, h, j uint64, get func() []world.StatePart, diff map[string]int, split *int) {
	cls := classes[key]
	for _, s := range cls {
		if s.state == h && s.judge == j {
			return
		}
	}
	if len(cls) >= meetKeep {
		return
	}
	s := &meetState{state: h, judge: j, parts: get()}
	if len(cls) == 0 {
		s.members = map[string][]world.StatePart{}
		for _, p := range s.parts {
			if strings.Contains(p.Name, ".vf") && !strings.Contains(p.Name[strings.Index(p.Name, ".vf")+1:], ".") {
				s.members[p.Name] = w.MemberFieldParts(p.Name, 3)
			}
		}
	} else {
		*split++
		first := cls[0]
		for i, p := range s.parts {
			if i >= len(first.parts) || first.parts[i].Name != p.Name {
				diff["(different parts)"]++
				break
			}
			if first.parts[i].Hash == p.Hash {
				continue
			}
			diff[p.Name]++
			if fm, ok := first.members[p.Name]; ok {
				for k, f := range w.MemberFieldParts(p.Name, 3) {
					if k < len(fm) && fm[k].Name == f.Name && fm[k].Hash != f.Hash {
						diff["  "+f.Name]++
					}
				}
			}
		}
	}
	classes[key] = append(cls, s)
}

func (l *meetLog) report(t *testing.T, name string) {
	t.Logf("%s: %d state hashes, %d distinct states, %d trace classes (%d states beyond a class's first), %d projection classes (%d beyond)",
		name, l.hashes, len(l.states), len(l.byTrace), l.traceSplit, len(l.byProj), l.projSplit)
	for _, d := range []struct {
		what string
		m    map[string]int
	}{{"same trace", l.traceDiff}, {"same projection", l.projDiff}} {
		names := make([]string, 0, len(d.m))
		for k := range d.m {
			names = append(names, k)
		}
		slices.SortFunc(names, func(a, b string) int {
			if d.m[a] != d.m[b] {
				return d.m[b] - d.m[a]
			}
			return strings.Compare(a, b)
		})
		var b strings.Builder
		for _, k := range names {
			fmt.Fprintf(&b, "\n    %6d %s", d.m[k], k)
		}
		t.Logf("%s: %s: parts that differ from the class's first state:%s", name, d.what, b.String())
	}
	l.leaveOneOut(t, name)
}

// leaveOneOut logs, for every part, how many of the distinct states
// differ from another in that part alone: the states that would meet if
// the hash left it out.
func (l *meetLog) leaveOneOut(t *testing.T, name string) {
	names := map[string]bool{}
	for _, ps := range l.parts {
		for _, p := range ps {
			names[p.Name] = true
		}
	}
	type merged struct {
		name string
		n    int
	}
	var out []merged
	for n := range names {
		groups := map[uint64]int{}
		shows := map[uint64][]string{}
		for _, ps := range l.parts {
			var h uint64
			for _, p := range ps {
				h = deephash.String(h, p.Name)
				if p.Name != n {
					h = deephash.Mix(h, p.Hash)
				}
			}
			groups[h]++
			for _, p := range ps {
				if p.Name == n {
					shows[h] = append(shows[h], p.Show)
				}
			}
		}
		if m := len(l.parts) - len(groups); m > 0 {
			out = append(out, merged{n, m})
			examples := map[string]int{}
			for h, c := range groups {
				if c > 1 {
					s := slices.Clone(shows[h])
					slices.Sort(s)
					examples[strings.Join(s, " | ")]++
				}
			}
			keys := make([]string, 0, len(examples))
			for k := range examples {
				keys = append(keys, k)
			}
			slices.SortFunc(keys, func(a, b string) int { return examples[b] - examples[a] })
			for i, k := range keys {
				if i < 6 && k != strings.Repeat(" | ", strings.Count(k, " | ")) {
					t.Logf("%s: %s alone: %d groups: %s", name, n, examples[k], k)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b merged) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return strings.Compare(a.name, b.name)
	})
	var b strings.Builder
	for _, m := range out {
		fmt.Fprintf(&b, "\n    %6d %s", m.n, m.name)
	}
	t.Logf("%s: %d distinct states by their parts; states that differ in one part alone (they meet if it is left out):%s", name, len(l.parts), b.String())
}

// TestStateHash_Parts searches each row of -world.meetrows at bound 2
// with state pruning, hashes every state it asks for by its parts
// (World.StateParts: each component of the state and judge hash on its
// own) and logs what tells the states apart (docs/engine.md, "state
// pruning"): states on paths that are one trace (they differ only by
// swapping independent steps) or one projection (each actor ran the same
// steps, in another order between actors) that hash apart, by the parts
// that differ, and the states that differ in one part alone. It requires
// that the parts account for the hash (two states are one exactly when
// their parts are) and that no two paths that are one trace reach states
// hashed apart. With -world.meetruns 3000 and more rows it is the survey
// those notes report.
func TestStateHash_Parts(t *testing.T) {
	for _, row := range strings.Split(*meetRows, ",") {
		f := strings.Split(row, "/")
		var knobs []string
		if len(f) > 2 {
			knobs = f[2:]
		}
		t.Run(row, func(t *testing.T) {
			s, err := catalog.CatalogScenario(f[0])
			require.NoError(t, err)
			ed, err := spec.ParseEdition(f[1])
			require.NoError(t, err)
			tg, err := catalog.NewTarget(s, ed, knobs, nil)
			require.NoError(t, err)
			seed := engine.ScheduleSeed(1, 0)
			base, err := tg.Factory(seed)
			require.NoError(t, err)
			log := newMeetLog()
			factory := func(st engine.Streams) (engine.System, error) {
				sys, err := base(st)
				if err != nil {
					return nil, err
				}
				return &meetWorld{World: sys.(*world.World), log: log, proj: map[int]uint64{}}, nil
			}
			red := engine.ReductionSleep
			if *meetNone {
				red = engine.ReductionNone
			}
			sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: factory, Strategy: engine.StrategyDFS,
				Bound: 2, Reduction: red, States: true, Schedules: *meetRuns, Seed: 1, Jobs: 1,
				MaxSteps: catalog.DefaultJudgeMaxSteps})
			require.NoError(t, err)
			t.Logf("%s: %d complete, %d pruned, exhausted %v", row, sum.Schedules, sum.Pruned, sum.Complete)
			log.report(t, row)
			require.Positive(t, log.hashes)
			assert.Zero(t, log.traceSplit, "paths that are one trace reach one state")
			byParts := map[uint64]int{}
			for _, ps := range log.parts {
				var h uint64
				for _, p := range ps {
					h = deephash.Mix(deephash.String(h, p.Name), p.Hash)
				}
				byParts[h]++
			}
			assert.Len(t, byParts, len(log.parts), "two states hashed apart differ in a part")
			assert.Len(t, log.parts, len(log.states))
		})
	}
}
