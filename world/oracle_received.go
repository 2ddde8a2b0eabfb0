package world

import (
	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/spec"
)

// ReceivedPass is the pass of HookReceived: the owner driver read the
// completion of a command it had sent to a member.
type ReceivedPass struct {
	Pass
	// Who is the hypervisor actor; Member the member the command addressed.
	Who    string
	Member MemberView
	// Opcode is the command's opcode in the world's edition, Data its
	// command-specific data; Status, Qualifier and Result what the host
	// read back.
	Opcode    uint16
	Data      []byte
	Status    spec.Status
	Qualifier spec.Qualifier
	Result    []byte
	// Before is what the host knew of the member before this completion,
	// After what it knows now.
	Before, After OwnerView
	// ModeGet is set for a draft DEV_MODE_GET that succeeded; Mode is the
	// mode it returned.
	ModeGet bool
	Mode    spec.Mode
	// Read is the context or parts read this completion finished, if any.
	Read *ContextRead
}

// OpName names the command in the world's edition.
func (p *ReceivedPass) OpName() string { return p.Edition().OpcodeName(p.Opcode) }

// received runs the received oracles on one completion the host read.
func (w *World) received(h *host, vf int, c adminq.Completion, before OwnerView) {
	read := w.contextRead(h, vf, c, before)
	if len(w.oracles.recv) == 0 || w.cfg.Reference {
		return
	}
	p := &ReceivedPass{Pass: Pass{w: w}, Who: "hv", Member: MemberView{Host: h.name, VF: vf, w: w, h: h},
		Opcode: c.Command.Opcode, Data: c.Command.Data, Status: c.Result.Status, Qualifier: c.Result.Qualifier,
		Result: c.Result.Data, Before: before, After: w.ownerView(h, vf), Read: read}
	if m, ok := h.pf.Member(vf); ok {
		p.Member.dev = m
	}
	if w.hv != nil {
		p.Who = w.hvActor.name
	}
	if w.ed == spec.Draft2023 && spec.DraftOpcode(c.Command.Opcode) == spec.DraftOpDevModeGet && c.Result.Status == spec.StatusOK {
		p.ModeGet, p.Mode = true, spec.Mode(adminq.DecodeDraftMode(c.Result.Data).Mode)
	}
	for _, o := range w.oracles.recv {
		p.info = o.info
		o.o.CheckReceived(p)
	}
}
