package guest

import "github.com/migsim/migsim/scenario"

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
	// Plan is the guest memory the driver uses (Config.Plan).
	Plan() MemoryPlan
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
