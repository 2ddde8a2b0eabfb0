package devicetest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// changesOnENOMEM is a planted bug around the reference blk: after it
// fails a command with ENOMEM it sets queue_select to 1, which
// the parts read back show.
type changesOnENOMEM struct {
	member.Device
	c member.Config
}

func (d changesOnENOMEM) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	for _, c := range fx.Completions {
		if ev.Kind == member.EvAdmin && c.Tag == ev.Admin.Tag && c.Status == spec.StatusENOMEM {
			addr := d.c.BAR0 + pcie.BAR0CommonCfg + uint64(spec.CfgQueueSelect)
			d.Device.Handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: d.c.RID, Addr: addr, Data: []byte{1, 0}}})
		}
	}
	return fx
}

// TestENOMEMSideEffectBreaksAMust: a command failed with ENOMEM has no
// side effects, a MUST (AVQ-DEV-05: admin.tex, "If the device sets status
// to either VIRTIO_ADMIN_STATUS_EAGAIN or VIRTIO_ADMIN_STATUS_ENOMEM, then
// the command MUST NOT have any side effects"), not the SHOULD of other
// failures (ADM-DEV-04): the DP-DEV-15 test names AVQ-DEV-05 for a device
// that changes on one; the reference passes.
func TestENOMEMSideEffectBreaksAMust(t *testing.T) {
	dt := testNamed(t, "DP-DEV-15", "metadata-buffer-too-small")
	c := runCheck(dt, spec.Virtio14, spec.DefaultRules(spec.Virtio14), blk.New, extdevice.TypeBlk)
	assert.Empty(t, c.Fails, "the reference")
	c = runCheck(dt, spec.Virtio14, spec.DefaultRules(spec.Virtio14), func(cfg member.Config) member.Device {
		return changesOnENOMEM{blk.New(cfg), cfg}
	}, extdevice.TypeBlk)
	require.Len(t, c.Fails, 1)
	assert.Equal(t, []string{"AVQ-DEV-05"}, c.Fails[0].Requirements)
	assert.Equal(t, "the parts read back changed after DEV_PARTS_METADATA_GET failed with ENOMEM", c.Fails[0].Message)
}
