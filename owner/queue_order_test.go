package owner

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// startVFFLR makes VF vf start an FLR, so the fake member holds its admin
// replies until the FLR timer fires (DP-DEV-12).
func (w *world) startVFFLR(vf int) {
	w.host.Handle(Event{Target: Target(vf), Ev: member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgWrite,
		Addr: pcie.PCIeCapOffset + pcie.PCIeDevCtl, Data: []byte{0, 0x80}}}})
}

// TestAVQ_DEV_04_QueueOrder checks that a held reply delays the publication
// of the commands behind it, which still execute, and that every used entry
// appears in queue order.
func TestAVQ_DEV_04_QueueOrder(t *testing.T) {
	w := probed(t, spec.Virtio14, 2)
	w.startVFFLR(1)
	held, err := w.drv.Submit(cmd(opDMS, spec.GroupSRIOV, 1, 1), 0)
	require.NoError(t, err)
	second, err := w.drv.Submit(cmd(opDMS, spec.GroupSRIOV, 2, 1), 0)
	require.NoError(t, err)
	third, err := w.drv.Submit(cmd(opLQ, spec.GroupSRIOV, 0), 8)
	require.NoError(t, err)
	for len(w.host.steps) > 0 {
		w.host.RunOne()
	}
	assert.Equal(t, spec.ModeStop, w.fakes[2].mode, "the command behind the held one executed")
	assert.Equal(t, 3, w.pf.aq.InFlight(), "nothing published while the head is held")
	got, err := w.drv.q.Harvest()
	require.NoError(t, err)
	assert.Empty(t, got)

	w.host.RunUntilIdle() // the VF's FLR ends and releases the reply
	var order []uint64
	for _, tok := range []uint64{held, second, third} {
		c, err := w.drv.Wait(tok)
		require.NoError(t, err)
		assert.Equal(t, spec.StatusOK, c.Result.Status)
		order = append(order, c.Token)
	}
	assert.Equal(t, []uint64{held, second, third}, order)
	assert.Equal(t, 0, w.pf.aq.InFlight())
}

// TestPFFLRWithCommandsOutstanding is seed question 11: a PF FLR with admin
// commands outstanding. The commands never complete, the driver returns
// ErrOwnerReset instead of hanging, and every VF is gone.
func TestPFFLRWithCommandsOutstanding(t *testing.T) {
	w := probed(t, spec.Virtio14, 4)
	_, err := w.drv.CreateObject(2, spec.DevPartsObjTypeGet)
	require.NoError(t, err)
	w.startVFFLR(1)
	held, err := w.drv.Submit(cmd(opDMS, spec.GroupSRIOV, 1, 1), 0)
	require.NoError(t, err)
	queued, err := w.drv.Submit(cmd(opDMS, spec.GroupSRIOV, 3, 1), 0)
	require.NoError(t, err)
	for len(w.host.steps) > 0 {
		w.host.RunOne()
	}
	w.drv.FLR()
	assert.Equal(t, 4, w.host.Removed, "every VF removed")
	assert.Equal(t, 0, w.pf.NumVFs())
	_, exists := w.pf.Member(1)
	assert.False(t, exists)
	for _, tok := range []uint64{held, queued} {
		_, err := w.drv.Wait(tok)
		assert.ErrorIs(t, err, ErrOwnerReset)
	}
	assert.ErrorIs(t, w.drv.SetMode(2, true), ErrOwnerReset, "the driver stays failed until it probes again")
	w.host.RunUntilIdle()
	require.NoError(t, w.drv.Probe(), "after the FLR the PF can be probed again")
	assert.Empty(t, w.pf.admin.objects)
	r := w.raw(t, cmd(opDMS, spec.GroupSRIOV, 1, 1), 0)
	assert.Equal(t, spec.QInvalidGroup, r.Qualifier, "the SR-IOV group is gone")
}

// TestADM_DEV_03_FailedCommandChangesNothing is the property test: random
// command sequences (seeded), and after every command that failed, the
// owner's state and every member's digest and status are unchanged.
func TestADM_DEV_03_FailedCommandChangesNothing(t *testing.T) {
	for _, ed := range spec.Editions {
		t.Run(ed.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, uint64(ed)))
			w := probed(t, ed, 4, func(c *Config, _ *pcie.PFOptions) { c.GetLimit, c.SetLimit = 3, 3 })
			w.useAll(t)
			failures := 0
			for i := 0; i < 400; i++ {
				c := randomCommand(rng, ed)
				before := w.snapshot()
				r := w.raw(t, c, rng.IntN(3)*8)
				if r.Status != spec.StatusOK {
					failures++
					require.Equal(t, before, w.snapshot(), "command %d %v failed with %s/%s and changed state", i, c, r.Status, r.Qualifier)
				}
			}
			assert.Greater(t, failures, 50, "the generator must produce failures")
		})
	}
}

func randomCommand(rng *rand.Rand, ed spec.Edition) cmdT {
	ops := []uint16{0, 1, 7, 8, 9, 0xa, 0xb, 0xc, 0xd, 0xe, 0xf, 0x10, 0x11, 0x12, 2}
	c := cmdT{Opcode: ops[rng.IntN(len(ops))], Group: spec.GroupType(rng.IntN(3)), Member: uint64(rng.IntN(6))}
	switch rng.IntN(4) {
	case 0:
		c.Data = nil
	case 1:
		c.Data = []byte{byte(rng.IntN(3))}
	default:
		d := make([]byte, 8+rng.IntN(3)*8)
		d[0] = byte(rng.IntN(2))
		d[4] = byte(rng.IntN(4))
		if len(d) > 16 {
			d[16] = byte(rng.IntN(3))
		}
		if len(d) > 9 {
			d[8], d[9] = byte(rng.IntN(5)), byte(rng.IntN(5))
		}
		c.Data = d
	}
	if c.Opcode == 1 && rng.IntN(2) == 0 {
		c.Data = le64(rng.Uint64() & 0x3ffff)
	}
	return c
}
