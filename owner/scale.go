package owner

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// Addresses of a ScaleRig: the PF's BAR0, the VF BAR window and the owner
// driver's admin queue in host memory.
const (
	scalePFRID  pcie.RID = 0x0100
	scalePFBAR0          = 0xd000_0000
	scaleVFBAR0 uint64   = 0x1_0000_0000
	scaleRing            = 0x10000
	scaleBufs            = 0x100000
	scaleSlot            = 1 << 16
)

// ScaleConfig builds a ScaleRig.
type ScaleConfig struct {
	Edition spec.Edition
	// VFs is how many VFs are enabled (1..65535).
	VFs int
	// Factory builds each member (the reference virtio-blk when nil is not
	// allowed: the owner package does not import a device type).
	Factory member.Factory
	// Backing is the resource every member shares (a *blk.Disk for blk),
	// as the world shares one disk between all VFs of a host.
	Backing any
}

// ScaleRig is a PF with many VFs, driven in-process: the owner driver
// probes the PF and enables the VFs, Touch reaches one VF as a guest would
// first reach it. It measures what VFs cost (memory per touched VF; admin
// command cost against the member count); `migsim bench vfs` and the
// owner benchmarks use it.
type ScaleRig struct {
	PF     *PF
	Host   *SyncHost
	Driver *Driver
	mem    *virtq.GuestMemory
}

// NewScaleRig builds the PF (TotalVFs = NumVFs = c.VFs, VF BARs at
// 0x1_0000_0000), probes it with the owner driver and enables the VFs,
// admin initialisation included. No member is built yet.
func NewScaleRig(c ScaleConfig) (*ScaleRig, error) {
	if c.VFs < 1 || c.VFs > 0xffff {
		return nil, fmt.Errorf("owner: scale rig: %d VFs, want 1..65535", c.VFs)
	}
	if c.Factory == nil {
		return nil, fmt.Errorf("owner: scale rig: a member factory is required")
	}
	cs, err := pcie.NewPFConfig(pcie.PFOptions{RID: scalePFRID, DeviceID: spec.PCIDeviceVirtioBlk,
		TotalVFs: uint16(c.VFs), FirstVFOffset: 1, VFStride: 1, MSIXVectors: 2})
	if err != nil {
		return nil, fmt.Errorf("owner: scale rig: %w", err)
	}
	for _, wr := range []struct {
		off int
		v   uint32
	}{
		{pcie.SRIOVCapOffset + pcie.SRIOVVFBAR0, uint32(scaleVFBAR0 & 0xffffffff)},
		{pcie.SRIOVCapOffset + pcie.SRIOVVFBAR0 + 4, uint32(scaleVFBAR0 >> 32)},
	} {
		if _, err := cs.Write(wr.off, 4, wr.v); err != nil {
			return nil, fmt.Errorf("owner: scale rig: firmware: %w", err)
		}
	}
	r := &ScaleRig{mem: virtq.NewGuestMemory()}
	tmpl := member.Config{Edition: c.Edition, Mem: r.mem, Backing: c.Backing}
	pf, err := New(Config{Edition: c.Edition, Config: cs, Mem: r.mem, NumQueues: 1,
		NewMember: FromFactory(c.Factory, tmpl)})
	if err != nil {
		return nil, fmt.Errorf("owner: scale rig: %w", err)
	}
	r.PF = pf
	r.Host = NewSyncHost(pf)
	r.Driver = NewDriver(r.Host, r.mem, DriverConfig{Edition: c.Edition, BAR0: scalePFBAR0,
		Ring: scaleRing, Buffers: scaleBufs, SlotSize: scaleSlot})
	if err := r.Driver.Probe(); err != nil {
		return nil, fmt.Errorf("owner: scale rig: %w", err)
	}
	if err := r.Driver.EnableVFs(uint16(c.VFs)); err != nil {
		return nil, fmt.Errorf("owner: scale rig: %w", err)
	}
	r.Forget()
	return r, nil
}

// Touch reaches VF vf as a guest's first look at it does: a configuration
// read of Vendor ID and Device ID (one dword; a VF reads 0xFFFF there) and
// a read of num_queues from the virtio common configuration in the VF's
// BAR0. The member is built by the first of them. It returns what the two
// reads returned and checks them.
func (r *ScaleRig) Touch(vf int) (ids uint32, numQueues uint16, err error) {
	s, _ := r.PF.sriov()
	t := Target(vf)
	fx := r.PF.Handle(Event{Target: t, Ev: member.Event{Kind: member.EvTLP, TLP: pcie.TLP{
		Kind: pcie.CfgRead, Requester: r.Host.Requester, Completer: s.VFRID(r.PF.RID(), vf), Addr: pcie.RegVendorID, Len: 4}}})
	if len(fx.ReadData) != 4 {
		return 0, 0, fmt.Errorf("owner: touch vf%d: config read returned %d bytes", vf, len(fx.ReadData))
	}
	ids = binary.LittleEndian.Uint32(fx.ReadData)
	addr := s.VFBAR0Addr(vf) + pcie.BAR0CommonCfg + uint64(spec.CfgNumQueues)
	fx = r.PF.Handle(Event{Target: t, Ev: member.Event{Kind: member.EvTLP, TLP: pcie.TLP{
		Kind: pcie.MemRead, Requester: r.Host.Requester, Completer: s.VFRID(r.PF.RID(), vf), Addr: addr, Len: 2}}})
	if len(fx.ReadData) != 2 {
		return 0, 0, fmt.Errorf("owner: touch vf%d: common config read returned %d bytes", vf, len(fx.ReadData))
	}
	numQueues = binary.LittleEndian.Uint16(fx.ReadData)
	if ids != uint32(pcie.VFInvalidID)|uint32(pcie.VFInvalidID)<<16 || numQueues == 0 {
		return ids, numQueues, fmt.Errorf("owner: touch vf%d: ids %#x, num_queues %d", vf, ids, numQueues)
	}
	return ids, numQueues, nil
}

// TouchAll touches VFs 1..n in order (Touch) and calls each(vf) after
// each one, for a caller that samples memory as the members appear.
func (r *ScaleRig) TouchAll(each func(vf int)) error {
	n := r.PF.NumVFs()
	for vf := 1; vf <= n; vf++ {
		if _, _, err := r.Touch(vf); err != nil {
			return err
		}
		if each != nil {
			each(vf)
		}
	}
	return nil
}

// Members is how many members the PF has built so far.
func (r *ScaleRig) Members() int { return r.PF.members.len() }

// ListQuery sends LIST_QUERY for group SR-IOV and waits for it.
func (r *ScaleRig) ListQuery() error {
	_, err := r.Driver.Exec(adminq.Command{Opcode: uint16(spec.OpListQuery), Group: spec.GroupSRIOV}, 8)
	r.Forget()
	return err
}

// ListUse sends LIST_USE for group SR-IOV with the list the driver uses.
func (r *ScaleRig) ListUse() error {
	_, err := r.Driver.Exec(adminq.Command{Opcode: uint16(spec.OpListUse), Group: spec.GroupSRIOV,
		Data: adminq.Bitmap{Words: []uint64{r.Driver.Supported()}}.Encode()}, 0)
	r.Forget()
	return err
}

// SetMode stops (or resumes) VF vf through the admin queue, in the rig's
// edition: DEV_MODE_SET with the stopped flag (virtio-1.4) or mode Stop /
// Active (draft-2023).
func (r *ScaleRig) SetMode(vf int, stopped bool) error {
	var err error
	if r.Driver.cfg.Edition == spec.Draft2023 {
		m := spec.ModeActive
		if stopped {
			m = spec.ModeStop
		}
		err = r.Driver.DraftSetMode(vf, m)
	} else {
		err = r.Driver.SetMode(vf, stopped)
	}
	r.Forget()
	return err
}

// Forget drops the interrupts and notes the host collected, so that a long
// run keeps no history.
func (r *ScaleRig) Forget() {
	r.Host.Interrupts = r.Host.Interrupts[:0]
	r.Host.Notes = r.Host.Notes[:0]
}
