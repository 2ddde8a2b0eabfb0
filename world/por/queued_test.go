package por

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/member"
)

// TestQueued_HashKept: a pending event's kept hash is the one computed
// again from its event and label; events that differ in either hash
// apart; an event or label changed after its hash was taken (which
// nothing may do) is caught by comparing the kept hash with a fresh one;
// and a run that never asks for the hash never takes it.
func TestQueued_HashKept(t *testing.T) {
	step := member.Event{Kind: member.EvStep, Step: member.Step{Kind: member.StepAdmin, Tag: 3}}
	timer := member.Event{Kind: member.EvTimer, Timer: member.TimerFLR}
	for _, c := range []struct {
		name  string
		a, b  Queued
		equal bool
	}{
		{"the same", NewQueued(step, "src.vf1:admin"), NewQueued(step, "src.vf1:admin"), true},
		{"another label", NewQueued(step, "src.vf1:admin"), NewQueued(step, "src.vf2:admin"), false},
		{"another event", NewQueued(step, "x"), NewQueued(timer, "x"), false},
	} {
		assert.Equal(t, c.a.Hash(true), c.a.Hash(false), c.name)
		assert.Equal(t, c.equal, c.a.Hash(false) == c.b.Hash(false), c.name)
	}
	q := NewQueued(step, "src.vf1:admin")
	assert.False(t, q.hashed, "not hashed before a state hash asks")
	kept := q.Hash(false)
	q.Label = "src.vf1:other"
	assert.Equal(t, kept, q.Hash(false), "the hash is kept once taken")
	assert.NotEqual(t, q.Hash(true), q.Hash(false), "a change after the hash was taken is caught")
}
