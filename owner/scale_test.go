package owner

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// TestScaleRigTouchBuildsOneMemberEach checks that enabling VFs builds no
// member, that a touch builds exactly the one it reaches and reads what a
// VF shows (0xFFFF identity, num_queues 1), and that admin commands keep
// working at the highest VF number.
func TestScaleRigTouchBuildsOneMemberEach(t *testing.T) {
	for _, ed := range []spec.Edition{spec.Draft2023, spec.Virtio14} {
		t.Run(ed.String(), func(t *testing.T) {
			r, err := NewScaleRig(ScaleConfig{Edition: ed, VFs: 600, Factory: blk.New, Backing: blk.NewDisk(8, "t")})
			require.NoError(t, err)
			assert.Zero(t, r.Members())
			ids, nq, err := r.Touch(600)
			require.NoError(t, err)
			assert.Equal(t, uint32(0xffffffff), ids)
			assert.Equal(t, uint16(1), nq)
			assert.Equal(t, 1, r.Members())
			touched := 0
			require.NoError(t, r.TouchAll(func(int) { touched++ }))
			assert.Equal(t, 600, touched)
			assert.Equal(t, 600, r.Members())
			require.NoError(t, r.ListQuery())
			require.NoError(t, r.ListUse())
			require.NoError(t, r.SetMode(600, true))
			m, ok := r.PF.Member(600)
			require.True(t, ok)
			assert.Equal(t, spec.ModeStop, m.Status().Mode)
			require.NoError(t, r.SetMode(600, false))
			assert.Equal(t, spec.ModeActive, m.Status().Mode)
		})
	}
}

func TestScaleRigRejectsBadConfig(t *testing.T) {
	for _, c := range []ScaleConfig{
		{Edition: spec.Virtio14, VFs: 0, Factory: blk.New},
		{Edition: spec.Virtio14, VFs: 65536, Factory: blk.New},
		{Edition: spec.Virtio14, VFs: 4},
	} {
		_, err := NewScaleRig(c)
		assert.Error(t, err, "%+v", c)
	}
}

// TestMemberTable checks the paged member table: pages appear on first
// use, the count follows puts, the walk is in VF order whatever the order
// of building, clear drops everything.
func TestMemberTable(t *testing.T) {
	var tb memberTable
	assert.Nil(t, tb.get(1))
	f1, f2 := &fakeMember{vf: 1}, &fakeMember{vf: 65535}
	f3 := &fakeMember{vf: 300}
	tb.put(1, f1)
	tb.put(65535, f2)
	tb.put(300, f3) // built out of VF order
	tb.put(1, f1)
	assert.Equal(t, 3, tb.len())
	assert.Same(t, f1, tb.get(1))
	assert.Same(t, f2, tb.get(65535))
	assert.Nil(t, tb.get(2))
	pages := 0
	for _, p := range tb.pages {
		if len(p) > 0 {
			pages++
		}
	}
	assert.Equal(t, 3, pages)
	assert.Len(t, tb.pages, 256, "as many pages as VF 65535 needs")
	assert.Len(t, tb.pages[0], 2, "page 0 holds up to VF 1")
	var order []int
	for vf, m := range tb.all() {
		order = append(order, vf)
		assert.NotNil(t, m)
	}
	assert.Equal(t, []int{1, 300, 65535}, order, "members walk in VF order")
	tb.clear()
	assert.Zero(t, tb.len())
	assert.Nil(t, tb.get(65535))
}
