// Package vocab is the world's scenario vocabulary (docs/scenarios.md):
// the hosts a scenario may name, the verb tables of guests, the
// hypervisor, peers and the wire, actor attributes, the world settings and
// their checks, the error names of flows, the guest drivers a guest may
// run, the limits of arguments, and the VM every expectation builds (its
// VFs and their device type, checked at load: vm.go). The scenario checker (scenario.Check)
// and the world (package world, which binds operations against these
// tables) read it; the hypervisor's own names come from world/hv.
package vocab

import (
	"sort"
	"strings"
	"sync"

	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/hv"
)

// Hosts are the hosts a scenario may name: the VM starts on src; dst and
// dst2 boot the first time an operation names them.
var Hosts = []string{"src", "dst", "dst2"}

// HVActorName is the hypervisor actor's name in step labels; no guest or
// peer may take it.
const HVActorName = "hv"

// Limits of world settings and hypervisor arguments.
const (
	// MaxCapacity bounds the disk (`set capacity=`, `resize sectors=`), in
	// 512-byte sectors: 2 TiB, the disk is sparse.
	MaxCapacity = 1 << 32
	// MaxSleepMs bounds `sleep ms=` (virtual time).
	MaxSleepMs = 60_000
	// MaxCorruptByte bounds `corrupt byte=` in either direction.
	MaxCorruptByte = 1 << 20
)

// SyncVerbs are the timing and synchronisation verbs every actor has.
var SyncVerbs = scenario.VerbTable{
	{Name: "sleep", Args: []scenario.ArgSpec{{Name: "ms", Kind: scenario.ArgInt, Min: 0, Max: MaxSleepMs, Default: "1", Doc: "virtual milliseconds"}},
		Doc: "let virtual time pass"},
	{Name: "signal", Args: []scenario.ArgSpec{{Name: "NAME", Positional: true, Kind: scenario.ArgName, Required: true}},
		Doc: "raise a named signal"},
	{Name: "await", Args: []scenario.ArgSpec{{Name: "NAME", Positional: true, Kind: scenario.ArgName, Required: true}},
		Doc: "wait until a named signal was raised"},
}

// hostArg is the HOST argument of hypervisor and peer operations.
var hostArg = scenario.ArgSpec{Name: "HOST", Positional: true, Kind: scenario.ArgHost, Required: true}

// vfArg is the optional vf=N of hypervisor operations (default: every VF).
var vfArg = scenario.ArgSpec{Name: "vf", Kind: scenario.ArgVF, Doc: "one VF (default: every VF, one after another)"}

var (
	draftOnly = []spec.Edition{spec.Draft2023}
	v14Only   = []spec.Edition{spec.Virtio14}
)

// vfioStates are the VFIO-v2 states `vfio HOST STATE` moves to.
var vfioStates = []string{"RUNNING", "RUNNING_P2P", "STOP", "STOP_COPY", "RESUMING", "PRE_COPY", "PRE_COPY_P2P"}

// modeArg returns the MODE argument of `mode` under ed: the edition's mode
// names (any case); draft-2023 also takes a number, sent as is.
func modeArg(ed spec.Edition) scenario.ArgSpec {
	var names []string
	for _, m := range ed.Modes() {
		names = append(names, strings.ToLower(ed.ModeName(m)))
	}
	a := scenario.ArgSpec{Name: "MODE", Positional: true, Kind: scenario.ArgWord, Values: names, Fold: true, Required: true}
	if ed == spec.Draft2023 {
		a.AllowInt, a.Min, a.Max = true, 0, 255
	}
	return a
}

// HVVerbs is the hypervisor's vocabulary (docs/scenarios.md, "Hypervisor
// operations"); the hypervisor (world/hv) runs it. Every operation takes fails=NAME
// (expectFailure in world/hv).
var HVVerbs = withFails(append(scenario.VerbTable{
	{Name: "halt-vcpus", Doc: "stop every guest vCPU"},
	{Name: "resume-vcpus", Doc: "restart every guest vCPU"},
	{Name: "resize", Args: []scenario.ArgSpec{{Name: "sectors", Kind: scenario.ArgInt, Min: 1, Max: MaxCapacity, Required: true}},
		Doc: "grow the disk; the VM's VFs get a backend change"},
	{Name: "corrupt", Args: []scenario.ArgSpec{vfArg, {Name: "byte", Kind: scenario.ArgInt, Min: -MaxCorruptByte, Max: MaxCorruptByte, Required: true,
		Doc: "offset in the saved state; negative counts from the end"}}, Doc: "flip a byte of the saved state on its way to the next destination"},
	{Name: "copy-memory", Args: []scenario.ArgSpec{hostArg}, Doc: "copy guest memory to HOST"},
	{Name: "copy-pci", Args: []scenario.ArgSpec{hostArg}, Doc: "copy the VFs' PCI state the parts leave out to HOST"},
	{Name: "switchover", Args: []scenario.ArgSpec{hostArg}, Doc: "the VM runs on HOST from now on"},
	{Name: "fail", Args: []scenario.ArgSpec{hostArg}, Doc: "HOST crashes"},
	{Name: "pf-flr", Args: []scenario.ArgSpec{hostArg}, Doc: "the owner driver FLRs HOST's PF"},
	{Name: "precheck", Args: []scenario.ArgSpec{hostArg, vfArg}, Doc: "compatibility check of every VF against HOST"},
	{Name: "mode", Args: []scenario.ArgSpec{hostArg, modeArg(spec.Draft2023), vfArg}, Editions: draftOnly, Doc: "DEV_MODE_SET"},
	{Name: "mode", Args: []scenario.ArgSpec{hostArg, modeArg(spec.Virtio14), vfArg}, Editions: v14Only, Doc: "DEV_MODE_SET"},
	{Name: "read", Args: []scenario.ArgSpec{hostArg, vfArg, {Name: "chunk", Kind: scenario.ArgInt, Min: 1, Max: hv.MaxReadBuffer,
		Doc: "bytes DEV_CTX_READ may return (default: what DEV_CTX_SIZE_GET reports)"}}, Editions: draftOnly, Doc: "DEV_CTX_READ, merged into the hypervisor's copy"},
	{Name: "discard", Args: []scenario.ArgSpec{hostArg, vfArg}, Editions: draftOnly, Doc: "DEV_CTX_DISCARD"},
	{Name: "forget", Args: []scenario.ArgSpec{hostArg, vfArg}, Editions: draftOnly, Doc: "drop the hypervisor's copy"},
	{Name: "write", Args: []scenario.ArgSpec{hostArg, vfArg}, Editions: draftOnly, Doc: "DEV_CTX_WRITE of the hypervisor's copy"},
	{Name: "save", Args: []scenario.ArgSpec{hostArg, vfArg}, Editions: v14Only, Doc: "OBJ_CREATE(GET), METADATA_GET(SIZE), PARTS_GET(ALL), OBJ_DESTROY"},
	{Name: "load", Args: []scenario.ArgSpec{hostArg, vfArg}, Editions: v14Only, Doc: "OBJ_CREATE(SET), PARTS_SET per record, OBJ_DESTROY"},
	{Name: "vfio", Args: []scenario.ArgSpec{hostArg, {Name: "STATE", Positional: true, Kind: scenario.ArgWord, Values: vfioStates, Fold: true, Required: true}, vfArg},
		Editions: v14Only, Doc: "move the VFIO-v2 state machine along Linux's path"},
	{Name: "precopy", Args: []scenario.ArgSpec{hostArg, vfArg}, Editions: v14Only, Doc: "VFIO_MIG_GET_PRECOPY_INFO: one more snapshot"},
	{Name: "vfio-write", Args: []scenario.ArgSpec{hostArg, vfArg}, Editions: v14Only, Doc: "write the saved stream to the RESUMING device"},
	{Name: "data-size", Args: []scenario.ArgSpec{hostArg, vfArg}, Editions: v14Only, Doc: "VFIO_DEVICE_FEATURE_MIG_DATA_SIZE: the saving FD's object, or a temporary GET object"},
}, SyncVerbs...))

// withFails adds fails=NAME to every verb of t: the operation must fail
// with that error (a flow error name or an admin STATUS/QUALIFIER), and the
// flow goes on.
func withFails(t scenario.VerbTable) scenario.VerbTable {
	fails := scenario.ArgSpec{Name: "fails", Kind: scenario.ArgWord, Values: ErrorNames(),
		Doc: "the error the operation must fail with; the flow then goes on"}
	out := make(scenario.VerbTable, len(t))
	for i, v := range t {
		v.Args = append(append([]scenario.ArgSpec(nil), v.Args...), fails)
		out[i] = v
	}
	return out
}

// PeerVerbs is a peer's vocabulary (docs/scenarios.md, "Peer operations").
var PeerVerbs = append(scenario.VerbTable{
	{Name: "kick", Args: []scenario.ArgSpec{
		{Name: "vf", Kind: scenario.ArgVF, Default: "1", Doc: "the VF whose doorbell is written"},
		{Name: "q", Kind: scenario.ArgQueue, Default: "0", Doc: "the queue"}}, Doc: "a P2P doorbell write"},
	{Name: "write", Args: []scenario.ArgSpec{
		{Name: "vf", Kind: scenario.ArgVF, Default: "1", Doc: "the VF whose BAR0 is written"},
		{Name: "offset", Kind: scenario.ArgInt, Min: 0, Max: pcie.BAR0Size - 1, Required: true, Doc: "offset in BAR0"},
		{Name: "bytes", Kind: scenario.ArgHex, Min: 1, Max: 8, Required: true, Doc: "the bytes written, in hex"}},
		Doc: "a P2P memory write into a VF's BAR0"},
	{Name: "read", Args: []scenario.ArgSpec{
		{Name: "vf", Kind: scenario.ArgVF, Default: "1", Doc: "the VF whose BAR0 is read"},
		{Name: "offset", Kind: scenario.ArgInt, Min: 0, Max: pcie.BAR0Size - 1, Required: true, Doc: "offset in BAR0"},
		{Name: "len", Kind: scenario.ArgInt, Min: 1, Max: 8, Default: "4", Doc: "bytes read"}},
		Doc: "a P2P memory read of a VF's BAR0; the bytes returned go to the peer's log"},
	{Name: "pf-flr", Args: []scenario.ArgSpec{hostArg, {Name: "while", Kind: scenario.ArgWord, Values: []string{"admin-outstanding"},
		Doc: "wait until an admin command is outstanding on HOST"}}, Doc: "a fault: HOST's PF is reset"},
	{Name: "vf-flr", Args: []scenario.ArgSpec{hostArg, {Name: "vf", Kind: scenario.ArgVF, Default: "1", Doc: "the VF reset"}},
		Doc: "a fault: a VF of HOST is reset"},
}, append(WireVerbs, SyncVerbs...)...)

// Actor attributes.
var (
	guestAttrs = []scenario.ArgSpec{
		{Name: "vf", Kind: scenario.ArgVF, Default: "1", Doc: "the VF of the VM the driver binds"},
		{Name: "driver", Kind: scenario.ArgWord, Doc: "the guest driver (default: the driver of the VF's device type)"},
	}
	PeerAttrs = []scenario.ArgSpec{
		{Name: "vf", Kind: scenario.ArgVF, Doc: "the VF of the VM that backs the peer (default: none, a free-standing device)"},
	}
	hvAttrs = []scenario.ArgSpec{
		{Name: "on-error", Kind: scenario.ArgWord, Values: []string{"stop", "rollback"}, Default: "stop", Doc: "what a failed operation does"},
	}
)

// Vocabulary returns what a scenario may name in this world: hosts, guest
// drivers and their verbs, the hypervisor's and peers' verbs, actor
// attributes, settings, and the error names of flows. The oracle names
// come from the caller (the oracle registry); Vocabulary leaves Oracles
// empty.
func Vocabulary() *scenario.Vocabulary {
	v := *vocabulary()
	return &v
}

// vocabulary builds the vocabulary once; Vocabulary hands out copies.
var vocabulary = sync.OnceValue(func() *scenario.Vocabulary {
	v := &scenario.Vocabulary{
		Hosts:           Hosts,
		GuestVerbs:      SyncVerbs,
		Hypervisor:      HVVerbs,
		Peer:            PeerVerbs,
		PeerAttrs:       PeerAttrs,
		HypervisorAttrs: hvAttrs,
		Reserved:        []string{HVActorName},
		Settings:        settingSpecs(),
		Errors:          ErrorNames(),
	}
	var names []string
	for _, d := range GuestDrivers {
		v.Drivers = append(v.Drivers, d.Vocab())
		names = append(names, d.Name)
	}
	if d, ok := DriverFor(VMDeviceID); ok {
		v.DefaultDriver = d.Name
	}
	v.GuestAttrs = append([]scenario.ArgSpec(nil), guestAttrs...)
	v.GuestAttrs[1].Values = names
	return v
})

// ErrorNames are the names an `expect … error NAME` line may give: the
// flow errors (errName in world/hv; no-completion when the live oracle is not run,
// unexpected-success for an operation marked fails= that succeeded) and
// every admin STATUS/QUALIFIER but OK.
func ErrorNames() []string {
	names := []string{"incompatible", "corrupt", "owner-reset", "needs-reset", "not-supported", "no-completion",
		"unexpected-success", "not-migratable", "vf-reset", "fd-out-of-sync", "fd-disabled", "no-object-id", "host-failed", "flow"}
	var admin []string
	for _, st := range []spec.Status{spec.StatusENXIO, spec.StatusEAGAIN, spec.StatusENOMEM, spec.StatusEBUSY,
		spec.StatusEEXIST, spec.StatusEINVAL, spec.StatusENOSPC} {
		for q := spec.QOK; q <= spec.QTryAgain; q++ {
			admin = append(admin, st.String()+"/"+q.String())
		}
	}
	sort.Strings(admin)
	return append(names, admin...)
}
