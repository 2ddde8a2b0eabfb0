package ownerview

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// TestObserved: an access Observed leaves out never changes StateHash
// (ObserveWrite; ObserveStatusRead for the reads the world passes on),
// from records in every state the hypervisor can read, so the world may
// declare only Observed accesses as writing the record. The accesses
// Observed names do change it from a fresh member.
func TestObserved(t *testing.T) {
	const vf = 1
	stop := adminq.Command{Opcode: uint16(spec.OpDevModeSet), Group: spec.GroupSRIOV, Member: vf, Data: []byte{spec.DevModeFlagStopped}}
	flrData := []byte{0, byte(pcie.DevCtlInitiateFLR >> 8)}
	flr := pcie.TLP{Kind: pcie.CfgWrite, Addr: pcie.PCIeCapOffset + pcie.PCIeDevCtl, Data: flrData}
	reset := pcie.TLP{Kind: pcie.MemWrite, Data: []byte{0}}
	states := []struct {
		name string
		set  func(r *Record)
	}{
		{"fresh", func(*Record) {}},
		{"stopped", func(r *Record) { r.Submitted(stop); r.Received(vf, adminq.Completion{Command: stop}, true) }},
		{"stop outstanding", func(r *Record) { r.Submitted(stop) }},
		{"FLR in progress", func(r *Record) { r.ObserveWrite(vf, flr, 0, false) }},
		{"reset in progress", func(r *Record) { r.ObserveWrite(vf, reset, uint64(spec.CfgDeviceStatus), true) }},
	}
	kinds := []pcie.TLPKind{pcie.CfgWrite, pcie.CfgRead, pcie.MemWrite, pcie.MemRead}
	offsets := []uint64{0, uint64(spec.CfgDeviceStatus), uint64(spec.CfgDeviceStatus) + 1, pcie.PCIeCapOffset + pcie.PCIeDevCtl,
		pcie.PCIeCapOffset + pcie.PCIeDevCtl + 1, 0x3000}
	rng := rand.New(rand.NewPCG(1, 2))
	checked := 0
	for _, ed := range spec.Editions {
		for _, st := range states {
			for _, kind := range kinds {
				for _, off := range offsets {
					for _, inCfg := range []bool{false, true} {
						for range 8 {
							data := make([]byte, 1+rng.IntN(4))
							for i := range data {
								data[i] = byte(rng.IntN(4)) * 0x40 // 0x00, 0x40, 0x80 (Initiate FLR's byte), 0xc0
							}
							tlp := pcie.TLP{Kind: kind, Addr: off, Data: data}
							if Observed(tlp, off, inCfg) {
								continue
							}
							r := NewRecord(testEnv{ed})
							st.set(r)
							before := r.StateHash()
							r.ObserveWrite(vf, tlp, off, inCfg)
							r.ObserveNotify(vf)
							assert.Equal(t, before, r.StateHash(), "%s %s: %s at %#x (in common config: %v) %x", ed, st.name, kind, off, inCfg, data)
							checked++
						}
					}
				}
			}
		}
	}
	assert.Greater(t, checked, 1000)
	for _, tc := range []struct {
		name  string
		tlp   pcie.TLP
		off   uint64
		inCfg bool
	}{
		{"Initiate FLR", flr, 0, false},
		{"a write of 0 to device_status", reset, uint64(spec.CfgDeviceStatus), true},
	} {
		assert.True(t, Observed(tc.tlp, tc.off, tc.inCfg), tc.name)
		r := NewRecord(testEnv{spec.Virtio14})
		r.Submitted(stop)
		r.Received(vf, adminq.Completion{Command: stop}, true)
		before := r.StateHash()
		r.ObserveWrite(vf, tc.tlp, tc.off, tc.inCfg)
		assert.NotEqual(t, before, r.StateHash(), tc.name)
	}
	read := pcie.TLP{Kind: pcie.MemRead, Len: 1}
	assert.True(t, Observed(read, uint64(spec.CfgDeviceStatus), true), "a read of device_status may end a reset")
	r := NewRecord(testEnv{spec.Virtio14})
	r.ObserveWrite(vf, reset, uint64(spec.CfgDeviceStatus), true)
	before := r.StateHash()
	r.ObserveStatusRead(vf)
	assert.NotEqual(t, before, r.StateHash(), "the reset ended")
}
