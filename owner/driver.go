package owner

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// Linux's command masks (the admin command bitmaps of
// drivers/virtio/virtio_pci_common.h): the legacy commands and the
// device-parts commands. LIST_QUERY ∧ (legacy | device parts) is what Linux sends as
// LIST_USE and keeps as supported_cmds.
const (
	LinuxLegacyMask   uint64 = 0x7C
	LinuxDevPartsMask uint64 = 0x3E780
	// DraftMask is the draft-2023 command set 0x7..0xd (no Linux driver
	// exists for it).
	DraftMask uint64 = 0x3F80
	// PageSize is the page size of the host (x86-64 Linux's PAGE_SIZE):
	// the unit of the buffers Linux's vfio-virtio gives DEV_PARTS_GET.
	PageSize = 4096
)

// DriverConfig places the owner driver's admin queue in host memory.
type DriverConfig struct {
	Edition spec.Edition
	// BAR0 is the PF's BAR0 address.
	BAR0 uint64
	// Ring is where the admin queue's rings go; QueueSize its size (0: the
	// largest the PF offers, at most 64).
	Ring      uint64
	QueueSize uint16
	// Buffers is where command buffers go: one slot of SlotSize bytes per
	// command in flight (default 1 MiB + 4 KiB, Linux's migration buffer
	// size plus room for headers).
	Buffers  uint64
	SlotSize uint64
	// MSIData is the data of the admin queue's MSI-X message.
	MSIData uint32
	// CapGroup is the group the capability commands are sent on: Self (the
	// zero value; Linux since commit 16c22c56d428, "virtio_pci: Use self
	// group type for cap commands") or SR-IOV (Linux from commit
	// bfcad518605d, which brought them, until then): the cap-group knob.
	CapGroup spec.GroupType
	// Observer, when set, sees every command the driver submits and every
	// completion it receives: what the host knows of its own commands (a
	// simulator keeps the owner's view of each member with it).
	Observer DriverObserver
}

// DriverObserver is told what the host learns through its admin queue.
// Both calls happen inside the driver call that caused them (Submit, Wait),
// so an observer sees them in the order the host did.
type DriverObserver interface {
	// Submitted is called once a command is on the queue and the PF was
	// kicked; tok is the token Wait takes.
	Submitted(tok uint64, c adminq.Command)
	// Received is called when the driver reads a completion from the used
	// ring (before Wait returns it).
	Received(c adminq.Completion)
}

// Driver is the owner driver a hypervisor uses (the role of Linux's
// virtio_pci admin code and vfio-virtio): it probes the PF, brings up the
// admin queue, negotiates the command list and the capabilities as Linux
// does, and issues admin commands, synchronously (Exec) or several in
// flight (Submit, Wait). All I/O goes through a HostPort and host memory.
type Driver struct {
	host HostPort
	mem  pcie.MemoryPort
	cfg  DriverConfig

	q         *adminq.DriverQueue
	aqIndex   uint16
	supported uint64
	listed    bool
	// capLimit is min(get, set) as set with DRIVER_CAP_SET; ids holds the
	// object ids in use (Linux's one IDA per PF, shared by GET and SET
	// objects and every VF).
	capLimit uint8
	// initErr is why the admin initialisation at DRIVER_OK left the driver
	// without the device-parts commands or objects (nil when it did not).
	initErr error
	ids     map[uint32]bool
	// done are the completions harvested and not yet waited for, in
	// harvest order (a handful: a list beats a map).
	done []adminq.Completion
	dead error
	// unfiltered lets tests send opcodes outside supported_cmds.
	unfiltered bool
	// le is the buffer a register write's value is encoded in: a host
	// port does not keep what MMIOWrite is given (HostPort).
	le [8]byte
}

// NewDriver returns a driver for the PF behind host; call Probe.
func NewDriver(host HostPort, mem pcie.MemoryPort, c DriverConfig) *Driver {
	if c.SlotSize == 0 {
		c.SlotSize = 1<<20 + 4096
	}
	return &Driver{host: host, mem: mem, cfg: c}
}

// SetHost replaces the driver's host port and returns the previous one. A
// host whose kernel sends admin commands from another context lends the
// driver to it: vfio-pci runs vfio-virtio's reset_done in the thread that
// reset the VF, and its OBJ_DESTROYs go through the same admin queue.
func (d *Driver) SetHost(h HostPort) HostPort {
	prev := d.host
	d.host = h
	return prev
}

func (d *Driver) common(f spec.CommonCfgField) uint64 {
	return d.cfg.BAR0 + pcie.BAR0CommonCfg + uint64(f)
}

func (d *Driver) read(f spec.CommonCfgField, n int) uint64 {
	return leValue(d.host.MMIORead(d.common(f), n))
}

func (d *Driver) write(f spec.CommonCfgField, n int, v uint64) {
	d.host.MMIOWrite(d.common(f), d.leScratch(v, n))
}

// leScratch encodes the low n bytes of v, little-endian, in d.le.
func (d *Driver) leScratch(v uint64, n int) []byte {
	b := d.le[:n]
	for i := range b {
		b[i] = byte(v >> (8 * i))
	}
	return b
}

// Probe resets the PF, negotiates VERSION_1, SR_IOV and ADMIN_VQ, sets the
// admin queue up and sets DRIVER_OK, then runs the admin initialisation at
// once, as Linux's vp_set_status does at DRIVER_OK (vp_modern_avq_activate):
// whether VFs exist or not. A failed initialisation is not a probe error —
// Linux's is void — it leaves the driver without the commands it could not
// enable; Migratable says why.
func (d *Driver) Probe() error {
	if err := d.probeTransport(); err != nil {
		return err
	}
	d.initErr = d.InitAdmin()
	return nil
}

// probeTransport is Probe without the admin initialisation. It programs
// BAR0 and enables memory decoding and bus mastering first, as firmware
// does at boot and Linux's state restore does after an FLR.
func (d *Driver) probeTransport() error {
	d.host.ConfigWrite(pcie.RegBAR0, 4, uint32(d.cfg.BAR0))
	d.host.ConfigWrite(pcie.RegBAR0+4, 4, uint32(d.cfg.BAR0>>32))
	d.host.ConfigWrite(pcie.RegCommand, 2, d.host.ConfigRead(pcie.RegCommand, 2)|uint32(pcie.CmdMemorySpace|pcie.CmdBusMaster))
	d.host.ConfigWrite(pcie.MSIXCapOffset+pcie.MSIXMsgCtl, 2, d.host.ConfigRead(pcie.MSIXCapOffset+pcie.MSIXMsgCtl, 2)|uint32(pcie.MSIXCtlEnable))
	// MSI-X vector 0 (the admin queue's): an x86 LAPIC address, data = the
	// PF's routing ID, so traces can tell whose interrupt it is.
	entry := make([]byte, pcie.MSIXEntrySize)
	binary.LittleEndian.PutUint64(entry, 0xfee00000)
	binary.LittleEndian.PutUint32(entry[8:], uint32(d.cfg.MSIData))
	d.host.MMIOWrite(d.cfg.BAR0+pcie.BAR0MSIXTable, entry)
	d.write(spec.CfgDeviceStatus, 1, 0)
	if s := d.read(spec.CfgDeviceStatus, 1); s != 0 {
		return fmt.Errorf("owner: probe: device_status reads %#x after reset, want 0", s)
	}
	d.write(spec.CfgDeviceStatus, 1, uint64(spec.StatusAcknowledge|spec.StatusDriver))
	var offered uint64
	for sel := uint64(0); sel < 2; sel++ {
		d.write(spec.CfgDeviceFeatureSelect, 4, sel)
		offered |= d.read(spec.CfgDeviceFeature, 4) << (32 * sel)
	}
	want := uint64(1<<spec.FeatureVersion1 | 1<<spec.FeatureAdminVQ | 1<<spec.FeatureSRIOV)
	if offered&want != want {
		return fmt.Errorf("owner: probe: device features %s lack VERSION_1, SR_IOV or ADMIN_VQ: %w", spec.Features(offered), ErrNoAdminQueue)
	}
	for sel := uint64(0); sel < 2; sel++ {
		d.write(spec.CfgDriverFeatureSelect, 4, sel)
		d.write(spec.CfgDriverFeature, 4, want>>(32*sel)&0xffffffff)
	}
	st := uint64(spec.StatusAcknowledge | spec.StatusDriver | spec.StatusFeaturesOK)
	d.write(spec.CfgDeviceStatus, 1, st)
	if d.read(spec.CfgDeviceStatus, 1)&uint64(spec.StatusFeaturesOK) == 0 {
		return fmt.Errorf("owner: probe: device refused FEATURES_OK")
	}
	idx := uint16(d.read(spec.CfgAdminQueueIndex, 2))
	num := uint16(d.read(spec.CfgAdminQueueNum, 2))
	nq := uint16(d.read(spec.CfgNumQueues, 2))
	if num == 0 {
		return fmt.Errorf("owner: probe: admin_queue_num 0: %w", ErrNoAdminQueue)
	}
	if idx < nq {
		return fmt.Errorf("owner: probe: admin_queue_index %d below num_queues %d (PCI-DEV-01)", idx, nq)
	}
	d.write(spec.CfgQueueSelect, 2, uint64(idx))
	size := uint16(d.read(spec.CfgQueueSize, 2))
	if d.cfg.QueueSize != 0 && d.cfg.QueueSize < size {
		size = d.cfg.QueueSize
	}
	if size > 64 {
		size = 64
	}
	l := virtq.NewLayout(d.cfg.Ring, size)
	q, err := adminq.NewDriverQueue(d.mem, 0, l, d.cfg.Buffers, d.cfg.SlotSize)
	if err != nil {
		return fmt.Errorf("owner: probe: %w", err)
	}
	d.write(spec.CfgQueueSize, 2, uint64(size))
	for _, a := range []struct {
		lo   spec.CommonCfgField
		addr uint64
	}{{spec.CfgQueueDescLo, l.Desc}, {spec.CfgQueueDriverLo, l.Avail}, {spec.CfgQueueDeviceLo, l.Used}} {
		d.write(a.lo, 4, a.addr&0xffffffff)
		d.write(a.lo+4, 4, a.addr>>32)
	}
	d.write(spec.CfgQueueMSIXVector, 2, 0)
	d.write(spec.CfgQueueEnable, 2, 1)
	d.write(spec.CfgDeviceStatus, 1, st|uint64(spec.StatusDriverOK))
	d.q, d.aqIndex, d.dead = q, idx, nil
	d.supported, d.listed, d.capLimit = 0, false, 0
	d.ids = map[uint32]bool{}
	clear(d.done)
	d.done = d.done[:0]
	return nil
}

// EnableVFs writes NumVFs and sets VF Enable (n = 0 clears VF Enable), as
// Linux's sriov_numvfs does: the admin initialisation is not run again
// (Linux runs it once, at the PF's DRIVER_OK).
func (d *Driver) EnableVFs(n uint16) error {
	ctl := uint16(d.host.ConfigRead(pcie.SRIOVCapOffset+pcie.SRIOVControl, 2))
	if n == 0 {
		d.host.ConfigWrite(pcie.SRIOVCapOffset+pcie.SRIOVControl, 2, uint32(ctl&^pcie.SRIOVCtlVFEnable))
		return nil
	}
	d.host.ConfigWrite(pcie.SRIOVCapOffset+pcie.SRIOVControl, 2, uint32(ctl&^pcie.SRIOVCtlVFEnable))
	d.host.ConfigWrite(pcie.SRIOVCapOffset+pcie.SRIOVNumVFs, 2, uint32(n))
	d.host.ConfigWrite(pcie.SRIOVCapOffset+pcie.SRIOVControl, 2, uint32(ctl|pcie.SRIOVCtlVFEnable|pcie.SRIOVCtlVFMSE))
	if got := d.host.ConfigRead(pcie.SRIOVCapOffset+pcie.SRIOVNumVFs, 2); got != uint32(n) {
		return fmt.Errorf("owner: enable %d VFs: NumVFs reads %d", n, got)
	}
	return nil
}

// FLR initiates a Function Level Reset of the PF (Device Control bit 15).
func (d *Driver) FLR() {
	ctl := d.host.ConfigRead(pcie.PCIeCapOffset+pcie.PCIeDevCtl, 2)
	d.host.ConfigWrite(pcie.PCIeCapOffset+pcie.PCIeDevCtl, 2, ctl|uint32(pcie.DevCtlInitiateFLR))
}

// InitAdmin runs the command-list and capability initialisation as Linux's
// virtio_pci_admin_cmd_list_init and virtio_pci_admin_cmd_cap_init do
// (drivers/virtio/virtio_pci_modern.c): an 8-byte LIST_QUERY for group
// SR-IOV, LIST_USE of its intersection with the driver's mask, kept as
// supported_cmds; then (virtio-1.4) CAP_ID_LIST_QUERY, DEVICE_CAP_GET(0) and
// DRIVER_CAP_SET with both limits = min(get, set), on the group of
// DriverConfig.CapGroup. As in Linux, a failed list initialisation does not
// stop the capability one: its commands are then refused by the driver
// itself (not in supported_cmds). The error says what failed first; the
// driver keeps what succeeded.
func (d *Driver) InitAdmin() error {
	d.supported, d.listed, d.capLimit = 0, false, 0
	listErr := d.initList()
	if d.cfg.Edition != spec.Virtio14 {
		return listErr
	}
	capErr := d.initCaps()
	if listErr != nil {
		return listErr
	}
	return capErr
}

func (d *Driver) initList() error {
	res, err := d.Exec(adminq.Command{Opcode: uint16(spec.OpListQuery), Group: spec.GroupSRIOV}, 8)
	if err != nil {
		return fmt.Errorf("owner: list query: %w", err)
	}
	mask := LinuxLegacyMask | LinuxDevPartsMask
	if d.cfg.Edition == spec.Draft2023 {
		mask = DraftMask
	}
	use := adminq.DecodeBitmap(adminq.BitmapOpcodes, d.cfg.Edition, res).Word(0) & mask
	if _, err := d.Exec(adminq.Command{Opcode: uint16(spec.OpListUse), Group: spec.GroupSRIOV,
		Data: adminq.Bitmap{Words: []uint64{use}}.Encode()}, 0); err != nil {
		return fmt.Errorf("owner: list use %#x: %w", use, err)
	}
	d.supported, d.listed = use, true
	return nil
}

func (d *Driver) initCaps() error {
	g := d.cfg.CapGroup
	caps, err := d.Exec(adminq.Command{Opcode: uint16(spec.OpCapIDListQuery), Group: g}, 8)
	if err != nil {
		return fmt.Errorf("owner: cap id list query (%s): %w", g, err)
	}
	if !adminq.DecodeBitmap(adminq.BitmapCaps, d.cfg.Edition, caps).Has(uint(spec.CapDevParts)) {
		return fmt.Errorf("owner: cap id list query (%s): no VIRTIO_DEV_PARTS_CAP", g)
	}
	lim, err := d.Exec(adminq.Command{Opcode: uint16(spec.OpDeviceCapGet), Group: g,
		Data: adminq.CapGet{ID: spec.CapDevParts}.Encode()}, 8)
	if err != nil {
		return fmt.Errorf("owner: device cap get (%s): %w", g, err)
	}
	l := adminq.DecodeDevPartsCap(lim)
	m := min(l.GetLimit, l.SetLimit)
	data := adminq.DriverCapSet{ID: spec.CapDevParts, Cap: adminq.DevPartsCap{GetLimit: m, SetLimit: m}}.Encode()
	if _, err := d.Exec(adminq.Command{Opcode: uint16(spec.OpDriverCapSet), Group: g, Data: data}, 0); err != nil {
		return fmt.Errorf("owner: driver cap set %d/%d (%s): %w", m, m, g, err)
	}
	d.capLimit = m
	return nil
}

// Supported is supported_cmds: the opcodes the driver will send besides
// LIST_QUERY and LIST_USE.
func (d *Driver) Supported() uint64 { return d.supported }

// HasDevParts reports what Linux's virtio_pci_admin_has_dev_parts does: all
// device-parts commands supported and an object limit above zero.
func (d *Driver) HasDevParts() bool {
	return d.supported&LinuxDevPartsMask == LinuxDevPartsMask && d.capLimit > 0
}

// Migratable reports whether the driver can migrate its VFs, decided once
// from the admin initialisation as Linux's vfio-virtio decides it at probe
// (drivers/vfio/pci/virtio/main.c: only a VF whose PF passes
// virtio_pci_admin_has_dev_parts gets migration ops): virtio-1.4 needs every
// device-parts command in supported_cmds and an object limit above zero
// (HasDevParts); draft-2023 every command of DraftMask. Otherwise the error
// is ErrNotMigratable, wrapping what the initialisation ran into.
func (d *Driver) Migratable() error {
	switch {
	case d.q == nil:
		return fmt.Errorf("owner: %w: %w", ErrNotMigratable, ErrNoAdminQueue)
	case d.cfg.Edition == spec.Draft2023 && d.supported&DraftMask == DraftMask,
		d.cfg.Edition == spec.Virtio14 && d.HasDevParts():
		return nil
	}
	why := d.initErr
	if why == nil {
		why = fmt.Errorf("supported_cmds %#x, object limit %d", d.supported, d.capLimit)
	}
	return fmt.Errorf("owner: %w: %w", ErrNotMigratable, why)
}

// ObjectLimit is min(get, set) as set with DRIVER_CAP_SET.
func (d *Driver) ObjectLimit() uint8 { return d.capLimit }

func (d *Driver) opName(op uint16) string {
	if d.cfg.Edition == spec.Draft2023 {
		return spec.DraftOpcode(op).String()
	}
	return spec.Opcode(op).String()
}

// Submit posts a command and kicks the PF without waiting. Opcodes other
// than LIST_QUERY and LIST_USE must be in supported_cmds (ErrNotSupported).
func (d *Driver) Submit(c adminq.Command, resultCap int) (uint64, error) {
	return d.submit(c, func() (uint64, error) { return d.q.Submit(c, resultCap) })
}

// submit checks c against supported_cmds, posts it with post and kicks the
// PF.
func (d *Driver) submit(c adminq.Command, post func() (uint64, error)) (uint64, error) {
	if d.dead != nil {
		return 0, d.dead
	}
	if d.q == nil {
		return 0, ErrNoAdminQueue
	}
	if !d.unfiltered && c.Opcode > 1 && (c.Opcode >= 64 || d.supported&bit(c.Opcode) == 0) {
		return 0, fmt.Errorf("owner: %s: %w", d.opName(c.Opcode), ErrNotSupported)
	}
	tok, err := post()
	if err != nil {
		return 0, fmt.Errorf("owner: %s: %w", d.opName(c.Opcode), err)
	}
	d.host.MMIOWrite(d.cfg.BAR0+pcie.BAR0Notify+uint64(d.aqIndex)*pcie.NotifyMultiplier, d.leScratch(uint64(d.aqIndex), 2))
	if d.cfg.Observer != nil {
		d.cfg.Observer.Submitted(tok, c)
	}
	return tok, nil
}

// Wait returns the completion of the command with token tok, waiting on the
// host port. If the PF can make no more progress without completing it, the
// error says why: ErrOwnerReset (device_status reads 0, or all ones during
// a PF FLR), ErrNeedsReset, or ErrNoCompletion.
func (d *Driver) Wait(tok uint64) (adminq.Completion, error) {
	for {
		if i := d.doneIndex(tok); i >= 0 {
			c := d.done[i]
			d.done = slices.Delete(d.done, i, i+1)
			return c, nil
		}
		if d.dead != nil {
			return adminq.Completion{}, d.dead
		}
		progressed, err := d.harvest()
		if err != nil {
			return adminq.Completion{}, err
		}
		if d.doneIndex(tok) >= 0 || progressed {
			continue
		}
		d.host.WaitAdmin()
		if progressed, err = d.harvest(); err != nil {
			return adminq.Completion{}, err
		}
		if progressed {
			continue
		}
		st := d.read(spec.CfgDeviceStatus, 1)
		switch {
		case st == 0 || st == 0xff:
			d.dead = ErrOwnerReset
		case st&uint64(spec.StatusDeviceNeedsReset) != 0:
			d.dead = ErrNeedsReset
		default:
			return adminq.Completion{}, fmt.Errorf("owner: command %d: %w", tok, ErrNoCompletion)
		}
	}
}

// doneIndex returns the index in done of the completion of the command
// with token tok, -1 if it has not been harvested.
func (d *Driver) doneIndex(tok uint64) int {
	return slices.IndexFunc(d.done, func(c adminq.Completion) bool { return c.Token == tok })
}

func (d *Driver) harvest() (bool, error) {
	n := len(d.done)
	done, err := d.q.AppendHarvest(d.done)
	d.done = done
	got := done[n:]
	for _, c := range got {
		if d.cfg.Observer != nil {
			d.cfg.Observer.Received(c)
		}
	}
	if err != nil {
		return len(got) > 0, fmt.Errorf("owner: harvest: %w", err)
	}
	return len(got) > 0, nil
}

// Exec submits a command, waits for it and returns its result data; a
// status other than OK is an *AdminError.
func (d *Driver) Exec(c adminq.Command, resultCap int) ([]byte, error) {
	tok, err := d.Submit(c, resultCap)
	if err != nil {
		return nil, err
	}
	return d.finish(c, tok)
}

// ExecPages is Exec with the result room in whole pages of PageSize bytes,
// one descriptor each, covering at least resultCap bytes (Linux's
// scatter-gather list for DEV_PARTS_GET).
func (d *Driver) ExecPages(c adminq.Command, resultCap int) ([]byte, error) {
	tok, err := d.submit(c, func() (uint64, error) { return d.q.SubmitPages(c, resultCap, PageSize) })
	if err != nil {
		return nil, err
	}
	return d.finish(c, tok)
}

func (d *Driver) finish(c adminq.Command, tok uint64) ([]byte, error) {
	comp, err := d.Wait(tok)
	if err != nil {
		return nil, fmt.Errorf("owner: %s: %w", d.opName(c.Opcode), err)
	}
	return resultOf(d.opName(c.Opcode), comp)
}

func resultOf(name string, comp adminq.Completion) ([]byte, error) {
	r := comp.Result
	if r.Status != spec.StatusOK {
		return nil, &AdminError{Opcode: comp.Command.Opcode, Name: name, Group: comp.Command.Group,
			Member: comp.Command.Member, Status: r.Status, Qualifier: r.Qualifier}
	}
	return r.Data, nil
}
