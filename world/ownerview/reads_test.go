package ownerview

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

type testEnv struct{ ed spec.Edition }

func (testEnv) Now() engine.VTime { return 0 }
func (e testEnv) Rules() spec.Rules {
	r, _ := spec.ParseRules(e.ed, nil)
	return r
}
func (e testEnv) Edition() spec.Edition { return e.ed }

// TestPartsReadSizeContext: a virtio-1.4 DEV_PARTS_GET(ALL) after a
// METADATA_GET(SIZE) carries the size, whether the member was stopped
// when the size was reported, and whether a write TLP reached the member
// from the size query's submission to the read (then the readback oracle
// does not judge the size: the member may have answered the query before
// the write and the read after it).
func TestPartsReadSizeContext(t *testing.T) {
	const vf = 1
	parts := devctx.EncodeParts([]devctx.Part{{Type: spec.PartDevFeatures, Value: make([]byte, 8)}})
	size := adminq.Command{Opcode: uint16(spec.OpDevPartsMetadataGet), Group: spec.GroupSRIOV, Member: vf,
		Data: append(make([]byte, 8), byte(spec.MetadataSize), 0, 0, 0, 0, 0, 0, 0)}
	get := adminq.Command{Opcode: uint16(spec.OpDevPartsGet), Group: spec.GroupSRIOV, Member: vf,
		Data: append(make([]byte, 8), byte(spec.PartsGetAll), 0, 0, 0, 0, 0, 0, 0)}
	stop := adminq.Command{Opcode: uint16(spec.OpDevModeSet), Group: spec.GroupSRIOV, Member: vf,
		Data: []byte{spec.DevModeFlagStopped}}
	doorbell := pcie.TLP{Kind: pcie.MemWrite, Addr: 0x3000, Data: []byte{0, 0}}
	for _, c := range []struct {
		name                   string
		stopped                bool
		writeAt                string // "", "after-submit" (before the size completion), "after-size"
		wantQuiesced, wantWrit bool
	}{
		{"running, nothing written", false, "", false, false},
		{"stopped, nothing written", true, "", true, false},
		{"stopped, doorbell before the size was received", true, "after-submit", true, true},
		{"stopped, doorbell after the size was received", true, "after-size", true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := NewRecord(testEnv{spec.Virtio14})
			if c.stopped {
				r.Submitted(stop)
				r.Received(vf, adminq.Completion{Command: stop}, true)
			}
			r.Submitted(size)
			if c.writeAt == "after-submit" {
				r.ObserveWrite(vf, doorbell, 0, false)
				r.ObserveNotify(vf)
			}
			r.Received(vf, adminq.Completion{Command: size, Result: adminq.Result{Data: devctx.MetadataSize{Size: uint32(len(parts))}.Encode()}}, true)
			if c.writeAt == "after-size" {
				r.ObserveWrite(vf, doorbell, 0, false)
				r.ObserveNotify(vf)
			}
			r.Submitted(get)
			_, rd := r.Received(vf, adminq.Completion{Command: get, Result: adminq.Result{Data: parts}}, true)
			require.NotNil(t, rd)
			assert.Equal(t, int64(len(parts)), rd.Size)
			assert.Equal(t, c.wantQuiesced, rd.SizeQuiesced)
			assert.Equal(t, c.wantWrit, rd.WrittenSinceSize)
			assert.Equal(t, c.wantWrit, rd.NotifiedSinceSize)

			// The next read has no size query before it.
			r.Submitted(get)
			_, rd = r.Received(vf, adminq.Completion{Command: get, Result: adminq.Result{Data: parts}}, true)
			require.NotNil(t, rd)
			assert.Equal(t, int64(-1), rd.Size)
			assert.False(t, rd.WrittenSinceSize)
			assert.False(t, rd.NotifiedSinceSize)
		})
	}
}

// TestResets: the host counts the FLRs and device resets it saw start for a
// member, and knows which are still in progress, without creating a record
// for a member it never heard of.
func TestResets(t *testing.T) {
	r := NewRecord(testEnv{spec.Draft2023})
	assert.False(t, r.Resetting(1))
	assert.Zero(t, r.Resets(1))
	assert.Empty(t, r.members, "asking creates no record")
	flr := pcie.TLP{Kind: pcie.CfgWrite, Addr: pcie.PCIeCapOffset + pcie.PCIeDevCtl, Data: []byte{0, 0x80}}
	r.ObserveWrite(1, flr, 0, false)
	assert.True(t, r.Resetting(1))
	assert.Equal(t, 1, r.Resets(1))
	r.ObserveWrite(1, pcie.TLP{Kind: pcie.MemWrite, Data: []byte{0}}, uint64(spec.CfgDeviceStatus), true)
	assert.Equal(t, 2, r.Resets(1))
	assert.Zero(t, r.Resets(2), "per member")
}
