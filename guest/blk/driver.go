package blk

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// The default memory plan (DefaultPlan): each queue gets a 64 KiB window
// for its rings from 1 MiB up; request buffers come from a 16 MiB window at
// 16 MiB, through a bump allocator.
const (
	guestRingBase   = 0x0010_0000
	guestRingStride = 0x0001_0000
	guestBufBase    = 0x0100_0000
	guestBufSize    = 0x0100_0000
	sectorSize      = 512
)

// DefaultPlan is the memory plan of a lone driver with the given number of
// queues: rings at 1 MiB + q·64 KiB (64 KiB each), buffers in [16 MiB,
// 32 MiB). The world's allocator hands its first driver exactly this plan.
func DefaultPlan(queues int) guest.MemoryPlan {
	p := guest.MemoryPlan{Buffers: guest.Region{Base: guestBufBase, Size: guestBufSize}}
	for q := 0; q < max(queues, 1); q++ {
		p.Rings = append(p.Rings, guest.Region{Base: guestRingBase + uint64(q)*guestRingStride, Size: guestRingStride})
	}
	return p
}

// virtio-blk request types.
const (
	blkTIn    = 0
	blkTOut   = 1
	blkTFlush = 4
	blkTGetID = 8
)

// Driver is a virtio-pci block driver modelled on Linux's
// virtio_pci_modern and virtio_blk: it probes the device (reset, negotiate,
// queue setup writing each 64-bit field as lo then hi, DRIVER_OK), runs block
// requests, and records everything the guest can observe in its log (Log),
// which the transparent oracle compares with a run without migration. It is
// the guest.Driver of virtio-blk VFs (Info).
type Driver struct {
	bus    guest.Bus
	plan   guest.MemoryPlan
	queues []*guestQueue
	// features are the features negotiated at the last probe.
	features spec.Features
	// wantQueues is how many request queues the driver sets up.
	wantQueues int
	// shadow is what the guest believes the disk holds, sector by sector.
	shadow map[uint64]byte
	// capacity is the guest's view of the disk size (updated on a
	// config-change interrupt, as virtio_blk does).
	capacity uint64
	// pcieCap, msixCap are configuration-space offsets found at probe.
	pcieCap, msixCap uint16
	nextBuf          uint64
	// pendingCfg counts config-change interrupts not yet handled.
	pendingCfg int
	// done holds, per queue, the log lines of completions harvested since
	// the last flush: the order of completions across queues (and of
	// interrupts) depends on the schedule even without migration, so Flush
	// writes them queue by queue, each queue in its used-ring order.
	done [][]string
	// doneTrouble holds, per queue, the troubles of the lines in done
	// (guest.Trouble), flushed with them.
	doneTrouble [][]guest.Trouble
	// log is the guest-visible history (Log); the recorder holds the
	// troubles among its lines (Trouble).
	log     []string
	trouble guest.TroubleRecorder
	// Failed is set when the driver gave up on the device (FEATURES_OK
	// refused, a request failed, data did not match).
	Failed []string
	// acked are the features the last probe wrote before FEATURES_OK; a
	// probe cut after that write (ProbePart) reads FEATURES_OK back with
	// them.
	acked uint64
	// scratch is the buffer the driver fills guest memory from and reads
	// it into (guest memory keeps neither), grown as needed.
	scratch []byte
}

// minScratch is the scratch buffer's first size: eight sectors, a
// request of 4 KiB.
const minScratch = 8 * sectorSize

// buf returns n bytes of the driver's scratch buffer (not zeroed).
func (g *Driver) buf(n int) []byte {
	if cap(g.scratch) < n {
		g.scratch = make([]byte, max(n, minScratch))
	}
	return g.scratch[:n]
}

type guestQueue struct {
	index    uint16
	ring     *virtq.DriverRing
	notify   uint64
	notifyV  uint16 // value written to the notify address
	inflight map[uint16]*guestReq
	// order lists inflight heads in submission order.
	order []uint16
}

type guestReq struct {
	op      string
	typ     uint32
	sector  uint64
	count   int
	data    uint64 // guest address of the data buffer
	status  uint64 // guest address of the status byte
	pattern byte
	done    bool
}

// New returns a driver that will set up queues request queues in the
// default memory plan (DefaultPlan).
func New(bus guest.Bus, queues int) *Driver {
	return NewWithPlan(bus, DefaultPlan(queues))
}

// NewWithPlan returns a driver that sets up one request queue per ring
// region of plan (at least one) and takes its request buffers from
// plan.Buffers only.
func NewWithPlan(bus guest.Bus, plan guest.MemoryPlan) *Driver {
	if len(plan.Rings) == 0 {
		plan.Rings = DefaultPlan(1).Rings
	}
	return &Driver{bus: bus, plan: plan, wantQueues: len(plan.Rings), shadow: map[uint64]byte{}, nextBuf: plan.Buffers.Base}
}

// Rebind implements guest.Rebinder: the driver's state but its bus is
// data, its queues' rings reach the bus's memory.
func (g *Driver) Rebind(bus guest.Bus) {
	g.bus = bus
	for _, q := range g.queues {
		if q != nil && q.ring != nil {
			q.ring.SetMemory(bus.Memory())
		}
	}
}

// Plan is the guest memory the driver uses.
func (g *Driver) Plan() guest.MemoryPlan { return g.plan }

func (g *Driver) logf(format string, args ...any) {
	g.log = append(g.log, fmt.Sprintf(format, args...))
}

// fail logs a command the driver gave up on ("FAIL " and the message,
// whose text up to its first ": " names the command) as guest.GaveUp.
func (g *Driver) fail(format string, args ...any) { g.failed(guest.GaveUp, 0, format, args...) }

// unprepared logs a command the driver gave up on because it had not set
// up the queue the command needs (guest.Trouble.Unprepared).
func (g *Driver) unprepared(format string, args ...any) {
	g.fail(format, args...)
	g.trouble.MarkLastUnprepared()
}

// failed logs a command the driver gave up on as a trouble of kind k
// whose command needs the features needs.
func (g *Driver) failed(k guest.TroubleKind, needs spec.Features, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	g.Failed = append(g.Failed, msg)
	line := "FAIL " + msg
	g.log = append(g.log, line)
	cmd, _, _ := strings.Cut(msg, ": ")
	g.trouble.Record(guest.Trouble{Kind: k, Line: line, Command: cmd, Needs: needs, Negotiated: g.features})
}

// cc is the driver's access to the common configuration.
func (g *Driver) cc() guest.CommonCfg { return guest.CommonCfg{Bus: g.bus} }

func (g *Driver) w8(f spec.CommonCfgField, v uint8)   { g.cc().W8(f, v) }
func (g *Driver) w16(f spec.CommonCfgField, v uint16) { g.cc().W16(f, v) }
func (g *Driver) w32(f spec.CommonCfgField, v uint32) { g.cc().W32(f, v) }
func (g *Driver) r8(f spec.CommonCfgField) uint8      { return g.cc().R8(f) }
func (g *Driver) r16(f spec.CommonCfgField) uint16    { return g.cc().R16(f) }
func (g *Driver) r32(f spec.CommonCfgField) uint32    { return g.cc().R32(f) }

func pad(b []byte, n int) []byte { return guest.Pad(b, n) }

// alloc takes n bytes (rounded up to 16) of the buffer region. When the
// region is used up and no request is in flight it starts again from its
// base; otherwise ok is false.
func (g *Driver) alloc(n uint64) (addr uint64, ok bool) {
	n = (n + 15) &^ 15
	if !g.plan.Buffers.Contains(g.nextBuf, n) {
		if g.Outstanding() > 0 || !g.plan.Buffers.Contains(g.plan.Buffers.Base, n) {
			return 0, false
		}
		g.nextBuf = g.plan.Buffers.Base
	}
	a := g.nextBuf
	g.nextBuf += n
	return a, true
}

// findCaps walks the capability list for the PCIe and MSI-X capabilities,
// as Linux's pci_find_capability does (each read a visible access).
func (g *Driver) findCaps() {
	if g.pcieCap != 0 {
		return
	}
	g.pcieCap, g.msixCap = guest.FindCaps(g.bus)
}

// reset writes 0 to device_status and polls until it reads 0 (PCI-DEV-03).
func (g *Driver) reset() bool {
	if guest.ResetDevice(g.cc()) {
		g.queues = nil
		return true
	}
	g.fail("reset: device_status never read 0")
	return false
}

func (g *Driver) setupQueue(q uint16) bool {
	sq, err := guest.SetupQueue(g.cc(), q, q+1, g.plan.Rings[q], g.features.Has(spec.FeatureNotifConfigData))
	if err != nil {
		g.fail("%v", err)
		return false
	}
	g.queues = append(g.queues, &guestQueue{index: q, ring: sq.Ring, notifyV: sq.NotifyValue, inflight: map[uint16]*guestReq{},
		notify: sq.Notify})
	return true
}

// readCapacity reads the 64-bit capacity with the config-generation loop of
// virtio_cread.
func (g *Driver) readCapacity() uint64 {
	base := g.bus.BAR0() + pcie.BAR0DeviceCfg
	for i := 0; i < 16; i++ {
		gen := g.r8(spec.CfgConfigGeneration)
		lo := binary.LittleEndian.Uint32(pad(g.bus.MMIORead(base, 4), 4))
		hi := binary.LittleEndian.Uint32(pad(g.bus.MMIORead(base+4, 4), 4))
		if g.r8(spec.CfgConfigGeneration) == gen {
			return uint64(hi)<<32 | uint64(lo)
		}
	}
	g.fail("config: generation never stable")
	return 0
}

// ReadConfig reads capacity and writeback and logs them.
func (g *Driver) ReadConfig() {
	c := g.readCapacity()
	wb := g.bus.MMIORead(g.bus.BAR0()+pcie.BAR0DeviceCfg+32, 1)[0]
	g.logf("config: capacity=%d writeback=%d", c, wb)
}

// ConfigVector writes config_msix_vector in the common configuration when
// set is 0..0xffff and reads it back, as Linux's vp_modern_config_vector
// (drivers/virtio/virtio_pci_modern_dev.c) does; set < 0 only reads. The
// value read is logged.
func (g *Driver) ConfigVector(set int) {
	if set >= 0 {
		g.w16(spec.CfgConfigMSIXVector, uint16(set))
	}
	g.logf("config-vector: %d", g.r16(spec.CfgConfigMSIXVector))
}

// SetWCE writes the writeback field (VIRTIO_BLK_F_CONFIG_WCE) and, with
// readback, reads it back, as virtio_blk's cache_type_store does. Without
// it the write is the vCPU's last access: a posted write that no read of
// the vCPU pushes ahead.
func (g *Driver) SetWCE(on, readback bool) {
	if !g.features.Has(spec.FeatureBlkConfigWCE) {
		g.failed(guest.GaveUp, spec.Features(spec.FeatureBlkConfigWCE.Mask()), "wce: CONFIG_WCE not negotiated")
		if g.features == 0 || len(g.queues) == 0 {
			// No probe set the device up (since the start or the last
			// reset): the program asked too early, no feature was left out.
			g.trouble.MarkLastUnprepared()
		}
		return
	}
	v := byte(0)
	if on {
		v = 1
	}
	addr := g.bus.BAR0() + pcie.BAR0DeviceCfg + 32
	g.bus.MMIOWrite(addr, []byte{v})
	if !readback {
		g.logf("wce: wrote %d", v)
		return
	}
	got := g.bus.MMIORead(addr, 1)[0]
	g.logf("wce: wrote %d read back %d", v, got)
}

func (g *Driver) queue(q int) *guestQueue {
	if q < 0 || q >= len(g.queues) {
		return nil
	}
	return g.queues[q]
}

// Submit posts one request without waiting: kind is write, read, flush or
// get-id. It kicks the queue.
func (g *Driver) Submit(q int, kind string, sector uint64, count int, pattern byte) {
	if g.Post(q, kind, sector, count, pattern) {
		g.Kick(q)
	}
}

// Post adds one request to the avail ring and publishes it without kicking
// the queue (another device, or a later Kick, rings the doorbell). It
// reports whether the request was posted.
func (g *Driver) Post(q int, kind string, sector uint64, count int, pattern byte) bool {
	gq := g.queue(q)
	if gq == nil {
		g.unprepared("%s: queue %d not set up", kind, q)
		return false
	}
	r := &guestReq{op: kind, sector: sector, count: count, pattern: pattern}
	mem := g.bus.Memory()
	n := uint32(count * sectorSize)
	var dataLen uint64
	switch kind {
	case "write", "read":
		dataLen = uint64(n)
	case "flush":
	case "get-id":
		dataLen = 20
	default:
		g.fail("submit: unknown request %q", kind)
		return false
	}
	hdr, ok1 := g.alloc(16)
	st, ok2 := g.alloc(1)
	data, ok3 := g.alloc(dataLen)
	if !ok1 || !ok2 || !ok3 {
		g.fail("%s: out of buffer memory %s with %d requests in flight", kind, g.plan.Buffers, g.Outstanding())
		return false
	}
	r.status = st
	var chain [3]virtq.Buffer
	bufs := append(chain[:0], virtq.Buffer{Addr: hdr, Len: 16})
	switch kind {
	case "write":
		r.typ = blkTOut
		r.data = data
		b := g.buf(int(n))
		fillPattern(b, sector, pattern)
		_ = mem.WriteMem(guest.RID, r.data, b)
		bufs = append(bufs, virtq.Buffer{Addr: r.data, Len: n})
	case "read":
		r.typ = blkTIn
		r.data = data
		b := g.buf(int(n))
		clear(b)
		_ = mem.WriteMem(guest.RID, r.data, b)
		bufs = append(bufs, virtq.Buffer{Addr: r.data, Len: n, Writable: true})
	case "flush":
		r.typ = blkTFlush
	case "get-id":
		r.typ = blkTGetID
		r.data = data
		bufs = append(bufs, virtq.Buffer{Addr: r.data, Len: 20, Writable: true})
	}
	h := g.buf(16)
	clear(h)
	binary.LittleEndian.PutUint32(h[0:], r.typ)
	binary.LittleEndian.PutUint64(h[8:], sector)
	_ = mem.WriteMem(guest.RID, hdr, h)
	status := g.buf(1)
	status[0] = 0xff
	_ = mem.WriteMem(guest.RID, r.status, status)
	bufs = append(bufs, virtq.Buffer{Addr: r.status, Len: 1, Writable: true})
	head, err := gq.ring.Add(bufs)
	if err != nil {
		g.fail("%s: %v", kind, err)
		return false
	}
	if err := gq.ring.Publish(); err != nil {
		g.fail("%s: publish: %v", kind, err)
		return false
	}
	gq.inflight[head] = r
	gq.order = append(gq.order, head)
	return true
}

// Kick writes the queue's doorbell.
func (g *Driver) Kick(q int) {
	gq := g.queue(q)
	if gq == nil {
		g.unprepared("kick: queue %d not set up", q)
		return
	}
	g.bus.MMIOWrite(gq.notify, binary.LittleEndian.AppendUint16(nil, gq.notifyV))
}

// Outstanding is the number of requests submitted and not completed.
func (g *Driver) Outstanding() int {
	n := 0
	for _, q := range g.queues {
		n += len(q.inflight)
	}
	return n
}

// WaitAll waits for interrupts until every submitted request has completed.
// It returns false when no interrupt can come any more.
func (g *Driver) WaitAll() bool {
	defer g.Flush()
	for g.Outstanding() > 0 {
		// Clean: Exec, and Submit before it, use nothing after the wait.
		v, ok := guest.WaitIRQClean(g.bus)
		if !ok {
			g.Flush()
			g.logf("wait: %d requests never completed", g.Outstanding())
			g.trouble.Record(guest.Trouble{Kind: guest.Outstanding, Line: g.log[len(g.log)-1], Command: "wait", Negotiated: g.features})
			return false
		}
		g.HandleIRQ(v)
	}
	return true
}

// StateHash implements guest.StateHasher: every field by reflection
// (internal/deephash; a ring hashes with virtq.DriverRing.StateHash), but
// the bus, which is the machine, and the scratch buffer, which the driver
// fills before every use; in done an empty queue is nil and the queues
// after the last with lines are left out (Flush, its only reader, skips
// empty queues, and an interrupt that harvested nothing may have grown it).
func (g *Driver) StateHash() uint64 {
	c := driverFields(*g)
	c.bus, c.scratch = nil, nil
	c.done, c.doneTrouble = nil, nil
	for q, lines := range g.done {
		if len(lines) > 0 {
			c.done = append(c.done[:len(c.done):len(c.done)], make([][]string, q+1-len(c.done))...)
			c.done[q] = lines
		}
	}
	for q, ts := range g.doneTrouble {
		if len(ts) > 0 {
			c.doneTrouble = append(c.doneTrouble[:len(c.doneTrouble):len(c.doneTrouble)], make([][]guest.Trouble, q+1-len(c.doneTrouble))...)
			c.doneTrouble[q] = ts
		}
	}
	return guest.HashFields(&c)
}

// driverFields is a Driver without its methods: deephash walks it rather
// than calling StateHash.
type driverFields Driver

// Flush appends the completions harvested since the last flush to the log,
// queue by queue (each queue in its used-ring order).
func (g *Driver) Flush() {
	for q, lines := range g.done {
		g.log = append(g.log, lines...)
		g.done[q] = nil
		if q < len(g.doneTrouble) {
			for _, t := range g.doneTrouble[q] {
				g.trouble.Record(t)
			}
			g.doneTrouble[q] = nil
		}
	}
}

// HandleIRQ runs the interrupt handler of vector v: vector 0 is the config
// change (virtblk_config_changed re-reads capacity; how many such
// interrupts arrive is not guest-visible — spurious ones are allowed — so
// only the capacity the guest ends up believing is logged, by Final);
// 1+q harvests queue q, whose completions are logged at the next Flush.
func (g *Driver) HandleIRQ(v uint16) {
	if v == 0 {
		g.capacity = g.readCapacity()
		return
	}
	q := int(v) - 1
	gq := g.queue(q)
	if gq == nil {
		return
	}
	for len(g.done) <= q {
		g.done = append(g.done, nil)
	}
	for len(g.doneTrouble) <= q {
		g.doneTrouble = append(g.doneTrouble, nil)
	}
	saved, savedTrouble := g.log, g.trouble.Swap(nil)
	g.log = nil
	defer func() {
		g.done[q] = append(g.done[q], g.log...)
		g.doneTrouble[q] = append(g.doneTrouble[q], g.trouble.Swap(savedTrouble)...)
		g.log = saved
	}()
	used, err := gq.ring.Harvest()
	if err != nil {
		g.fail("irq q%d: harvest: %v", q, err)
		return
	}
	for _, u := range used {
		r, ok := gq.inflight[uint16(u.ID)]
		if !ok {
			g.fail("irq q%d: used id %d was not in flight (completed twice?)", q, u.ID)
			continue
		}
		delete(gq.inflight, uint16(u.ID))
		g.complete(r, u.Len)
	}
	// keep order for deterministic reporting of what never completed
	kept := gq.order[:0]
	for _, h := range gq.order {
		if _, ok := gq.inflight[h]; ok {
			kept = append(kept, h)
		}
	}
	gq.order = kept
}

func (g *Driver) complete(r *guestReq, usedLen uint32) {
	mem := g.bus.Memory()
	st := [1]byte{g.readStatus(mem, r.status)}
	switch r.op {
	case "write":
		if st[0] == 0 {
			for i := 0; i < r.count; i++ {
				g.shadow[r.sector+uint64(i)] = r.pattern
			}
		}
		g.logRequest("write", r.sector, r.count, st[0], 0, false)
	case "read":
		buf := g.buf(r.count * sectorSize)
		clear(buf) // what a failed read leaves
		_ = mem.ReadMem(guest.RID, r.data, buf)
		expected := g.holdsExpected(buf, r.sector)
		g.logRequest("read", r.sector, r.count, st[0], g.readHash(buf, r.sector, r.count, expected), true)
		if st[0] == 0 && !expected {
			g.fail("read sector=%d count=%d: data differs from what the guest wrote", r.sector, r.count)
		}
	case "flush":
		g.logf("flush: status=%d", st[0])
	case "get-id":
		id := g.buf(20)
		clear(id)
		_ = mem.ReadMem(guest.RID, r.data, id)
		g.logf("get-id: status=%d id=%q", st[0], trimZero(id))
	}
	if st[0] != 0 {
		needs := spec.Features(0)
		if r.op == "flush" { // virtio spec, "Block Device", "Device Operation": VIRTIO_BLK_T_FLUSH needs VIRTIO_BLK_F_FLUSH
			needs = spec.Features(spec.FeatureBlkFlush.Mask())
		}
		g.failed(guest.FailedStatus, needs, "%s sector=%d: status %d", r.op, r.sector, st[0])
	}
}

func trimZero(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// readStatus reads a request's status byte.
func (g *Driver) readStatus(mem pcie.MemoryPort, addr uint64) byte {
	b := g.buf(1)
	b[0] = 0 // what a failed read leaves
	_ = mem.ReadMem(guest.RID, addr, b)
	return b[0]
}

// holdsExpected reports whether buf (whole sectors from sector) holds what
// the guest believes those sectors hold: what it last wrote there, zeros
// where it never wrote.
func (g *Driver) holdsExpected(buf []byte, sector uint64) bool {
	for i := 0; i*sectorSize < len(buf); i++ {
		s := sector + uint64(i)
		got := buf[i*sectorSize : (i+1)*sectorSize]
		p, written := g.shadow[s]
		v := patternWord(s, p)
		for k := 0; k < sectorSize; k += 8 {
			want := uint64(0) // never written: zeros
			if written {
				want = binary.LittleEndian.Uint64(byteRamp[k:]) ^ v
			}
			if binary.LittleEndian.Uint64(got[k:]) != want {
				return false
			}
		}
	}
	return true
}

// fillPattern fills b (whole sectors from sector) with the deterministic
// content the guest writes: byte j of sector s is the pattern byte XOR the
// low byte of s XOR the low byte of j, built 8 bytes at a time.
func fillPattern(b []byte, sector uint64, pattern byte) {
	for i := 0; i*sectorSize < len(b); i++ {
		v := patternWord(sector+uint64(i), pattern)
		dst := b[i*sectorSize : (i+1)*sectorSize]
		for k := 0; k < sectorSize; k += 8 {
			binary.LittleEndian.PutUint64(dst[k:], binary.LittleEndian.Uint64(byteRamp[k:])^v)
		}
	}
}

// patternWord is the pattern byte XOR the sector's low byte, in every byte
// of a word.
func patternWord(s uint64, pattern byte) uint64 {
	return uint64(pattern^byte(s)) * 0x0101010101010101
}

// byteRamp holds the low byte of each offset of a sector.
var byteRamp = func() (r [sectorSize]byte) {
	for j := range r {
		r[j] = byte(j)
	}
	return r
}()

// FLR starts a function-level reset the way Linux's pcie_flr does (set
// Initiate FLR, then guest.AwaitFLR); the driver re-probes afterwards.
func (g *Driver) FLR() {
	g.findCaps()
	if g.pcieCap == 0 {
		g.fail("flr: no PCI Express capability")
		return
	}
	ctl := g.bus.CfgRead(g.pcieCap+8, 2)
	g.bus.CfgWrite(g.pcieCap+8, 2, ctl|0x8000)
	if !guest.AwaitFLR(g.bus) {
		g.fail("flr: function not ready after 60 s")
		return
	}
	if n := g.Outstanding(); n > 0 {
		g.logf("flr: %d requests aborted", n)
	}
	g.queues = nil
	g.logf("flr: done")
}

// Reset resets the device (device_status ← 0) and forgets its queues.
func (g *Driver) Reset() {
	if g.reset() {
		g.logf("reset: done")
	}
}

// Final records the guest's closing view: capacity as the guest believes it,
// the device status, and what never completed.
func (g *Driver) Final() {
	g.Flush()
	st := g.r8(spec.CfgDeviceStatus)
	g.logFinal(g.capacity, spec.DeviceStatus(st), g.Outstanding())
}

// SetPowerState moves the function to D3hot or back to D0 through the PM
// capability's PMCSR, as Linux's pci_set_power_state does, and waits the
// 10 ms D3hot→D0 recovery time.
func (g *Driver) SetPowerState(d3 bool) {
	pm := uint16(0)
	ptr := uint16(g.bus.CfgRead(0x34, 1) &^ 3)
	for i := 0; ptr != 0 && i < 48; i++ {
		hdr := g.bus.CfgRead(ptr, 2)
		if uint8(hdr) == 0x01 {
			pm = ptr
			break
		}
		ptr = uint16(hdr>>8) &^ 3
	}
	if pm == 0 {
		g.fail("pm: no power-management capability")
		return
	}
	csr := g.bus.CfgRead(pm+4, 2) &^ 3
	state := "D0"
	if d3 {
		csr |= 3
		state = "D3hot"
	}
	g.bus.CfgWrite(pm+4, 2, csr)
	g.bus.Sleep(10_000_000)
	got := g.bus.CfgRead(pm+4, 2) & 3
	g.logf("pm: %s, PMCSR power state reads %d", state, got)
}
