package world_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

// TestCopyData_OpaqueMemberNotShared: a member whose state lives outside
// the process (an external device behind the device protocol, served
// in-process) cannot be copied by copying its proxy: the copy would drive
// the original's device. copyData refuses such a world, naming the member;
// were it ever to copy one, the original's members must stay as they were
// when the copy runs device events.
func TestCopyData_OpaqueMemberNotShared(t *testing.T) {
	s, err := catalog.CatalogScenario("smoke-migrate")
	require.NoError(t, err)
	tg, err := catalog.NewTarget(s, spec.Virtio14, nil, nil)
	require.NoError(t, err)
	tg.Member = servedFactory(t, blk.New, false)
	seed := engine.ScheduleSeed(1, 0)
	f, err := tg.Factory(seed)
	require.NoError(t, err)
	var w *world.World
	wrapped := func(st engine.Streams) (engine.System, error) {
		sys, err := f(st)
		if err == nil {
			w = sys.(*world.World)
		}
		return sys, err
	}
	checked := 0
	ch := chooserFunc(func(d *engine.Decision) (int, error) {
		if d.Index < 20 {
			return d.Index * 7 % len(d.Enabled), nil
		}
		c, err := w.CopyDataForTest()
		if err != nil {
			require.ErrorContains(t, err, "is an external device", "decision %d: refused for what it is, not by accident", d.Index)
			checked++
			return 0, errStop
		}
		before := w.MemberAccountsForTest()
		require.NotEmpty(t, before, "decision %d: members are built", d.Index)
		n := c.RunDevicesForTest(8)
		if n == 0 {
			return d.Index * 7 % len(d.Enabled), nil
		}
		require.Equal(t, before, w.MemberAccountsForTest(), "decision %d: %d device events of the copy changed the original's external members", d.Index, n)
		checked++
		return 0, errStop
	})
	_, err = engine.Run(wrapped, seed, ch, engine.RunConfig{MaxSteps: catalog.DefaultJudgeMaxSteps})
	if err != nil && !errors.Is(err, errStop) {
		require.NoError(t, err)
	}
	require.Positive(t, checked, "the run reaches a decision with device events pending")
}
