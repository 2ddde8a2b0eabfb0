package conformance_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
)

// dropsIRQs is a planted bug around the reference virtio-blk: after its
// first few interrupts it sends none, so the guest's wait for its
// requests ends with them outstanding, with or without migration (each
// device of a migrated run counts its own).
type dropsIRQs struct {
	member.Device
	left int
}

func (d *dropsIRQs) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if n := len(fx.Interrupts); n > 0 {
		if d.left < n {
			fx.Interrupts = nil
		}
		d.left -= n
	}
	return fx
}

// TestDeviceThatHangsTheGuest: a device whose guest's wait ends with
// requests outstanding fails a row whether or not that shows as a
// difference between the migrated run and the run without migration.
// When both runs hang alike (draft-2023 here), the catalog's judgement
// fails the row with the gave-up oracle; when the transparency oracle
// fails it and the run without migration hung too (virtio-1.4 here), the
// failure says the device fails the row without any migration, instead
// of leaving "the guest can tell it moved" to point at the migration;
// when that run went well, it says nothing more. The reference passes.
func TestDeviceThatHangsTheGuest(t *testing.T) {
	const stuck = "the guest's wait ended with requests outstanding: vcpu0: wait: 1 requests never completed"
	opts := []conformance.Option{conformance.Short(), conformance.ReplayDir(t.TempDir()), conformance.Scenarios("smoke-migrate")}
	ref, err := conformance.Check(conformance.FactoryDevice("builtin:blk", blk.New), opts...)
	require.NoError(t, err)
	for _, u := range ref.Units {
		if u.Kind == "row" {
			require.Equal(t, "pass", u.Verdict, u.Name)
		}
	}
	type want struct{ check, oracle, says string }
	for _, tc := range []struct {
		irqs int
		want map[string]want // unit: its one failure
	}{
		{1, map[string]want{
			"smoke-migrate/draft-2023": {"catalog row", "gave-up", stuck + ", and without migration too"},
			"smoke-migrate/virtio-1.4": {"catalog row", "transparent", "; the device fails this row without any migration: " + stuck},
		}},
		{2, map[string]want{
			"smoke-migrate/virtio-1.4": {"catalog row", "transparent", "the guest can tell it moved"},
		}},
	} {
		t.Run(fmt.Sprintf("interrupts after %d", tc.irqs), func(t *testing.T) {
			buggy := func(c member.Config) member.Device { return &dropsIRQs{Device: blk.New(c), left: tc.irqs} }
			rep, err := conformance.Check(conformance.FactoryDevice("drops-irqs", buggy), opts...)
			require.NoError(t, err)
			got := map[string]want{}
			for _, u := range rep.Units {
				if u.Kind != "row" || u.Verdict != "fail" {
					continue
				}
				require.Len(t, u.Failures, 1, u.Name)
				f := u.Failures[0]
				got[u.Name] = want{f.Check, f.Oracle, f.Message}
			}
			require.Len(t, got, len(tc.want))
			for name, w := range tc.want {
				g := got[name]
				require.Equal(t, w.check, g.check, name)
				require.Equal(t, w.oracle, g.oracle, name)
				require.Contains(t, g.says, w.says, name)
				if tc.irqs > 1 {
					require.NotContains(t, g.says, "without any migration", "%s: the run without migration went well", name)
				}
			}
		})
	}
}
