package devicetest

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// staleParts is a planted bug around the reference blk: DEV_PARTS_GET
// returns the parts of its first successful GET ever after.
type staleParts struct {
	member.Device
	first *[]byte
}

func (d staleParts) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if ev.Kind != member.EvAdmin || ev.Admin.Opcode != uint16(spec.OpDevPartsGet) {
		return fx
	}
	for i, c := range fx.Completions {
		if c.Tag != ev.Admin.Tag || c.Status != spec.StatusOK {
			continue
		}
		if *d.first == nil {
			*d.first = bytes.Clone(c.Result)
		}
		fx.Completions[i].Result = bytes.Clone(*d.first)
	}
	return fx
}

// TestRepeatedGetAfterAChange: a device whose DEV_PARTS_GET returns its
// first result again, whatever the driver changed since, fails DP-DEV-02's
// repeated-get-after-a-change, naming the part; the reference passes it.
func TestRepeatedGetAfterAChange(t *testing.T) {
	var dt Test
	for _, x := range All() {
		if x.name == "repeated-get-after-a-change" {
			dt = x
		}
	}
	require.NotNil(t, dt.run)
	rules := spec.DefaultRules(spec.Virtio14)
	ref := runCheck(dt, spec.Virtio14, rules, blk.New, extdevice.TypeBlk)
	assert.Empty(t, ref.Fails, "the reference device")
	assert.Positive(t, ref.Asserted)
	stale := runCheck(dt, spec.Virtio14, rules, func(c member.Config) member.Device {
		return staleParts{Device: blk.New(c), first: new([]byte)}
	}, extdevice.TypeBlk)
	require.Len(t, stale.Fails, 1)
	assert.Equal(t, []string{"DP-DEV-02"}, stale.Fails[0].Requirements)
	assert.Contains(t, stale.Fails[0].Message, "DEV_PARTS_GET(ALL) after the driver set queue_select to 1 between two stops: queue_select part 0000 (found: true), want 0100")
}
