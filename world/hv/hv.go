package hv

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/usererr"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// Host memory plan of the owner driver's admin queue.
const (
	hvRingBase = 0x0001_0000
	hvBufBase  = 0x0010_0000
)

// Hypervisor is the hypervisor: the owner driver on every host and the
// migration orchestration of its program.
type Hypervisor struct {
	w     World
	ed    spec.Edition
	scen  *scenario.Scenario
	name  string
	prog  *scenario.Program
	yield Yield
	ports []*hvPort
	drv   []*owner.Driver
	// seen counts the admin completions per host the owner driver saw
	// (WaitAdmin); the world counts those published (World.Published).
	seen [4]int
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
	// line is the line of the operation the program runs (At).
	line int
	// mig holds the VFIO state machine of each (host, VF); stream the
	// saving data read from the source, per VF.
	mig    map[vfKey]*owner.MigDevice
	stream map[int][]byte
	// fds are the data FDs QEMU holds (migration->data_fd); written counts
	// the stream bytes written to the destination, per VF; kern is the
	// host kernel's state of vfio-pci's trapped resets (trap.go).
	fds     map[vfKey]*owner.MigFile
	written map[int]int
	kern    vfioKernel
	// compat is the compatibility bookkeeping (compat.go).
	compat *hvCompat
	// req, localDo and runLocal are the pending local operation (local):
	// the actor has one operation pending at a time, so its request and its
	// Do (runLocal, which runs localDo) are the hypervisor's own.
	req      Req
	localDo  func()
	runLocal func() []byte
	// next is the operation of the program to run next; rec the Recorder
	// that checkpoints the hypervisor's state before it (nil when the
	// world does not record its actors).
	next int
	rec  *Recorder
}

// New builds the hypervisor running program p in w: its on-error and the
// compatibility settings are checked here. The world then registers its
// actor, calls Boot and runs Run on the actor's coroutine.
func New(w World, p *scenario.Program) (*Hypervisor, error) {
	scen := w.Scenario()
	hv := &Hypervisor{w: w, ed: w.Edition(), scen: scen, name: Name, prog: p,
		ctx: map[int]devctx.DraftContext{}, records: map[int][][]byte{}, onError: "stop"}
	hv.bind(w)
	if v, ok := scenario.Lookup(p.Args, "on-error"); ok {
		if v != "stop" && v != "rollback" {
			return nil, fmt.Errorf("%s:%d: hypervisor: on-error=%s (want stop or rollback)", scen.File, p.Line, v)
		}
		hv.onError = v
	}
	var err error
	if hv.compat, err = newHVCompat(w); err != nil {
		return nil, fmt.Errorf("%s:%d: hypervisor: %w", scen.File, p.Line, err)
	}
	return hv, nil
}

// bind gives the hypervisor its world and binds its closures: when it is
// built (New), and when it is restored from a checkpoint (restore).
func (hv *Hypervisor) bind(w World) {
	hv.w = w
	hv.runLocal = func() []byte {
		hv.localDo()
		return nil
	}
	for _, p := range hv.ports {
		if p != nil {
			p.bind()
		}
	}
	for _, m := range hv.mig {
		hv.setClock(m)
	}
}

// Boot brings up the owner driver of every host the world has.
func (hv *Hypervisor) Boot() error {
	for _, h := range hv.w.Hosts() {
		if err := hv.boot(h); err != nil {
			return err
		}
	}
	return nil
}

// Run runs the program on the hypervisor's actor; yield suspends the actor
// at each visible operation.
func (hv *Hypervisor) Run(yield Yield) {
	hv.yield = yield
	hv.runProgram()
}

// SetFlowFile names where the program's lines are, for messages, when it
// is not the scenario file (the edition's default flow).
func (hv *Hypervisor) SetFlowFile(name string) { hv.flowFile = name }

// boot brings a host up before the scheduled run: the owner driver probes
// the PF (its admin initialisation runs at DRIVER_OK, before any VF exists,
// as Linux's does), then enables the scenario's VFs.
func (hv *Hypervisor) boot(h Host) error {
	for len(hv.ports) <= h.Index() {
		hv.ports = append(hv.ports, nil)
		hv.drv = append(hv.drv, nil)
	}
	port := newPort(hv, h)
	d := owner.NewDriver(port, hv.w.HostMem(h), owner.DriverConfig{Edition: hv.ed, BAR0: hv.w.PFBAR0(h), Ring: hvRingBase,
		Buffers: hvBufBase, CapGroup: hv.w.Rules().CapGroup.Group(), Observer: hv.w.DriverObserver(h)})
	if err := d.Probe(); err != nil {
		return fmt.Errorf("world: host %s: owner driver probe: %w", h.Name(), err)
	}
	if err := d.EnableVFs(uint16(hv.scen.VFs)); err != nil {
		return fmt.Errorf("world: host %s: enable %d VFs: %w", h.Name(), hv.scen.VFs, err)
	}
	port.sync = false
	hv.ports[h.Index()], hv.drv[h.Index()] = port, d
	return nil
}

// Unbooted reports whether one of the first n hosts has no owner driver
// yet: a host another actor named first (a peer's `vf-flr dst` before the
// hypervisor's program reaches the destination). The hypervisor boots it
// inside the step whose program first names it.
func (hv *Hypervisor) Unbooted(n int) bool {
	for i := 0; i < n; i++ {
		if i >= len(hv.drv) || hv.drv[i] == nil {
			return true
		}
	}
	return false
}

func (hv *Hypervisor) host(name string) (Host, error) {
	h, err := hv.w.HostByName(name)
	if err != nil {
		return nil, err
	}
	if h.Index() >= len(hv.drv) || hv.drv[h.Index()] == nil {
		if err := hv.boot(h); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// local is one visible hypervisor operation that is not an owner-driver
// access (halting vCPUs, copying memory, switching over).
func (hv *Hypervisor) local(label string, do func()) {
	hv.localDo = do
	hv.req = Req{Label: hv.name + ":" + label, Do: hv.runLocal}
	hv.yield(&hv.req)
}

// nop is the Do of a step whose effect is on the hypervisor alone: its
// code applies it once the step ran.
func nop() {}

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

// runProgram runs the program from its operation hv.next (0, or where a
// checkpoint restored it) to its end.
func (hv *Hypervisor) runProgram() {
	for hv.next < len(hv.prog.Ops) {
		if hv.rec != nil {
			hv.rec.boundary()
		}
		op := hv.prog.Ops[hv.next]
		hv.next++
		if hv.w.Reference() && migrationVerbs[op.Verb] {
			continue
		}
		hv.line = op.Line
		if err := expectFailure(op, hv.exec(op)); err != nil {
			hv.fail(op, err)
			break
		}
	}
	hv.line = 0
	hv.auditAll()
	hv.flowEnd()
}

// At is where the hypervisor's program is: the file of its lines (the
// scenario, or the edition's default flow) and the line of the operation
// it runs (0 before its first and after its last, in its audit).
func (hv *Hypervisor) At() (file string, line int) {
	file = hv.flowFile
	if file == "" {
		file = hv.scen.File
	}
	return file, hv.line
}

func (hv *Hypervisor) fail(op scenario.Op, err error) {
	hv.err, hv.errOp = err, op
	if hv.onError == "rollback" && hv.w.VM() != nil {
		hv.rollback()
	}
}

// rollback resumes the VM on the source: the source VFs go back to
// Active/running (a frozen VF through Stop when the rules allow no direct
// Freeze → Active) and the vCPUs run again there.
func (hv *Hypervisor) rollback() {
	src := hv.w.Hosts()[0]
	if src.Failed() || hv.gone(0) {
		return
	}
	hv.w.Switchover(src)
	if hv.compat.touched[0] {
		hv.acquireDriver(src)
		for _, vf := range hv.w.VMVFs() {
			if hv.rollbackVFIO(src, vf) {
				continue
			}
			if hv.ed == spec.Draft2023 && !hv.ed.TransitionAllowed(hv.w.Rules(), spec.ModeFreeze, spec.ModeActive) && hv.w.OwnerFrozen(src, vf) {
				// transitions=strict-chain: Freeze reaches Active only
				// through Stop, so the way back takes it.
				if err := hv.setMode(src, hv.drv[0], vf, spec.ModeStop); err != nil {
					hv.w.Notef("rollback: vf%d: %v", vf, err)
				}
			}
			if err := hv.setMode(src, hv.drv[0], vf, spec.ModeActive); err != nil {
				hv.w.Notef("rollback: vf%d: %v", vf, err)
			}
		}
		hv.releaseDriver(src)
	}
	if hv.w.VCPUsHalted() {
		hv.local("resume-vcpus (rollback)", func() { hv.w.SetHalted(false) })
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
	case errors.Is(err, ErrHostFailed):
		return "host-failed"
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
func (hv *Hypervisor) outcome() FlowOutcome {
	o := FlowOutcome{Actor: hv.name, OnError: hv.onError}
	if hv.err == nil {
		return o
	}
	file := hv.flowFile
	if file == "" {
		file = hv.scen.File
	}
	o.Err, o.Name, o.File, o.Line, o.Verb = hv.err, errName(hv.err), file, hv.errOp.Line, hv.errOp.Verb
	// The finding's message is read by a user (explore, run, replay,
	// report): where (file:line, the verb) and what, without the Go
	// packages the error passed through ("devctx: ", "owner: ").
	msg := fmt.Sprintf("%s:%d: %s: %s", file, hv.errOp.Line, hv.errOp.Verb, usererr.Strip(hv.err.Error()))
	for i := range hv.seen {
		if hv.w.VFsGone(i) && i < len(hv.w.Hosts()) {
			msg += fmt.Sprintf("; every VF of host %s is gone (SR-IOV group removed)", hv.w.Hosts()[i].Name())
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
func (hv *Hypervisor) verdict() *engine.Finding {
	o := hv.outcome()
	return &engine.Finding{Oracle: "error:" + o.Name, Actors: []string{hv.name}, Message: o.Message}
}

// vfs returns the VFs an operation addresses: vf=N or every VF of the VM.
func (hv *Hypervisor) vfs(op scenario.Op) ([]int, error) {
	if v, ok := scenario.Lookup(op.Args, "vf"); ok {
		n, err := scenario.ParseNumber(v, 1, int64(hv.scen.VFs))
		if err != nil {
			return nil, fmt.Errorf("vf=%s: %w", v, err)
		}
		return []int{int(n)}, nil
	}
	return slices.Clone(hv.w.VMVFs()), nil
}

// hostArg is the first bare word of op: the host it acts on.
func (hv *Hypervisor) hostArg(op scenario.Op) (Host, error) {
	for _, a := range op.Args {
		if a.Key == "" {
			return hv.host(a.Value)
		}
	}
	return nil, fmt.Errorf("%s: want a host (src, dst, dst2)", op.Verb)
}

func (hv *Hypervisor) exec(op scenario.Op) error {
	w := hv.w
	if word, ok := hv.otherEdition(op); ok {
		return hv.editionError(op, word)
	}
	args, err := w.Bind(op)
	if err != nil {
		// The flow's outcome names the verb.
		return errors.New(strings.TrimPrefix(err.Error(), op.Verb+": "))
	}
	switch op.Verb {
	case "halt-vcpus":
		hv.waitTraps()
		hv.local("halt-vcpus", func() { w.SetHalted(true) })
		return nil
	case "resume-vcpus":
		hv.local("resume-vcpus", func() { w.SetHalted(false) })
		return nil
	case "signal", "await", "sleep":
		return hv.sync(op, args)
	case "resize":
		n := args.Int("sectors")
		hv.local(fmt.Sprintf("resize sectors=%d", n), func() { w.Resize(uint64(n)) })
		return nil
	case "corrupt":
		return hv.corruptOp(op)
	}
	h, err := hv.hostArg(op)
	if err != nil {
		return err
	}
	if op.Verb != "fail" && h.Failed() {
		// The program crashed the host itself: nothing there answers, and
		// no device is to blame (a command would otherwise wait for a
		// completion that never comes: a live finding).
		return fmt.Errorf("%s crashed earlier in the flow (fail %s): %w", h.Name(), h.Name(), ErrHostFailed)
	}
	if migrationOps[op.Verb] { // an operation of the other edition stopped above
		if err := hv.migratable(h); err != nil {
			return err
		}
		if vm := w.VM(); op.Verb == "precheck" && vm != nil && vm != h {
			if err := hv.migratable(vm); err != nil {
				return err
			}
		}
	}
	hv.compat.touch(h, op.Verb)
	d := hv.drv[h.Index()]
	if driverVerbs[op.Verb] {
		hv.acquireDriver(h)
		defer hv.releaseDriver(h)
	}
	switch op.Verb {
	case "copy-memory":
		hv.local("copy-memory "+h.Name(), func() { w.CopyMemory(h) })
	case "copy-pci":
		from := w.VM()
		hv.local("copy-pci "+h.Name(), func() { w.CopyPCI(from, h) })
	case "switchover":
		if !w.HasVMMemory(h) {
			// Found by the scenario generator: the VM would run on a host
			// without its memory.
			return fmt.Errorf("the VM's memory is not on %s (copy-memory %s first)", h.Name(), h.Name())
		}
		hv.local("switchover "+h.Name(), func() { w.Switchover(h) })
	case "fail":
		if err := hv.crashesAGuest(h); err != nil {
			return err
		}
		hv.local("fail "+h.Name(), func() { w.Fail(h) })
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
func (hv *Hypervisor) otherEdition(op scenario.Op) (string, bool) {
	if hv.w.OtherEditionVerb(op.Verb) {
		return op.Verb, true
	}
	if op.Verb != "mode" || hv.ed != spec.Virtio14 {
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

func (hv *Hypervisor) sync(op scenario.Op, args scenario.Values) error {
	switch op.Verb {
	case "signal":
		name := args.Str("NAME")
		hv.local("signal "+name, func() { hv.w.Signal(name) })
	case "await":
		name := args.Str("NAME")
		hv.yield(&Req{Label: hv.name + ":await " + name, Ready: func() bool { return hv.w.Signalled(name) || hv.w.Stalled() }})
		if !hv.w.Signalled(name) {
			if hv.w.VCPUsHalted() {
				// The program's own doing when a guest of the VM was to
				// signal it: say so, not only that nobody did.
				return fmt.Errorf("await %s: never signalled, and the VM's vCPUs are halted (halt-vcpus): none of its guests can signal it", name)
			}
			return fmt.Errorf("await %s: never signalled", name)
		}
	case "sleep":
		ms := args.Int("ms")
		until := hv.w.WakeAfter(uint64(ms) * 1_000_000)
		hv.yield(&Req{Label: fmt.Sprintf("%s:sleep %dms", hv.name, ms), Ready: func() bool { return hv.w.Now() >= until }})
	}
	return nil
}
