package guest

import (
	"sync"

	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/scenario"
)

// Driver is a guest driver bound to one VF of the VM, as the world's guest
// actor (one vCPU) runs it: the operations of the driver's workload
// language, the interrupt handler, and the log of everything the guest
// observed. A driver reaches the machine only through its Bus.
//
// The world's guest actor keeps the verbs every guest shares (sleep,
// signal, await); every other operation of a guest program goes to Exec.
type Driver interface {
	// Exec runs one operation of the driver's verb table. Scenarios are
	// checked against the table at load; Exec binds the arguments again
	// (scenario.Bind) and returns an error only for an operation outside
	// the table.
	Exec(op scenario.Op) error
	// HandleIRQ runs the interrupt handler for an MSI-X vector (the world
	// calls it for interrupts still pending when the program ends).
	HandleIRQ(vector uint16)
	// Final logs the guest's closing view once every actor is done.
	Final()
	// Log is the guest-visible history: what the transparent oracle
	// compares with the run without migration.
	Log() []string
	// Trouble lists the lines of Log that tell of trouble (a command
	// given up on, a request the device failed, a wait that ended with
	// requests outstanding), in log order, each with its kind and the
	// features its command needs (Trouble).
	Trouble() []Trouble
	// Plan is the guest memory the driver uses (Config.Plan).
	Plan() MemoryPlan
}

// Rebinder is a driver whose state, but for its bus, is data: a copy of
// it with no bus (and its rings with no memory) works once Rebind binds
// it to bus, the copy's vCPU, and its rings to bus.Memory(). A world
// keeps such copies of a guest's driver between two operations of its
// program, for a copy of the world to rebuild the guest from there
// (docs/engine.md, "Rebuilding an actor from its record").
type Rebinder interface {
	Rebind(bus Bus)
}

// Config is what a driver is told when it is bound to a VF.
type Config struct {
	// Plan is the guest memory the driver may use: a ring region per
	// request queue (the scenario's `queues`) and a buffer region. The
	// world gives every driver of a VM its own plan, so two guests never
	// share a ring.
	Plan MemoryPlan
}

// Info describes a guest driver: its name in scenarios (`guest NAME
// driver=…`), the PCI device ID of the VFs it binds (a guest without
// driver= runs the driver of its VF's device), its verb table and its
// constructor.
type Info struct {
	Name     string
	DeviceID uint16
	Verbs    scenario.VerbTable
	Doc      string
	New      func(bus Bus, cfg Config) Driver
}

// Vocab returns the driver's vocabulary for scenario checks.
func (i Info) Vocab() scenario.DriverVocab {
	return scenario.DriverVocab{Name: i.Name, Verbs: i.Verbs, Doc: i.Doc}
}

// StateHasher is a Driver whose whole state is in its fields whenever
// none of its methods is running, or when one waits in CleanWaiter's
// WaitIRQClean: StateHash hashes all of it (everything it will read
// again), and two drivers with one hash do the same from then on, given
// the same machine. The world's state hashing (docs/engine.md, "what the
// world hashes") then summarises a guest by this hash where it can,
// instead of by everything the guest ever read.
type StateHasher interface {
	StateHash() uint64
}

// HashFields hashes v by reflection (internal/deephash) with a hasher
// that keeps what it learnt of v's types from call to call: a driver's
// StateHash runs at every wait of a state-pruned exploration.
func HashFields(v any) uint64 {
	h := hashers.Get().(*deephash.Hasher)
	defer hashers.Put(h)
	return h.Hash(v)
}

// hashers are the reusable hashers of HashFields, one per concurrent
// caller, compiling into one cache.
var (
	fieldHashFns = deephash.NewCache(nil)
	hashers      = sync.Pool{New: func() any { h := fieldHashFns.Hasher(); return &h }}
)

// CleanWaiter is a Bus on which a driver can wait for an interrupt at a
// point where nothing but its own fields decides what it does next.
type CleanWaiter interface {
	// WaitIRQClean is WaitIRQ called by a StateHasher driver where what
	// it does after the wait follows from the vector and ok, the
	// machine, the operation it was handed (Exec's argument) and its
	// fields alone: the methods between Exec and the wait hold nothing
	// else that they use afterwards.
	WaitIRQClean() (vector uint16, ok bool)
}

// WaitIRQClean waits on bus with its WaitIRQClean when it has one, else
// with WaitIRQ.
func WaitIRQClean(bus Bus) (uint16, bool) {
	if c, ok := bus.(CleanWaiter); ok {
		return c.WaitIRQClean()
	}
	return bus.WaitIRQ()
}
