package explain

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
)

// windowSys: a doorbell that lands in a freeze window is lost. The
// hypervisor freezes, waits (waits times: a VM of many VFs has it run each
// operation once per VF), unfreezes and says it is done; a peer awaits (a
// step that touches nothing) and kicks, which a frozen device drops; the
// guest checks once the hypervisor is done, and a dropped kick is the
// finding ("lost-kick").
type windowSys struct {
	waits, hv, peer      int
	frozen, dropped, end bool
}

var windowPeer = []string{"peer:await", "peer:kick"}

func windowFactory(engine.Streams) (engine.System, error) { return &windowSys{waits: 1}, nil }

// hvLabel is the hypervisor's next step: freeze, waits × hv:wait, active,
// done.
func (s *windowSys) hvLabel() string {
	switch {
	case s.hv == 0:
		return "hv:freeze"
	case s.hv <= s.waits:
		return "hv:wait"
	case s.hv == s.waits+1:
		return "hv:active"
	}
	return "hv:done"
}

func (s *windowSys) Enabled(buf []engine.Step) []engine.Step {
	if s.hv < s.waits+3 {
		buf = append(buf, engine.Step{Actor: 0, Label: s.hvLabel(), Footprint: engine.Writes(0)})
	}
	if s.peer < len(windowPeer) {
		buf = append(buf, engine.Step{Actor: 1, Label: windowPeer[s.peer], Footprint: engine.Reads(0)})
	}
	if s.hv == s.waits+3 && !s.end {
		buf = append(buf, engine.Step{Actor: 2, Label: "guest:check", Footprint: engine.Reads(1)})
	}
	return buf
}

func (s *windowSys) Execute(st engine.Step) *engine.Finding {
	switch st.Label {
	case "hv:freeze":
		s.frozen = true
	case "hv:active":
		s.frozen = false
	case "peer:kick":
		s.dropped = s.frozen
	case "guest:check":
		s.end = true
		if s.dropped {
			return &engine.Finding{Oracle: "lost-kick", Message: "the guest's request never completed"}
		}
	}
	switch st.Actor {
	case 0:
		s.hv++
	case 1:
		s.peer++
	}
	return nil
}

func (s *windowSys) NextTimer() (engine.VTime, bool) { return 0, false }
func (s *windowSys) Advance(engine.VTime)            {}
func (s *windowSys) ActorName(a int) string          { return []string{"hv", "peer", "guest"}[a] }
func (s *windowSys) Done() bool                      { return s.end && s.peer == len(windowPeer) }
func (s *windowSys) Finish() *engine.Finding         { return nil }

// windowRun records the kick in the freeze window: freeze (0), wait (1),
// await (2), kick (3), active (4), done (5), check (6).
func windowRun(t *testing.T) engine.Result {
	t.Helper()
	var sched []engine.Choice
	for _, l := range []string{"hv:freeze", "hv:wait", "peer:await", "peer:kick", "hv:active", "hv:done", "guest:check"} {
		sched = append(sched, engine.Choice{Index: 9, Label: l}) // no index: the label is looked up
	}
	res, err := engine.Run(windowFactory, 1, engine.NewLenientReplay(sched), engine.RunConfig{})
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	require.Equal(t, 6, res.Finding.Step, choiceLabels(res.Choices))
	return res
}

// A slice that places the peer's await but not its kick: while the
// hypervisor's wait, recorded before the await, is held back, both of
// CheckSlice's runs pick the kick at once (the reversed run too, since the
// kick was recorded after the wait), so the kick lands in the window
// without the slice placing it. The held run holds the kick back behind
// the hypervisor's steps and loses the finding: the kick's place is what
// the finding needs.
func TestCheckSlice_HeldRun(t *testing.T) {
	res := windowRun(t)
	for _, tc := range []struct {
		name  string
		slice []int
		held  []int
		kept  bool
		lost  string
	}{
		{name: "await placed, kick left out", slice: []int{0, 2, 6}, kept: true},
		{name: "await placed, kick held last", slice: []int{0, 2, 6}, held: []int{3}, lost: "held"},
		{name: "kick placed, await held last: pulled ahead of the kick", slice: []int{0, 3, 6}, held: []int{2}, kept: true},
		{name: "kick placed, the hypervisor's wait held last", slice: []int{0, 3, 6}, held: []int{1}, kept: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := checkSlice(windowFactory, 1, res, tc.slice, tc.held, 0)
			require.NoError(t, err)
			assert.Equal(t, tc.kept, got.Kept)
			assert.Equal(t, tc.lost, got.Lost)
		})
	}
	_, err := checkSlice(windowFactory, 1, res, []int{0, 6}, []int{6}, 0)
	assert.ErrorContains(t, err, "held step 6")
}

// NarrowSlice keeps the step whose place the finding needs, the kick, and
// drops the await its actor runs ahead of it; without the held run it
// kept the await and dropped the kick.
func TestNarrowSlice_KeepsTheKickNotTheAwait(t *testing.T) {
	res := windowRun(t)
	// Every step but the hypervisor's wait, which touches nothing the
	// others do.
	n, err := NarrowSlice(windowFactory, 1, res, []int{0, 2, 3, 4, 5, 6}, 0, 0)
	require.NoError(t, err)
	assert.Equal(t, []int{0, 3, 6}, n.Slice, "hv:freeze, peer:kick, guest:check")
	assert.True(t, n.Check.Kept)
	c, err := CheckSlice(windowFactory, 1, res, n.Slice, 0)
	require.NoError(t, err)
	assert.Equal(t, n.Check, c)
}
