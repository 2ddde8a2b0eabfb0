package oracle_test

import (
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// The planted bugs: wrappers around any member device, built only with the
// public member API, and one owner fault. Each breaks exactly one rule.

// isDoorbell reports whether ev is a memory write into the notify region
// of the member c configures: a kick.
func isDoorbell(c member.Config, ev member.Event) bool {
	base := c.BAR0 + pcie.BAR0Notify
	return ev.Kind == member.EvTLP && ev.TLP.Kind == pcie.MemWrite && ev.TLP.Addr >= base && ev.TLP.Addr < base+pcie.BAR0NotifyLen
}

// wrap turns a wrapper constructor into a factory wrapper.
func wrap(w func(c member.Config, d member.Device) member.Device) func(member.Factory) member.Factory {
	return func(inner member.Factory) member.Factory {
		return func(c member.Config) member.Device { return w(c, inner(c)) }
	}
}

// notifyWhenStopped signals the guest on every doorbell that reaches it
// while quiesced (breaks DRAFT-STOP-01, DP-DEV-11).
type notifyWhenStopped struct {
	member.Device
	c member.Config
}

func (d *notifyWhenStopped) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if isDoorbell(d.c, ev) && d.Status().Mode.Quiesced() {
		fx.Interrupts = append(fx.Interrupts, pcie.MSIXMessage{Source: d.c.RID, Vector: 1, Addr: guest.MSIXAddr, Data: guest.MSIXDataBase + 1})
	}
	return fx
}

// dmaWhenStopped peeks at guest memory on every doorbell that reaches it
// while quiesced (breaks DRAFT-STOP-02, DP-DEV-11).
type dmaWhenStopped struct {
	member.Device
	c member.Config
}

func (d *dmaWhenStopped) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if isDoorbell(d.c, ev) && d.Status().Mode.Quiesced() {
		var avail [4]byte
		_ = d.c.Mem.ReadMem(d.c.RID, 0x1000, avail[:])
	}
	return fx
}

// kickInFreeze serves a doorbell in Freeze as if it were in Stop: it takes
// the inner device to Stop, hands it the kick and freezes it again, so the
// kick is recorded in a context that must not change (breaks DRAFT-FRZ-01,
// DRAFT-FRZ-02). The inner device's answers to these private mode changes
// never reach the owner.
type kickInFreeze struct {
	member.Device
	c   member.Config
	tag uint64
}

func (d *kickInFreeze) setMode(m spec.Mode) {
	data := make([]byte, 8)
	data[0] = byte(m)
	d.tag++
	d.Device.Handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: 1<<48 + d.tag,
		Opcode: uint16(spec.DraftOpDevModeSet), Data: data}})
}

func (d *kickInFreeze) Handle(ev member.Event) member.Effects {
	if !isDoorbell(d.c, ev) || d.Status().Mode != spec.ModeFreeze {
		return d.Device.Handle(ev)
	}
	d.setMode(spec.ModeStop)
	fx := d.Device.Handle(ev)
	d.setMode(spec.ModeFreeze)
	return fx
}

// changedOnFailure rejects a reserved draft mode with EINVAL (correct) but
// stops the device anyway (breaks ADM-DEV-03).
type changedOnFailure struct{ member.Device }

func (d *changedOnFailure) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if ev.Kind == member.EvAdmin && ev.Admin.Opcode == uint16(spec.DraftOpDevModeSet) && len(ev.Admin.Data) > 0 && ev.Admin.Data[0] > 2 {
		stop := make([]byte, 8)
		stop[0] = byte(spec.ModeStop)
		d.Device.Handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: ev.Admin.Tag + 1<<32, Opcode: ev.Admin.Opcode, Data: stop}})
	}
	return fx
}

// contextOnFailure rejects a reserved draft mode with EINVAL (correct) but
// changes its device context anyway (config_msix_vector), not its mode (breaks ADM-DEV-03): only
// the context digest the world captured before the command shows it.
type contextOnFailure struct {
	member.Device
	c member.Config
}

func (d *contextOnFailure) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if ev.Kind == member.EvAdmin && ev.Admin.Opcode == uint16(spec.DraftOpDevModeSet) && len(ev.Admin.Data) > 0 && ev.Admin.Data[0] > 2 {
		addr := d.c.BAR0 + pcie.BAR0CommonCfg + uint64(spec.CfgConfigMSIXVector)
		d.Device.Handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: d.c.RID, Addr: addr, Data: []byte{5, 0}}})
	}
	return fx
}

// contextOnENOMEM fails what the reference fails with ENOMEM (a context
// read into a buffer too small for its next field) but changes its device
// context anyway (config_msix_vector), which breaks AVQ-DEV-05: such a
// command must be safe to retry.
type contextOnENOMEM struct {
	member.Device
	c member.Config
}

func (d *contextOnENOMEM) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	for _, c := range fx.Completions {
		if ev.Kind == member.EvAdmin && c.Tag == ev.Admin.Tag && c.Status == spec.StatusENOMEM {
			addr := d.c.BAR0 + pcie.BAR0CommonCfg + uint64(spec.CfgConfigMSIXVector)
			d.Device.Handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: d.c.RID, Addr: addr, Data: []byte{5, 0}}})
		}
	}
	return fx
}

// refusalQualifier answers every EINVAL it gives with qualifier q: one of
// EINVAL's, but not the INVALID_FIELD a reserved draft mode gets
// (DRAFT-MODE-02).
type refusalQualifier struct {
	member.Device
	q spec.Qualifier
}

func (d *refusalQualifier) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	for i := range fx.Completions {
		if fx.Completions[i].Status == spec.StatusEINVAL {
			fx.Completions[i].Qualifier = d.q
		}
	}
	return fx
}

// einvalWithoutQualifier fails commands with EINVAL but qualifier OK, which
// names no reason (breaks ADM-DEV-01).
type einvalWithoutQualifier struct{ member.Device }

func (d *einvalWithoutQualifier) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	for i := range fx.Completions {
		if fx.Completions[i].Status == spec.StatusEINVAL {
			fx.Completions[i].Qualifier = spec.QOK
		}
	}
	return fx
}

// neverAnswersModeSet applies DEV_MODE_SET but never completes it: the
// owner waits for the member's answer forever.
type neverAnswersModeSet struct{ member.Device }

func (d *neverAnswersModeSet) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if ev.Kind == member.EvAdmin && (ev.Admin.Opcode == uint16(spec.DraftOpDevModeSet) || ev.Admin.Opcode == uint16(spec.OpDevModeSet)) {
		fx.Completions = nil
	}
	return fx
}

// dropsContextWrite acknowledges DEV_CTX_WRITE without applying it: the
// destination resumes as a blank device (breaks DRAFT-CTX-01; the guest
// notices).
type dropsContextWrite struct{ member.Device }

func (d *dropsContextWrite) Handle(ev member.Event) member.Effects {
	if ev.Kind == member.EvAdmin && ev.Admin.Opcode == uint16(spec.DraftOpDevCtxWrite) {
		return member.Effects{Completions: []member.AdminCompletion{{Tag: ev.Admin.Tag, Status: spec.StatusOK}}}
	}
	return d.Device.Handle(ev)
}

// okWithQualifier is an owner fault: the PF reports every successful
// command on a member with qualifier INVALID_FIELD (breaks ADM-DEV-02).
func okWithQualifier(_ string, _ owner.Event, fx *owner.Effects) {
	for i := range fx.Completed {
		if fx.Completed[i].Status == spec.StatusOK && fx.Completed[i].Member != 0 {
			fx.Completed[i].Qualifier = spec.QInvalidField
		}
	}
}

// ownEINVALWithoutQualifier is an owner fault of the destination's PF
// (the run without migration has none): it reports every command it
// answers itself (not a member's completion) as failed EINVAL with
// qualifier OK (breaks ADM-DEV-01).
func ownEINVALWithoutQualifier(host string, _ owner.Event, fx *owner.Effects) {
	if host != "dst" {
		return
	}
	for i := range fx.Completed {
		if c := &fx.Completed[i]; !c.FromMember {
			c.Status, c.Qualifier = spec.StatusEINVAL, spec.QOK
		}
	}
}

// changesOnRejectedSet holds every DEV_PARTS_SET and answers it from its
// own admin step: EINVAL/INVALID_FIELD, after moving its
// driver_feature_select on the way, a context change (breaks DP-DEV-08: a
// failed SET has no side effects). Its mode is untouched, and the answer
// comes in the member's own event, where the owner only relays it.
type changesOnRejectedSet struct {
	member.Device
	c    member.Config
	held map[uint64]bool
}

func (d *changesOnRejectedSet) Handle(ev member.Event) member.Effects {
	switch {
	case ev.Kind == member.EvAdmin && ev.Admin.Opcode == uint16(spec.OpDevPartsSet):
		if d.held == nil {
			d.held = map[uint64]bool{}
		}
		d.held[ev.Admin.Tag] = true
		return member.Effects{Steps: []member.Step{{Kind: member.StepAdmin, Tag: ev.Admin.Tag}}}
	case ev.Kind == member.EvStep && ev.Step.Kind == member.StepAdmin && d.held[ev.Step.Tag]:
		delete(d.held, ev.Step.Tag)
		addr := d.c.BAR0 + pcie.BAR0CommonCfg + uint64(spec.CfgDriverFeatureSelect)
		d.Device.Handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: d.c.RID, Addr: addr, Data: []byte{1, 0, 0, 0}}})
		return member.Effects{Completions: []member.AdminCompletion{{Tag: ev.Step.Tag, Status: spec.StatusEINVAL, Qualifier: spec.QInvalidField}}}
	}
	return d.Device.Handle(ev)
}

// mutant is a planted bug from the mutant library.
func mutant(name string) func(member.Factory) member.Factory {
	m, ok := mutants.Lookup(name)
	if !ok {
		panic("no mutant " + name)
	}
	return m.Factory
}

// interruptOnMSIXWrite raises a configuration-change interrupt whenever
// the Vector Control word of its MSI-X table's entry 0 is written unmasked
// while it is Active, driver or not, with the address and data the entry
// then holds (the guest's), so that the message itself is one the table
// allows (msix-target): a
// destination member that copy-pci configures before the hypervisor
// stops it signals a guest that still runs on the source (breaks
// DRAFT-CTX-01, DP-DEV-08: nothing of the migrated device may act before
// the resume).
type interruptOnMSIXWrite struct {
	member.Device
	c member.Config
	// enabled is MSI-X Enable as its configuration writes left it: it
	// signals only while MSI-X is enabled (PCI-DEV-07), which the
	// hypervisor's copy of Message Control sets before it copies the
	// table, and a guest's probe after it writes the table.
	enabled bool
}

func (d *interruptOnMSIXWrite) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if b, ok := msixCtlWrite(ev); ok {
		d.enabled = b&byte(pcie.MSIXCtlEnable>>8) != 0
	}
	ctl := d.c.BAR0 + pcie.BAR0MSIXTable + 12 // entry 0's Vector Control
	if d.enabled && ev.Kind == member.EvTLP && ev.TLP.Kind == pcie.MemWrite && ev.TLP.Addr == ctl && len(ev.TLP.Data) > 0 && ev.TLP.Data[0]&1 == 0 &&
		d.Status().Mode == spec.ModeActive {
		fx.Interrupts = append(fx.Interrupts, pcie.MSIXMessage{Source: d.c.RID, Vector: 0, Addr: guest.MSIXAddr, Data: guest.MSIXDataBase})
	}
	return fx
}

// runsAfterFLR acts on its own once an FLR has ended its stop, before the
// hypervisor resumes it: when its MSI-X table is written while it runs
// after an FLR (the hypervisor's copy of the PCI state that the FLR
// reset), it raises a configuration-change interrupt and, with dma set,
// reads guest memory. Until an FLR it is the device it wraps. Under
// mode-after-flr=running an FLR leaves a stopped member running, which
// breaks no rule by itself; acting before the resume breaks DP-DEV-08
// (nothing of the migrated device may act before the resume).
type runsAfterFLR struct {
	member.Device
	c       member.Config
	dma     bool
	flrDone bool
}

func (d *runsAfterFLR) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if ev.Kind == member.EvStep && ev.Step.Kind == member.StepFinishFLR {
		d.flrDone = true
	}
	base := d.c.BAR0 + pcie.BAR0MSIXTable
	if d.flrDone && ev.Kind == member.EvTLP && ev.TLP.Kind == pcie.MemWrite && ev.TLP.Addr >= base &&
		ev.TLP.Addr < d.c.BAR0+pcie.BAR0MSIXPBA && d.Status().Mode == spec.ModeActive {
		if d.dma {
			var avail [4]byte
			_ = d.c.Mem.ReadMem(d.c.RID, 0x1000, avail[:])
			return fx
		}
		fx.Interrupts = append(fx.Interrupts, pcie.MSIXMessage{Source: d.c.RID, Vector: 0, Addr: guest.MSIXAddr, Data: guest.MSIXDataBase})
	}
	return fx
}
