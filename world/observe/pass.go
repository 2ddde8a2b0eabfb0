package observe

import (
	"slices"
	"strconv"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
	"github.com/migsim/migsim/world/hv"
	"github.com/migsim/migsim/world/ownerview"
)

// Pass is what every hook hands an oracle: a read-only view of the world
// and Report. The hook-specific passes embed it.
type Pass struct {
	w    World
	info *OracleInfo
}

// Edition is the world's edition.
func (p *Pass) Edition() spec.Edition { return p.w.Edition() }

// Rules are the world's knobs.
func (p *Pass) Rules() spec.Rules { return p.w.Rules() }

// Now is the virtual time of the run.
func (p *Pass) Now() engine.VTime { return p.w.Now() }

// VFs is the number of VFs every host enables.
func (p *Pass) VFs() int { return p.w.VFs() }

// VMVFs are the VFs of the VM being migrated, sorted (a copy).
func (p *Pass) VMVFs() []int { return slices.Clone(p.w.VMVFs()) }

// SourceHost names the host the VM started on; VMHost the host it runs on
// now: the source until the hypervisor's switchover moves it (and a
// rollback moves it back).
func (p *Pass) SourceHost() string { return p.w.SourceHost() }

// VMHost names the host the VM runs on now (see SourceHost).
func (p *Pass) VMHost() string { return p.w.VMHost() }

// Member returns a read-only view of member vf of the named host, if the
// host exists and the member was instantiated.
func (p *Pass) Member(host string, vf int) (MemberView, bool) {
	m, ok := p.w.Member(host, vf)
	if !ok {
		return MemberView{}, false
	}
	return MemberView{Host: host, VF: vf, dev: m, w: p.w}, true
}

// Owner is what the named host knows of its member vf now (OwnerView),
// whether or not the member was instantiated: an enabled VF that nothing
// has touched yet is present and Active, as the owner knows it.
func (p *Pass) Owner(host string, vf int) ownerview.OwnerView { return p.w.OwnerView(host, vf) }

// Report records a finding of the oracle with every requirement ID of its
// info that applies to the world's edition. Only the first finding of a
// step counts; later ones are dropped.
func (p *Pass) Report(actors []string, format string, args ...any) {
	p.ReportReqs(p.info.Reqs, actors, format, args...)
}

// ReportReqs is Report naming some of the info's requirement IDs: the ones
// this particular violation breaks.
func (p *Pass) ReportReqs(reqs []string, actors []string, format string, args ...any) {
	p.w.Report(p.info.Name, applying(p.w.Edition(), reqs), actors, format, args...)
}

// MemberView is a read-only view of one member.
type MemberView struct {
	// Host names the member's host; VF is its number.
	Host string
	VF   int
	dev  member.Device
	w    World
}

// Owner is what the host knows of the member now (OwnerView): the mode the
// owner last set, commands outstanding, an FLR or reset in progress.
func (m MemberView) Owner() ownerview.OwnerView {
	if m.w == nil {
		return ownerview.OwnerView{}
	}
	return m.w.OwnerView(m.Host, m.VF)
}

// Name names the member in findings ("src.vf1").
func (m MemberView) Name() string { return m.Host + ".vf" + strconv.Itoa(m.VF) }

// Status is the member's status now, as it reports it: the device's own
// account, which only the self-report oracle judges.
func (m MemberView) Status() member.Status {
	if m.dev == nil {
		return member.Status{}
	}
	return m.dev.Status()
}

// MemberChange is one member around one event: its status before and
// after, and its device context when the world captured it before.
type MemberChange struct {
	MemberView
	Before, After member.Status
	// digest is the context digest before the event (when captured) and,
	// once asked, after it.
	before, after        uint64
	captured, afterKnown bool
}

// ContextChanged reports whether the member's device context changed
// across the event, by the member's own digest (its account of itself).
// known is false when the world did not capture it before the event: it
// does around the PF's internal steps (where admin commands run), for the
// member the step's command names (for every member when the command's
// header could not be read).
func (m *MemberChange) ContextChanged() (changed, known bool) {
	if !m.captured {
		return false, false
	}
	if !m.afterKnown {
		m.after, m.afterKnown = m.dev.ContextDigest(), true
	}
	return m.after != m.before, true
}

// DMAAccess is one guest-memory access by a member, as its memory port saw
// it.
type DMAAccess struct {
	// Host and VF name the member; Access is what it read or wrote.
	Host   string
	VF     int
	Access virtq.Access
}

// Interrupt is one MSI-X message a function sent.
type Interrupt struct {
	Msg pcie.MSIXMessage
	// VF is the member that sent it; 0 for the PF or a requester that is
	// no VF of the host.
	VF int
	// Target is how the message's address and data stand to the VF's
	// MSI-X table as the host and the guest wrote it up to the event, the
	// event included (ownerview.Record.MSIXTargetOf); zero for the PF.
	Target ownerview.MSIXTarget
}

// EventPass is the pass of HookEvent: one event delivered to a function of
// a host, and what the host observed during it. The world reuses one pass:
// it is valid only during the call.
type EventPass struct {
	Pass
	// Host names the host; Target is the function (owner.TargetPF or a VF
	// number); Who the actor or device pseudo-actor that caused the event.
	Host   string
	Target owner.Target
	Who    string
	Event  member.Event
	// Members are the members the event could change, in VF order: the
	// target of a VF event (when instantiated); for a PF event, every
	// instantiated member of the host, except that, when every event
	// oracle is a MemberwiseOracle, a member that did not handle the event
	// and that an earlier pass showed with the same status and owner view,
	// without a finding, may be left out.
	Members []MemberChange
	// DMA are the guest-memory accesses members made during the event.
	DMA []DMAAccess
	// Interrupts are the MSI-X messages sent during the event.
	Interrupts []Interrupt
	// Completed are the admin commands the PF completed during the event,
	// in completion order.
	Completed []owner.AdminOutcome
	doorbell  int8 // 0 unknown, 1 no, 2 yes
}

// Start makes p the pass of event ev delivered to function t of the named
// host by who, with what the host observed during it; it sets every field
// but the Pass, which the set's Event sets, and copies nothing but the
// event (the world starts its one pass at every event: a composite literal
// zeroed and copied the whole pass, twice the event's size).
func (p *EventPass) Start(host string, t owner.Target, who string, ev *member.Event, members []MemberChange,
	dma []DMAAccess, irqs []Interrupt, completed []owner.AdminOutcome) {
	p.Host, p.Target, p.Who, p.Event = host, t, who, *ev
	p.Members, p.DMA, p.Interrupts, p.Completed = members, dma, irqs, completed
	p.doorbell = 0
}

// Doorbell reports whether the event is a memory write into the notify
// region of any member of any host (a guest kick or a peer's doorbell).
func (p *EventPass) Doorbell() bool {
	if p.doorbell == 0 {
		p.doorbell = 1
		if p.w.Doorbell(p.Event) {
			p.doorbell = 2
		}
	}
	return p.doorbell == 2
}

// GuestMemoryWhere names the part of the guests' memory addr is in: a
// queue's ring memory or a driver's buffers, with the guest and its VF
// ("" for none), for a message about an access.
func (p *EventPass) GuestMemoryWhere(addr uint64) string { return p.w.GuestMemoryWhere(addr) }

// PFName names the host's PF in findings ("src.pf").
func (p *EventPass) PFName() string { return p.Host + ".pf" }

// MemberState is a member's observable state at one moment.
type MemberState struct {
	// Present is false when the member does not exist (not instantiated,
	// or its SR-IOV group is gone).
	Present       bool
	Status        member.Status
	ContextDigest uint64
}

// LoadPass is the pass of HookRejectedLoad: one load into a destination
// member that was rejected.
type LoadPass struct {
	Pass
	// Who is the hypervisor actor; Member the destination member.
	Who    string
	Member MemberView
	// Err is why the load was rejected.
	Err error
	// Before is the member before the load, After after the rejection.
	Before, After MemberState
	// Reset: an FLR or a device reset of the member was in progress when
	// the load began or started before it was rejected (the host saw it
	// start), or the owner device was reset during the load (its driver's
	// command failed with the reset: a PF FLR resets every VF); the member
	// changes by itself then (a held reply released by the end of an FLR
	// comes with the FLR's own changes).
	Reset bool
	// Running: the host's record had the member running (not stopped or
	// frozen) at the load's start or at its rejection: a running member's
	// context moves with its own work (requests the guest submitted).
	// Frozen: it had the member in Freeze (draft) at both.
	Running, Frozen bool
	// Written: a write TLP (a doorbell, a register write, from a guest or
	// a peer) reached the member during the load; Notified: a driver
	// notification did. A stopped member takes them and may change
	// (DRAFT-STOP-03, DP-DEV-10), a frozen one under freeze-notify=latch
	// keeps a doorbell in its context.
	Written, Notified bool
}

// HostState is one host as the end of the flow finds it.
type HostState struct {
	Name string
	// Failed: the host crashed (`fail`); VFsGone: its SR-IOV group was
	// removed (PF FLR, VF Enable cleared).
	Failed, VFsGone bool
	// Touched: a migration operation (mode, read, write, save, load, vfio…)
	// addressed the host. Received: a write or load of the VM's state
	// succeeded on it.
	Touched, Received bool
}

// FlowPass is the pass of HookFlowEnd.
type FlowPass struct {
	Pass
	Flow hv.FlowOutcome
	// Reference is true in a run without migration.
	Reference bool
	// Hosts are the hosts in creation order; Hosts[0] is the source.
	Hosts []HostState
	// VMHost names the host the VM runs on.
	VMHost string
}

// FinishPass is the pass of HookFinish.
type FinishPass struct {
	Pass
	// Flow is how the hypervisor's program ended; nil without one.
	Flow *hv.FlowOutcome
	// ReferenceLog is the guest log of the run without migration; nil when
	// the world was given none (nothing to compare with).
	ReferenceLog []string
	// Guests names the guest actors.
	Guests []string
	// OtherVMGuests names the guests of Guests bound to a VF outside the
	// VM being migrated: another VM's, which stays on the source.
	OtherVMGuests []string
	// Blame is the first access by a running vCPU to a member the
	// hypervisor had frozen or stopped, else the first mistake of the
	// hypervisor's flow (package world/flowblame), if any.
	Blame string
	// WithoutMigration: the run is itself one without migration (the
	// hypervisor skipped every operation that moves, stops or reads the
	// device), compared with another such run: a difference is the
	// schedule's, not a migration's.
	WithoutMigration bool
	// Halted: the run ended with vCPUs of the VM halted, as the
	// hypervisor left them (a flow that stopped with an error under
	// on-error=stop after halt-vcpus): their guests' logs end where the
	// halt caught them.
	Halted bool
	// Stranded: the run ended with an actor blocked at an await that the
	// hypervisor's flow, stopped with an error before it signalled the
	// name, left unsignalled: that actor's log ends at the await.
	Stranded bool
	// log is GuestLog once read (logRead): the run is over, so it no
	// longer changes.
	log     []string
	logRead bool
}

// GuestLog is what the guests observed (World.GuestLog): guest by guest,
// then what the peers' reads returned, each entry prefixed with the name
// of the guest or peer that wrote it and ": ". It is built once per pass
// and shared by the oracles that read it, which must not change it.
func (p *FinishPass) GuestLog() []string {
	if !p.logRead {
		p.log, p.logRead = p.w.GuestLog(), true
	}
	return p.log
}

// GuestTrouble is what the guests' drivers recorded of the lines of
// GuestLog that tell of trouble (World.GuestTrouble): a command given up
// on, a request the device failed, a wait that ended with requests
// outstanding, each with the features its command needs; the lines carry
// GuestLog's prefix.
func (p *FinishPass) GuestTrouble() []guest.Trouble { return p.w.GuestTrouble() }

// applying keeps the requirement IDs that apply to edition ed.
func applying(ed spec.Edition, ids []string) []string {
	var out []string
	for _, id := range ids {
		if r, ok := spec.LookupRequirement(id); ok && r.AppliesTo(ed) {
			out = append(out, id)
		}
	}
	return out
}
