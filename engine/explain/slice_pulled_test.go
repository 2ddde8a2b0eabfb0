package explain

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
)

// gateSys: a ticker ticks n times, each tick labelled with the flag it
// sees and counted while the flag is down; a setter raises the flag; a
// waiter may go once two ticks were counted and the flag is up, and its
// step is the finding ("gate").
type gateSys struct {
	n, ticks, counted int
	flag, set, gone   bool
}

func gateFactory(n int) engine.Factory {
	return func(engine.Streams) (engine.System, error) { return &gateSys{n: n}, nil }
}

func (s *gateSys) Enabled(buf []engine.Step) []engine.Step {
	if s.ticks < s.n {
		buf = append(buf, engine.Step{Actor: 0, Label: fmt.Sprintf("ticker:tick flag=%t", s.flag), Footprint: engine.Writes(0)})
	}
	if !s.set {
		buf = append(buf, engine.Step{Actor: 1, Label: "setter:set", Footprint: engine.Writes(0)})
	}
	if !s.gone && s.flag && s.counted >= 2 {
		buf = append(buf, engine.Step{Actor: 2, Label: "waiter:go", Footprint: engine.Reads(0)})
	}
	return buf
}

func (s *gateSys) Execute(st engine.Step) *engine.Finding {
	switch st.Actor {
	case 0:
		s.ticks++
		if !s.flag {
			s.counted++
		}
	case 1:
		s.set, s.flag = true, true
	case 2:
		s.gone = true
		return &engine.Finding{Oracle: "gate", Message: "the waiter went"}
	}
	return nil
}

func (s *gateSys) NextTimer() (engine.VTime, bool) { return 0, false }
func (s *gateSys) Advance(engine.VTime)            {}
func (s *gateSys) ActorName(a int) string          { return []string{"ticker", "setter", "waiter"}[a] }
func (s *gateSys) Done() bool                      { return s.gone && s.ticks == s.n }
func (s *gateSys) Finish() *engine.Finding         { return nil }

// Pulled counts steps of the recorded run only, so it never exceeds the
// steps before the finding the slice leaves out. The gate's recorded run
// ticks twice with the flag down, raises it and lets the waiter go (4
// steps, the finding at step 3). A slice without the ticks raises the
// flag first; the ticks then see it up, which the recorded run never ran
// (their labels differ), and never count: the waiter waits while the
// ticker runs its 30 ticks, and the finding is lost. Those ticks are not
// steps of the recorded run, so they are not pulled ones (they were
// counted as such, 30 of a run of 4 steps): Unrecorded counts them.
func TestCheckSlice_PulledWithinTheRecordedSteps(t *testing.T) {
	const ticks = 30
	f := gateFactory(ticks)
	sched := []engine.Choice{{Actor: 0, Label: "ticker:tick flag=false"}, {Actor: 0, Label: "ticker:tick flag=false"},
		{Actor: 1, Label: "setter:set"}, {Actor: 2, Label: "waiter:go"}}
	for i := range sched {
		sched[i].Index = 9 // no index: the label is looked up
	}
	res, err := engine.Run(f, 1, engine.NewLenientReplay(sched), engine.RunConfig{})
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	require.Equal(t, 3, res.Finding.Step, choiceLabels(res.Choices))
	steps := res.Finding.Step + 1
	for _, tc := range []struct {
		name       string
		slice      []int
		kept       bool
		pulled     int
		unrecorded int
	}{
		{name: "every step", slice: []int{0, 1, 2, 3}, kept: true},
		// The setter, held back, is pulled in ahead of the waiter.
		{name: "without the setter", slice: []int{0, 1, 3}, kept: true, pulled: 1},
		{name: "without the ticks", slice: []int{2, 3}, unrecorded: ticks},
		// The first run pulls in every other step in its recorded order
		// and keeps the finding; the reversed run raises the flag first
		// and loses it.
		{name: "the finding's step alone", slice: []int{3}, pulled: 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CheckSlice(f, 1, res, tc.slice, 0)
			require.NoError(t, err)
			assert.Equal(t, tc.kept, got.Kept)
			assert.Equal(t, tc.pulled, got.Pulled)
			assert.Equal(t, tc.unrecorded, got.Unrecorded)
			assert.LessOrEqual(t, got.Pulled, steps-len(tc.slice), "pulled: steps of the recorded run the slice left out")
		})
	}
}
