package world

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// Host memory plan of the owner driver's admin queue.
const (
	hvRingBase = 0x0001_0000
	hvBufBase  = 0x0010_0000
)

// hvActor is the hypervisor: the owner driver on every host and the
// migration orchestration of its program.
type hvActor struct {
	actor
	w     *World
	prog  *scenario.Program
	yield func(*actorReq) []byte
	ports []*hvPort
	drv   []*owner.Driver
	// published and seen count admin completions per host (WaitAdmin).
	published, seen [4]int
	vfsGone         [4]bool
	// ctx holds the merged draft context per VF; records the virtio-1.4
	// device-data records per VF, in the order they were read.
	ctx     map[int]devctx.DraftContext
	records map[int][][]byte
	err     error
	errOp   scenario.Op
	onError string
	// flowFile names where the program's lines are, for messages: the
	// scenario file, or the edition's default flow.
	flowFile string
	// mig holds the VFIO state machine of each (host, VF); stream the
	// saving data read from the source, per VF.
	mig    map[devKey]*owner.MigDevice
	stream map[int][]byte
	// fds are the data FDs QEMU holds (migration->data_fd); written counts
	// the stream bytes written to the destination, per VF; kern is the
	// host kernel's state of vfio-pci's trapped resets (vfio_trap.go).
	fds     map[devKey]*owner.MigFile
	written map[int]int
	kern    vfioKernel
	// compat is the compatibility bookkeeping (world_hv_compat.go).
	compat *hvCompat
}

func (w *World) addHypervisor(p *scenario.Program) error {
	hv := &hvActor{w: w, prog: p, ctx: map[int]devctx.DraftContext{}, records: map[int][][]byte{}, onError: "stop"}
	if v, ok := scenario.Lookup(p.Args, "on-error"); ok {
		if v != "stop" && v != "rollback" {
			return fmt.Errorf("%s:%d: hypervisor: on-error=%s (want stop or rollback)", w.scen.File, p.Line, v)
		}
		hv.onError = v
	}
	var err error
	if hv.compat, err = newHVCompat(w); err != nil {
		return fmt.Errorf("%s:%d: hypervisor: %w", w.scen.File, p.Line, err)
	}
	hv.id = len(w.actors)
	hv.name = "hv"
	w.hv = hv
	w.actors = append(w.actors, &hv.actor)
	for _, h := range w.hosts {
		if err := hv.boot(h); err != nil {
			return err
		}
	}
	hv.start(func(y func(*actorReq) []byte) {
		hv.yield = y
		hv.runProgram()
	})
	return nil
}

// boot brings a host up before the scheduled run: the owner driver probes
// the PF (its admin initialisation runs at DRIVER_OK, before any VF exists,
// as Linux's does), then enables the scenario's VFs.
func (hv *hvActor) boot(h *host) error {
	for len(hv.ports) <= h.idx {
		hv.ports = append(hv.ports, nil)
		hv.drv = append(hv.drv, nil)
	}
	port := &hvPort{w: hv.w, h: h, hv: hv, sync: true}
	d := owner.NewDriver(port, h.hostMem, owner.DriverConfig{Edition: hv.w.ed, BAR0: h.pfCfg.BAR0(), Ring: hvRingBase,
		Buffers: hvBufBase, CapGroup: hv.w.rules.CapGroup.Group(), Observer: truthObserver{w: hv.w, h: h}})
	if err := d.Probe(); err != nil {
		return fmt.Errorf("world: host %s: owner driver probe: %w", h.name, err)
	}
	if err := d.EnableVFs(uint16(hv.w.scen.VFs)); err != nil {
		return fmt.Errorf("world: host %s: enable %d VFs: %w", h.name, hv.w.scen.VFs, err)
	}
	port.sync = false
	hv.ports[h.idx], hv.drv[h.idx] = port, d
	return nil
}

func (hv *hvActor) host(name string) (*host, error) {
	h, err := hv.w.hostByName(name)
	if err != nil {
		return nil, err
	}
	if h.idx >= len(hv.drv) || hv.drv[h.idx] == nil {
		if err := hv.boot(h); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// local is one visible hypervisor operation that is not an owner-driver
// access (halting vCPUs, copying memory, switching over).
func (hv *hvActor) local(label string, do func()) {
	hv.yield(&actorReq{label: hv.name + ":" + label, fp: fpWriteGlobal,
		do: func() []byte { do(); return nil }})
}

// migrationVerbs move, stop or read the device; a reference run skips them.
var migrationVerbs = map[string]bool{
	"mode": true, "read": true, "discard": true, "write": true, "forget": true, "save": true,
	"load": true, "halt-vcpus": true, "resume-vcpus": true, "copy-memory": true, "copy-pci": true,
	"switchover": true, "fail": true, "precheck": true, "vfio": true, "precopy": true, "vfio-write": true,
	"corrupt": true, "data-size": true,
}

// driverVerbs send admin commands through the owner driver of the host
// they address; the hypervisor holds that driver while one runs.
var driverVerbs = map[string]bool{
	"pf-flr": true, "mode": true, "read": true, "discard": true, "write": true, "save": true, "load": true,
	"vfio": true, "precopy": true, "vfio-write": true, "data-size": true,
}

// migrationOps are the operations that move or read a VF's state: each
// first checks that the host's owner driver can migrate (owner.Migratable).
var migrationOps = map[string]bool{
	"mode": true, "read": true, "discard": true, "write": true, "save": true, "load": true,
	"vfio": true, "precopy": true, "vfio-write": true, "data-size": true, "precheck": true,
}

func (hv *hvActor) runProgram() {
	for _, op := range hv.prog.Ops {
		if hv.w.cfg.Reference && migrationVerbs[op.Verb] {
			continue
		}
		if err := expectFailure(op, hv.exec(op)); err != nil {
			hv.fail(op, err)
			break
		}
	}
	hv.auditAll()
	hv.flowEnd()
}

func (hv *hvActor) fail(op scenario.Op, err error) {
	hv.err, hv.errOp = err, op
	if hv.onError == "rollback" && hv.w.vm != nil {
		hv.rollback()
	}
}

// rollback resumes the VM on the source: the source VFs go back to
// Active/running and the vCPUs run again there.
func (hv *hvActor) rollback() {
	src := hv.w.hosts[0]
	if src.failed || hv.vfsGone[0] {
		return
	}
	hv.w.vm = src
	if hv.compat.touched[0] {
		hv.acquireDriver(src)
		for _, vf := range hv.w.vmVFs {
			if hv.rollbackVFIO(src, vf) {
				continue
			}
			if err := hv.setMode(src, hv.drv[0], vf, spec.ModeActive); err != nil {
				hv.w.notef("rollback: vf%d: %v", vf, err)
			}
		}
		hv.releaseDriver(src)
	}
	if hv.w.vcpusHalted() {
		hv.local("resume-vcpus (rollback)", func() { hv.w.setHalted(false) })
	}
}

// errName names a flow error for verdicts: the admin status/qualifier, or
// the owner driver's condition.
func errName(err error) string {
	if name, ok := compatErrName(err); ok {
		return name
	}
	var ae *owner.AdminError
	var ee *EditionError
	switch {
	case errors.As(err, &ee):
		return ee.Name()
	case errors.Is(err, owner.ErrNotMigratable):
		return "not-migratable"
	case errors.Is(err, owner.ErrSessionReset):
		return "vf-reset"
	case errors.Is(err, ErrDataFDOutOfSync):
		return "fd-out-of-sync"
	case errors.Is(err, owner.ErrFileDisabled):
		return "fd-disabled"
	case errors.Is(err, owner.ErrNoObjectID):
		return "no-object-id"
	case errors.Is(err, ErrUnexpectedSuccess):
		return "unexpected-success"
	case errors.As(err, &ae):
		return ae.Status.String() + "/" + ae.Qualifier.String()
	case errors.Is(err, owner.ErrOwnerReset):
		return "owner-reset"
	case errors.Is(err, owner.ErrNeedsReset):
		return "needs-reset"
	case errors.Is(err, owner.ErrNoCompletion):
		return "no-completion"
	case errors.Is(err, owner.ErrNotSupported):
		return "not-supported"
	}
	return "flow"
}

// outcome is how the hypervisor's program ended, with the message of its
// verdict: the failing operation, the error, the VFs that vanished said out
// loud, the rollback.
func (hv *hvActor) outcome() FlowOutcome {
	o := FlowOutcome{Actor: hv.name, OnError: hv.onError}
	if hv.err == nil {
		return o
	}
	file := hv.flowFile
	if file == "" {
		file = hv.w.scen.File
	}
	o.Err, o.Name, o.File, o.Line, o.Verb = hv.err, errName(hv.err), file, hv.errOp.Line, hv.errOp.Verb
	msg := fmt.Sprintf("%s:%d: %s: %v", file, hv.errOp.Line, hv.errOp.Verb, hv.err)
	for i, gone := range hv.vfsGone {
		if gone && i < len(hv.w.hosts) {
			msg += fmt.Sprintf("; every VF of host %s is gone (SR-IOV group removed)", hv.w.hosts[i].name)
		}
	}
	switch {
	case hv.onError == "rollback" && hv.compat.touched[0]:
		msg += "; rolled back to the source"
	case hv.onError == "rollback":
		msg += "; the source never left running: nothing to roll back"
	}
	o.Message = msg
	return o
}

// verdict is the `error:NAME` finding of a flow that stopped with an error
// no oracle claimed.
func (hv *hvActor) verdict() *engine.Finding {
	o := hv.outcome()
	return &engine.Finding{Oracle: "error:" + o.Name, Actors: []string{hv.name}, Message: o.Message}
}

// vfs returns the VFs an operation addresses: vf=N or every VF of the VM.
func (hv *hvActor) vfs(op scenario.Op) ([]int, error) {
	if v, ok := scenario.Lookup(op.Args, "vf"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > hv.w.scen.VFs {
			return nil, fmt.Errorf("vf=%s outside 1..%d", v, hv.w.scen.VFs)
		}
		return []int{n}, nil
	}
	return slices.Clone(hv.w.vmVFs), nil
}

// hostArg is the first bare word of op: the host it acts on.
func (hv *hvActor) hostArg(op scenario.Op) (*host, error) {
	for _, a := range op.Args {
		if a.Key == "" {
			return hv.host(a.Value)
		}
	}
	return nil, fmt.Errorf("%s: want a host (src, dst, dst2)", op.Verb)
}

func (hv *hvActor) exec(op scenario.Op) error {
	w := hv.w
	if word, ok := hv.otherEdition(op); ok {
		return hv.editionError(op, word)
	}
	args, err := w.bind(hvVerbs, op)
	if err != nil {
		// The flow's outcome names the verb.
		return errors.New(strings.TrimPrefix(err.Error(), op.Verb+": "))
	}
	switch op.Verb {
	case "halt-vcpus":
		hv.waitTraps()
		hv.local("halt-vcpus", func() { w.setHalted(true) })
		return nil
	case "resume-vcpus":
		hv.local("resume-vcpus", func() { w.setHalted(false) })
		return nil
	case "signal", "await", "sleep":
		return hv.sync(op, args)
	case "resize":
		n := args.Int("sectors")
		hv.local(fmt.Sprintf("resize sectors=%d", n), func() {
			w.disk.Resize(uint64(n))
			for _, vf := range w.vmVFs {
				w.deliver(w.vm, owner.Target(vf), member.Event{Kind: member.EvBackend}, hv.name)
			}
			// The VMs that stay on the source share the disk.
			for _, g := range w.guests {
				if !w.inVM(g.vf) {
					w.deliver(w.hosts[0], owner.Target(g.vf), member.Event{Kind: member.EvBackend}, hv.name)
				}
			}
		})
		return nil
	case "corrupt":
		return hv.corruptOp(op)
	}
	h, err := hv.hostArg(op)
	if err != nil {
		return err
	}
	if migrationOps[op.Verb] { // an operation of the other edition stopped above
		if err := hv.migratable(h); err != nil {
			return err
		}
		if op.Verb == "precheck" && w.vm != nil && w.vm != h {
			if err := hv.migratable(w.vm); err != nil {
				return err
			}
		}
	}
	hv.compat.touch(h, op.Verb)
	d := hv.drv[h.idx]
	if driverVerbs[op.Verb] {
		hv.acquireDriver(h)
		defer hv.releaseDriver(h)
	}
	switch op.Verb {
	case "copy-memory":
		hv.local("copy-memory "+h.name, func() { h.guestMem = w.vm.guestMem.Clone() })
	case "copy-pci":
		from := w.vm
		hv.local("copy-pci "+h.name, func() { w.copyPCIState(from, h) })
	case "switchover":
		if h.guestMem == nil {
			// Found by the scenario generator: the VM would run on a host
			// without its memory.
			return fmt.Errorf("the VM's memory is not on %s (copy-memory %s first)", h.name, h.name)
		}
		hv.local("switchover "+h.name, func() { w.vm = h })
	case "fail":
		hv.local("fail "+h.name, func() { h.failed = true })
	case "pf-flr":
		d.FLR()
	case "mode":
		return hv.mode(op, h, d)
	case "read", "discard", "write", "forget":
		return hv.draftCtx(op, h, d)
	case "save", "load":
		return hv.parts(op, h, d)
	case "vfio", "precopy", "vfio-write", "data-size":
		return hv.vfio(op, h)
	case "precheck":
		return hv.precheck(op, h)
	default:
		return fmt.Errorf("unknown hypervisor operation %q (want halt-vcpus, resume-vcpus, mode, read, discard, write, forget, save, load, vfio, precopy, vfio-write, data-size, copy-memory, copy-pci, switchover, fail, pf-flr, resize, precheck, corrupt, signal, await, sleep)", op.Verb)
	}
	return nil
}

// otherEdition reports the word of an operation that belongs to another
// edition (a verb of the other edition, a draft mode under virtio-1.4):
// the run stops on it with an EditionError, the reason of an n/a row.
func (hv *hvActor) otherEdition(op scenario.Op) (string, bool) {
	if len(hvVerbs.Lookup(op.Verb, hv.w.ed)) == 0 && len(hvVerbs.Lookup(op.Verb, 0)) > 0 {
		return op.Verb, true
	}
	if op.Verb != "mode" || hv.w.ed != spec.Virtio14 {
		return "", false
	}
	var words []string
	for _, a := range op.Args {
		if a.Key == "" {
			words = append(words, a.Value)
		}
	}
	if len(words) != 2 {
		return "", false
	}
	if _, ok := parseMode(spec.Virtio14, words[1]); ok {
		return "", false
	}
	if _, draft := parseMode(spec.Draft2023, words[1]); draft {
		return words[1], true
	}
	return "", false
}

func (hv *hvActor) sync(op scenario.Op, args scenario.Values) error {
	switch op.Verb {
	case "signal":
		name := args.Str("NAME")
		hv.local("signal "+name, func() { hv.w.signals[name] = true })
	case "await":
		name := args.Str("NAME")
		hv.yield(&actorReq{label: hv.name + ":await " + name, ready: func() bool { return hv.w.signals[name] || hv.w.stalled }})
		if !hv.w.signals[name] {
			return fmt.Errorf("await %s: never signalled", name)
		}
	case "sleep":
		ms := args.Int("ms")
		until := hv.w.now + engine.VTime(ms)*1_000_000
		hv.w.addTimer(timer{at: until, actor: &hv.actor})
		hv.yield(&actorReq{label: fmt.Sprintf("%s:sleep %dms", hv.name, ms), ready: func() bool { return hv.w.now >= until }})
	}
	return nil
}

// parseMode reads the mode word of a `mode HOST MODE` line in the edition's
// own words (Active/Stop/Freeze, running/stopped), case-insensitively.
func parseMode(ed spec.Edition, s string) (spec.Mode, bool) {
	// A number is sent as is (draft-2023), so a scenario can run a
	// hypervisor that asks for a reserved mode.
	if n, err := strconv.ParseUint(s, 0, 8); err == nil && ed == spec.Draft2023 {
		return spec.Mode(n), true
	}
	for _, m := range ed.Modes() {
		if strings.EqualFold(ed.ModeName(m), s) {
			return m, true
		}
	}
	return 0, false
}

func (hv *hvActor) mode(op scenario.Op, h *host, d *owner.Driver) error {
	var word string
	for _, a := range op.Args[1:] {
		if a.Key == "" {
			word = a.Value
		}
	}
	m, ok := parseMode(hv.w.ed, word)
	if !ok && hv.w.ed == spec.Virtio14 {
		if _, draft := parseMode(spec.Draft2023, word); draft {
			return hv.editionError(op, word)
		}
	}
	if !ok {
		var names []string
		for _, x := range hv.w.ed.Modes() {
			names = append(names, hv.w.ed.ModeName(x))
		}
		return fmt.Errorf("mode %s %q: want one of %s", h.name, word, strings.Join(names, ", "))
	}
	vfs, err := hv.vfs(op)
	if err != nil {
		return err
	}
	for _, vf := range vfs {
		if err := hv.setMode(h, d, vf, m); err != nil {
			return fmt.Errorf("%s vf%d → %s: %w", h.name, vf, hv.w.ed.ModeName(m), err)
		}
	}
	return nil
}

func (hv *hvActor) draftCtx(op scenario.Op, h *host, d *owner.Driver) error {
	if hv.w.ed != spec.Draft2023 {
		return hv.editionError(op, op.Verb)
	}
	vfs, err := hv.vfs(op)
	if err != nil {
		return err
	}
	chunk := 0 // sized by DEV_CTX_SIZE_GET (readContext)
	if v, ok := scenario.Lookup(op.Args, "chunk"); ok {
		n, err := strconv.ParseInt(v, 0, 64)
		if err != nil {
			return fmt.Errorf("%s: chunk=%s is not a number", op.Verb, v)
		}
		chunk = int(n)
	}
	for _, vf := range vfs {
		switch op.Verb {
		case "read":
			b, err := hv.readContext(d, vf, chunk)
			if err != nil {
				return fmt.Errorf("read %s vf%d: %w", h.name, vf, err)
			}
			b, err = hv.unwrapRead(h, vf, b)
			if err != nil {
				return fmt.Errorf("read %s vf%d: %w", h.name, vf, err)
			}
			got, err := devctx.DecodeDraftContext(b)
			if err != nil {
				return fmt.Errorf("read %s vf%d: %w", h.name, vf, err)
			}
			hv.ctx[vf] = devctx.Merge(hv.ctx[vf], got)
		case "discard":
			if err := d.Discard(vf); err != nil {
				return fmt.Errorf("discard %s vf%d: %w", h.name, vf, err)
			}
		case "forget":
			hv.local(fmt.Sprintf("forget vf%d", vf), func() { delete(hv.ctx, vf) })
		case "write":
			err := hv.atomicLoad(h, vf, func() error {
				saved, err := hv.wrapState(vf, stateDraft, devctx.EncodeDraftContext(hv.ctx[vf]))
				if err != nil {
					return err
				}
				payload, err := hv.loadCheck(h, vf, saved)
				if err != nil {
					return err
				}
				return d.WriteContext(vf, payload)
			})
			if err != nil {
				return fmt.Errorf("write %s vf%d: %w", h.name, vf, err)
			}
		}
	}
	return nil
}

// parts runs the virtio-1.4 save and load the way Linux's vfio-virtio does
// (drivers/vfio/pci/virtio/migrate.c, virtiovf_read_device_context_chunk and
// virtiovf_pci_save_device_final_data): save = OBJ_CREATE(GET), METADATA_GET(SIZE),
// PARTS_GET(ALL), OBJ_DESTROY, kept as one more record; load = OBJ_CREATE(SET),
// one PARTS_SET per record in order, OBJ_DESTROY.
func (hv *hvActor) parts(op scenario.Op, h *host, d *owner.Driver) error {
	if hv.w.ed != spec.Virtio14 {
		return hv.editionError(op, op.Verb)
	}
	vfs, err := hv.vfs(op)
	if err != nil {
		return err
	}
	for _, vf := range vfs {
		switch op.Verb {
		case "save":
			id, err := d.CreateObject(vf, spec.DevPartsObjTypeGet)
			if err != nil {
				return fmt.Errorf("save %s vf%d: %w", h.name, vf, err)
			}
			size, err := d.PartsSize(vf, id)
			if err == nil && size == 0 {
				err = fmt.Errorf("METADATA_GET(SIZE) returned 0")
			}
			var rec []byte
			if err == nil {
				rec, err = d.PartsGetAll(vf, id, int(size))
			}
			if derr := d.DestroyObject(vf, id); err == nil {
				err = derr
			}
			if err == nil {
				rec, err = hv.unwrapRead(h, vf, rec)
			}
			var saved []byte
			if err == nil {
				saved, err = hv.wrapState(vf, stateParts, rec)
			}
			if err != nil {
				return fmt.Errorf("save %s vf%d: %w", h.name, vf, err)
			}
			hv.records[vf] = append(hv.records[vf], saved)
		case "load":
			if err := hv.atomicLoad(h, vf, func() error { return hv.loadRecords(h, d, vf) }); err != nil {
				return fmt.Errorf("load %s vf%d: %w", h.name, vf, err)
			}
		}
	}
	return nil
}

// loadRecords is one VF's virtio-1.4 load: OBJ_CREATE(SET), each record
// checked (loadCheck) and sent as PARTS_SET in order, OBJ_DESTROY.
func (hv *hvActor) loadRecords(h *host, d *owner.Driver, vf int) error {
	id, err := d.CreateObject(vf, spec.DevPartsObjTypeSet)
	if err != nil {
		return err
	}
	for i, saved := range hv.records[vf] {
		var rec []byte
		if rec, err = hv.loadCheck(h, vf, saved); err != nil {
			err = fmt.Errorf("record %d: %w", i, err)
			break
		}
		if err = d.PartsSet(vf, id, rec); err != nil {
			err = fmt.Errorf("record %d: %w", i, err)
			break
		}
	}
	if derr := d.DestroyObject(vf, id); err == nil {
		err = derr
	}
	return err
}

// setHalted halts or resumes every vCPU of the VM (the guests of VMs that
// are not migrated keep running).
func (w *World) setHalted(halted bool) {
	for _, g := range w.guests {
		if w.inVM(g.vf) {
			g.halted = halted
		}
	}
}

// copyPCIState copies what the hypervisor saves itself (device parts leave
// configuration space and the MSI-X table out): each VF's Command register,
// MSI-X Message Control, PMCSR (power state) and MSI-X table, from the host
// the VM runs on to h.
func (w *World) copyPCIState(from, to *host) {
	for _, vf := range w.vmVFs {
		fs, ok1 := from.pfCfg.SRIOV()
		ts, ok2 := to.pfCfg.SRIOV()
		if !ok1 || !ok2 {
			continue
		}
		fr, tr := fs.VFRID(from.pf.RID(), vf), ts.VFRID(to.pf.RID(), vf)
		regs := []struct{ off, size int }{{pcie.RegCommand, 2}, {pcie.MSIXCapOffset + pcie.MSIXMsgCtl, 2},
			{pcie.PMCapOffset + pcie.PMCtrlStatus, 2}} // QEMU's vfio restores PMCSR with config space
		for _, reg := range regs {
			v := w.deliver(from, owner.Target(vf), member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgRead, Requester: hostRID, Completer: fr, Addr: uint64(reg.off), Len: reg.size}}, "hv")
			w.deliver(to, owner.Target(vf), member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgWrite, Requester: hostRID, Completer: tr, Addr: uint64(reg.off), Data: v}}, "hv")
		}
		vectors := w.scen.Queues + 1
		for v := 0; v < vectors; v++ {
			off := uint64(pcie.BAR0MSIXTable + v*pcie.MSIXEntrySize)
			for dw := uint64(0); dw < pcie.MSIXEntrySize; dw += 4 {
				e := w.deliver(from, owner.Target(vf), member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemRead, Requester: hostRID, Addr: fs.VFBAR0Addr(vf) + off + dw, Len: 4}}, "hv")
				w.deliver(to, owner.Target(vf), member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: hostRID, Addr: ts.VFBAR0Addr(vf) + off + dw, Data: e}}, "hv")
			}
		}
	}
}

// DefaultFlow is the edition's migration as the seed (draft-2023) or QEMU
// over vfio-virtio (virtio-1.4) drives it. virtio-1.4, with QEMU's timing
// (hw/vfio/migration.c): the destination enters RESUMING when it sets its
// load up (vfio_load_setup), before any data; the source queries the data
// size (vfio_save_setup) and enters PRE_COPY (a full snapshot while the
// guest runs); a pre-copy round (PRECOPY_INFO, read) whose records the
// destination writes while the source still runs; vCPUs paused,
// →PRE_COPY_P2P, →STOP_COPY, the final record written; the destination
// →STOP, →RUNNING_P2P, →RUNNING; the source →STOP. A failed migration
// resumes the VM on the source with its VFs in RUNNING (on-error=rollback:
// QEMU restarts the VM and vfio_vmstate_change moves each VF to RUNNING).
// Each line moves every VF of the VM before the next line moves any: with
// several devices QEMU brings all of them to a P2P state (PRE_COPY_P2P on
// the source, RUNNING_P2P on the destination) before any goes further
// (hw/vfio/migration.c, the prepare step of vfio_vmstate_change_prepare
// before vfio_vmstate_change).
func DefaultFlow(ed spec.Edition) *scenario.Program {
	defaultFlowsOnce.Do(parseDefaultFlows)
	p := *defaultFlows[ed]
	p.Ops = slices.Clone(p.Ops)
	p.Args = slices.Clone(p.Args)
	return &p
}

var (
	defaultFlowsOnce sync.Once
	defaultFlows     map[spec.Edition]*scenario.Program
)

// defaultFlowText is the text of the edition's default flow.
func defaultFlowText(ed spec.Edition) string {
	src := `hypervisor
  precheck dst
  mode src stop
  read src
  halt-vcpus
  mode src freeze
  read src
  copy-memory dst
  copy-pci dst
  mode dst freeze
  write dst
  switchover dst
  mode dst active
  resume-vcpus
`
	if ed == spec.Virtio14 {
		src = `hypervisor on-error=rollback
  precheck dst
  vfio dst RESUMING
  data-size src
  vfio src PRE_COPY
  precopy src
  vfio-write dst
  halt-vcpus
  vfio src PRE_COPY_P2P
  vfio src STOP_COPY
  copy-memory dst
  copy-pci dst
  vfio-write dst
  vfio dst STOP
  switchover dst
  vfio dst RUNNING_P2P
  vfio dst RUNNING
  resume-vcpus
  vfio src STOP
`
	}
	return src
}

// parseDefaultFlows parses every edition's default flow once; DefaultFlow
// hands out copies, so a caller may change the program it gets.
func parseDefaultFlows() {
	defaultFlows = map[spec.Edition]*scenario.Program{}
	for _, ed := range spec.Editions {
		s, err := scenario.ParseScenario("default-flow", []byte("scenario default-flow\n"+defaultFlowText(ed)))
		if err != nil {
			panic("world: default flow does not parse: " + err.Error())
		}
		defaultFlows[ed] = s.Actors[0]
	}
}
