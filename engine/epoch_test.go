package engine

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stallSystem has one actor that runs one step, then waits for a release
// only an epoch gives (nothing else can wake it), then runs once more.
type stallSystem struct {
	steps, epochs int
	released      bool
}

func (s *stallSystem) Enabled(buf []Step) []Step {
	if s.steps == 0 || (s.steps == 1 && s.released) {
		buf = append(buf, Step{Actor: 0, Label: "a"})
	}
	return buf
}
func (s *stallSystem) Execute(Step) *Finding    { s.steps++; return nil }
func (s *stallSystem) NextTimer() (VTime, bool) { return 0, false }
func (s *stallSystem) Advance(VTime)            {}
func (s *stallSystem) Done() bool               { return s.steps == 2 }
func (s *stallSystem) Finish() *Finding         { return nil }
func (s *stallSystem) ActorName(int) string     { return "a" }
func (s *stallSystem) Epoch() bool {
	s.epochs++
	if s.released {
		return false
	}
	s.released = true
	return true
}

type advancesChooser struct{ seen []int }

func (c *advancesChooser) Choose(d *Decision) (int, error) {
	c.seen = append(c.seen, d.Advances)
	return 0, nil
}

func TestRunner_Epoch(t *testing.T) {
	sys := &stallSystem{}
	ch := &advancesChooser{}
	var trace bytes.Buffer
	res, err := NewRunner(RunConfig{Trace: &trace}).Run(sys, ch)
	require.NoError(t, err)
	assert.Nil(t, res.Finding, "the epoch releases the wait: no deadlock")
	assert.Equal(t, []int{0, 1}, ch.seen, "the epoch counts as a clock advance")
	assert.Equal(t, "1 t=0s a a\n2 t=0s a a\n", trace.String(), "and leaves no trace record")

	// Without the epoch the same system deadlocks.
	sys2 := &stallSystem{released: false}
	res2, err := NewRunner(RunConfig{}).Run(noEpoch{sys2}, &advancesChooser{})
	require.NoError(t, err)
	require.NotNil(t, res2.Finding)
	assert.Equal(t, OracleLive, res2.Finding.Oracle)
	assert.Equal(t, res.TraceHash, mustRunHash(t), "the trace hash is that of the same steps without an epoch")
}

// noEpoch hides the Epoch method.
type noEpoch struct{ s *stallSystem }

func (n noEpoch) Enabled(buf []Step) []Step { return n.s.Enabled(buf) }
func (n noEpoch) Execute(s Step) *Finding   { return n.s.Execute(s) }
func (n noEpoch) NextTimer() (VTime, bool)  { return n.s.NextTimer() }
func (n noEpoch) Advance(t VTime)           { n.s.Advance(t) }
func (n noEpoch) Done() bool                { return n.s.Done() }
func (n noEpoch) Finish() *Finding          { return n.s.Finish() }
func (n noEpoch) ActorName(i int) string    { return n.s.ActorName(i) }

// mustRunHash runs two steps of actor 0 labelled "a" with no epoch.
func mustRunHash(t *testing.T) uint64 {
	s := &stallSystem{released: true}
	res, err := NewRunner(RunConfig{}).Run(noEpoch{s}, &advancesChooser{})
	require.NoError(t, err)
	require.Nil(t, res.Finding)
	return res.TraceHash
}
