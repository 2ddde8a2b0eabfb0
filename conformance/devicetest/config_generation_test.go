package devicetest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// genRewriter answers host reads of config_generation with a value of
// its own: stuck shows the first value read ever after; afterFreeze shows,
// once the device left Freeze for Active, the value last shown before the
// Freeze (a device that bumps the generation for a change taken while
// live, but not for one it deferred in Freeze and finds at the move to
// Active).
type genRewriter struct {
	member.Device
	c           member.Config
	afterFreeze bool
	shown       int // -1: nothing shown yet
	held        bool
}

func (d *genRewriter) Handle(ev member.Event) member.Effects {
	mode := d.Device.Status().Mode
	fx := d.Device.Handle(ev)
	if d.afterFreeze && mode == spec.ModeFreeze && d.Device.Status().Mode == spec.ModeActive {
		d.held = true
	}
	if ev.Kind != member.EvTLP || ev.TLP.Kind != pcie.MemRead || ev.TLP.Addr != d.c.BAR0+genCfg || len(fx.ReadData) == 0 {
		return fx
	}
	switch {
	case d.shown < 0 || (d.afterFreeze && !d.held):
		d.shown = int(fx.ReadData[0])
	default:
		fx.ReadData = append([]byte(nil), fx.ReadData...)
		fx.ReadData[0] = byte(d.shown)
	}
	return fx
}

// TestConfigGeneration: the reference devices pass the config_generation
// units; a device whose generation never changes fails every one of them
// on PCI-DEV-08, and one that does not bump it for a change it deferred in
// Freeze fails the Freeze unit alone.
func TestConfigGeneration(t *testing.T) {
	units := []string{"generation-changes-with-host-change", "generation-changes-with-change-while-quiesced", "generation-changes-with-change-in-freeze"}
	wrap := func(afterFreeze bool) member.Factory {
		return func(c member.Config) member.Device {
			return &genRewriter{Device: blk.New(c), c: c, afterFreeze: afterFreeze, shown: -1}
		}
	}
	for _, tc := range []struct {
		name   string
		f      member.Factory
		typ    string
		failed []string
	}{
		{"reference blk", blk.New, extdevice.TypeBlk, nil},
		{"reference net", membernet.New, extdevice.TypeNet, nil},
		{"generation stuck", wrap(false), extdevice.TypeBlk, units},
		{"no bump for a change deferred in Freeze", wrap(true), extdevice.TypeBlk, units[2:]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var failed []string
			for _, name := range units {
				dt := testNamed(t, "PCI-DEV-08", name)
				eds := dt.editions
				if eds == nil {
					eds = spec.Editions
				}
				for _, ed := range eds {
					if tc.typ == extdevice.TypeNet && dt.blk {
						continue
					}
					res := Run(dt, ed, spec.DefaultRules(ed), tc.f, tc.typ)
					require.NoError(t, res.Fatal, "%s/%s", name, ed)
					assert.Empty(t, res.Skipped, "%s/%s: the unit judges", name, ed)
					for _, fl := range res.Failures {
						assert.Equal(t, []string{"PCI-DEV-08"}, fl.Requirements, "%s/%s: %s", name, ed, fl.Message)
						assert.Contains(t, fl.Message, "config_generation", "%s/%s", name, ed)
						if len(failed) == 0 || failed[len(failed)-1] != name {
							failed = append(failed, name)
						}
					}
				}
			}
			assert.Equal(t, tc.failed, failed)
		})
	}
}
