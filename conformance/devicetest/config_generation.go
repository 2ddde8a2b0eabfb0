package devicetest

import (
	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// configGenTests judge config_generation (PCI-DEV-08; virtio spec,
// "Common configuration structure layout": the device MUST present a
// changed config_generation after the driver has read a device-specific
// configuration value which has changed since any part of the
// device-specific configuration was last read). A driver reads it around
// its reads of the configuration (Linux's virtio_cread, through
// vp_generation) and reads again while it changed; one that never
// changes leaves a driver free to take a value torn by a change, or to
// miss the change. A migration moves the change about: a host-side change
// the device held while quiesced, or deferred in Freeze and found at the
// move to Active, must still show in config_generation.
func configGenTests() []Test {
	return []Test{
		{id: "PCI-DEV-08", name: "generation-changes-with-host-change", run: genChange(spec.ModeActive)},
		{id: "PCI-DEV-08", name: "generation-changes-with-change-while-quiesced", run: genChange(spec.ModeStop)},
		{id: "PCI-DEV-08", name: "generation-changes-with-change-in-freeze", blk: true, editions: draftOnly, run: genChange(spec.ModeFreeze)},
	}
}

// genCfg is config_generation's address in BAR0.
const genCfg = pcie.BAR0CommonCfg + uint64(spec.CfgConfigGeneration)

// genChange reads config_generation, changes the device configuration
// from the host side with the device in mode m (hostConfigChange: a
// virtio-blk resize, a virtio-net link going down), moves it back to
// Active and reads the changed field and config_generation again: it must
// differ from the first read. A device whose configuration does not show
// the change (a virtio-net device without VIRTIO_NET_F_STATUS, or one
// that ignores it: other tests judge that) leaves nothing to judge.
func genChange(m spec.Mode) func(c *harness.Check) {
	return func(c *harness.Check) {
		g, _ := c.Live()
		if c.Net && g.Offered()&(1<<spec.FeatureNetStatus) == 0 {
			c.Skipf("the device offers no VIRTIO_NET_F_STATUS: no host-side configuration change shows in its configuration")
		}
		field := func() []byte {
			if c.Net {
				return g.Read(pcie.BAR0DeviceCfg+netCfgStatus, 2)
			}
			return g.Read(blkConfig(harness.BlkCfgCapacity), 8)
		}
		gen0, before := g.Read(genCfg, 1)[0], field()
		if m != spec.ModeActive {
			g.MustMode(m)
			g.Run()
		}
		hostConfigChange(g)
		g.Run()
		if m != spec.ModeActive {
			g.MustMode(spec.ModeActive)
			g.Run()
		}
		after := field()
		if string(after) == string(before) {
			c.Skipf("the device configuration shows no change after the host-side one (%x): nothing for config_generation to tell", after)
		}
		gen1 := g.Read(genCfg, 1)[0]
		what := "a host-side configuration change"
		if m != spec.ModeActive {
			what += " while the device was in " + c.Ed.ModeName(m)
		}
		c.Expect(gen1 != gen0, "config_generation %d before %s and %d after it, with the device configuration changed (%x, then %x): want a changed generation",
			gen0, what, gen1, before, after)
	}
}
