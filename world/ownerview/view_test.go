package ownerview

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/spec"
)

// TestViewPendingKept: a view's Pending shares the record's array, so the
// modes it holds must not change when the record goes on (commands
// submitted, completed, submitted again); and a view allocates nothing.
func TestViewPendingKept(t *testing.T) {
	const vf = 1
	mode := func(m spec.Mode) adminq.Command {
		return draftModeSet(vf, m)
	}
	done := func(m spec.Mode) adminq.Completion { return adminq.Completion{Command: mode(m)} }
	r := NewRecord(testEnv{spec.Draft2023})
	assert.Equal(t, OwnerView{Present: true, Mode: spec.ModeActive}, r.View(vf, true), "a member the record never saw")
	assert.Equal(t, OwnerView{}, r.View(vf, false), "an absent member")

	r.Submitted(mode(spec.ModeStop))
	r.Submitted(mode(spec.ModeFreeze))
	v1 := r.View(vf, true)
	before, _ := r.Received(vf, done(spec.ModeStop), true)
	r.Submitted(mode(spec.ModeActive))
	r.Submitted(mode(spec.ModeStop))
	v2 := r.View(vf, true)
	r.Received(vf, done(spec.ModeFreeze), true)
	r.Submitted(mode(spec.ModeFreeze))
	v3 := r.View(vf, true)

	assert.Equal(t, []spec.Mode{spec.ModeStop, spec.ModeFreeze}, v1.Pending)
	assert.Equal(t, []spec.Mode{spec.ModeStop, spec.ModeFreeze}, before.Pending)
	assert.Equal(t, []spec.Mode{spec.ModeFreeze, spec.ModeActive, spec.ModeStop}, v2.Pending)
	assert.Equal(t, []spec.Mode{spec.ModeActive, spec.ModeStop, spec.ModeFreeze}, v3.Pending)
	assert.Equal(t, spec.ModeFreeze, v3.Mode)
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = r.View(vf, true) }), "View allocates")
}
