package ownerview

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/spec"
)

func TestOwnerViewModes(t *testing.T) {
	cases := []struct {
		name                     string
		v                        OwnerView
		stopped, frozen, running bool
	}{
		{"absent", OwnerView{Mode: spec.ModeStop}, false, false, false},
		{"active", OwnerView{Present: true, Mode: spec.ModeActive}, false, false, true},
		{"stop", OwnerView{Present: true, Mode: spec.ModeStop}, true, false, false},
		{"freeze", OwnerView{Present: true, Mode: spec.ModeFreeze}, true, true, false},
		{"stop, resume pending", OwnerView{Present: true, Mode: spec.ModeStop, ModePending: true,
			Pending: []spec.Mode{spec.ModeActive}}, false, false, false},
		{"active, stop pending", OwnerView{Present: true, Mode: spec.ModeActive, ModePending: true,
			Pending: []spec.Mode{spec.ModeStop}}, false, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.stopped, tc.v.Stopped(), "Stopped")
			assert.Equal(t, tc.frozen, tc.v.Frozen(), "Frozen")
			assert.Equal(t, tc.running, tc.v.Running(), "Running")
		})
	}
}

func TestHelpers(t *testing.T) {
	b, ok := ByteAt(0x10, []byte{1, 2, 3}, 0x12)
	assert.True(t, ok)
	assert.Equal(t, byte(3), b)
	_, ok = ByteAt(0x10, []byte{1, 2, 3}, 0x13)
	assert.False(t, ok)
	vf, ok := MemberOf(adminq.Command{Group: spec.GroupSRIOV, Member: 3})
	assert.True(t, ok)
	assert.Equal(t, 3, vf)
	_, ok = MemberOf(adminq.Command{Group: spec.GroupSRIOV})
	assert.False(t, ok)
	assert.Equal(t, uint64(0), LE64([]byte{1}))
	assert.Equal(t, uint64(0x0807060504030201), LE64([]byte{1, 2, 3, 4, 5, 6, 7, 8}))
	assert.True(t, (&ContextRead{Size: -1}).SizeMatches())
	assert.True(t, (&ContextRead{Size: 8, SizeExact: true, Chunks: 1, FirstChunk: 8}).SizeMatches())
	assert.False(t, (&ContextRead{Size: 8, SizeExact: true, Chunks: 2, FirstChunk: 8}).SizeMatches())
}
