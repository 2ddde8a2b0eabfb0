package member_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// TestQuiet: a quiet core formats no note and otherwise does what a noisy
// one does.
func TestQuiet(t *testing.T) {
	var fx [2]member.Effects
	for i, quiet := range []bool{false, true} {
		d := member.NewCore(member.Config{Edition: spec.Virtio14, VF: 1, Quiet: quiet}, echoType)
		fx[i] = d.Handle(member.Event{Kind: member.EventKind(99)}) // an unknown event: dropped with a note
	}
	require.NotEmpty(t, fx[0].Notes, "a noisy core notes the dropped event")
	assert.Empty(t, fx[1].Notes, "a quiet core does not")
	for _, f := range []func(member.Effects) any{
		func(e member.Effects) any { return e.ReadData }, func(e member.Effects) any { return e.Interrupts },
		func(e member.Effects) any { return e.Completions }, func(e member.Effects) any { return e.Timers },
		func(e member.Effects) any { return e.Steps },
	} {
		assert.Equal(t, f(fx[0]), f(fx[1]))
	}
}
