package devicetest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// selectOnConfigWrite is a planted bug around the reference blk: a write of
// its device configuration also writes queue_select = 1.
type selectOnConfigWrite struct{ member.Device }

func (d selectOnConfigWrite) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if ev.Kind == member.EvTLP && ev.TLP.Kind == pcie.MemWrite && ev.TLP.Addr == harness.RigBAR0+blkConfig(harness.BlkCfgWriteback) {
		d.Device.Handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: harness.RigHost,
			Addr: harness.RigBAR0 + uint64(spec.CfgQueueSelect), Data: []byte{1, 0}}})
	}
	return fx
}

// dropSelectOne is a planted bug around the reference blk: it ignores a
// write of 1 to queue_select.
type dropSelectOne struct{ member.Device }

func (d dropSelectOne) Handle(ev member.Event) member.Effects {
	if ev.Kind == member.EvTLP && ev.TLP.Kind == pcie.MemWrite && ev.TLP.Addr == harness.RigBAR0+uint64(spec.CfgQueueSelect) &&
		string(ev.TLP.Data) == "\x01\x00" {
		return member.Effects{}
	}
	return d.Device.Handle(ev)
}

// TestTableChangeNamesRegisterAndPart: a table cell whose state read back
// did not change names the register written and the part or field the
// change must show in; one whose state changed names what changed.
func TestTableChangeNamesRegisterAndPart(t *testing.T) {
	defaults := func(*spec.Rules) {}
	dropSelect := func(c member.Config) member.Device { return dropSelectOne{blk.New(c)} }
	for _, tc := range []struct {
		ed    spec.Edition
		test  string
		rules func(*spec.Rules)
		f     member.Factory
		id    string
		says  string
	}{
		{spec.Virtio14, "table-stopped-common-config-write", defaults, dropSelect, "DP-DEV-10",
			"after queue_select (common configuration offset 22) written 1, the state read back did not change, " +
				"want it changed in the PCI_COMMON_CFG part of queue_select"},
		{spec.Draft2023, "table-stop-common-config-write", defaults, dropSelect, "DRAFT-PCI-01",
			"after queue_select (common configuration offset 22) written 1, the state read back did not change, " +
				"want it changed in the PCI_COMMON_CFG field"},
		{spec.Virtio14, "table-stopped-device-config-write", defaults,
			func(c member.Config) member.Device { return selectOnConfigWrite{blk.New(c)} }, "DP-DEV-10",
			"after virtio-blk writeback (device configuration offset 32) written with the other cache mode, the state read back changed " +
				"(PCI_COMMON_CFG part of queue_select), want it unchanged"},
	} {
		t.Run(tc.ed.String()+"/"+tc.test, func(t *testing.T) {
			var dt Test
			for _, x := range All() {
				if x.name == tc.test && x.AppliesTo(tc.ed) && len(x.editions) == 1 && x.editions[0] == tc.ed {
					dt = x
				}
			}
			require.NotNil(t, dt.run, "device test %s", tc.test)
			rules := spec.DefaultRules(tc.ed)
			tc.rules(&rules)
			c := runCheck(dt, tc.ed, rules, tc.f, extdevice.TypeBlk)
			require.NotEmpty(t, c.Fails)
			var msgs []string
			for _, f := range c.Fails {
				msgs = append(msgs, f.Message)
				assert.Equal(t, []string{tc.id}, f.Requirements, f.Message)
			}
			assert.Contains(t, msgs, tc.says)
		})
	}
}
