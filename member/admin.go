package member

import (
	"github.com/migsim/migsim/spec"
)

// admin handles an admin request the owner forwarded. DEV_MODE_SET and the
// context/parts writes (and draft context reads) that arrive during an FLR,
// a device reset or a PM transition have their reply held until it ends
// (DP-DEV-12), per flr-vs-mode / reset-vs-mode. While a reply is held every
// later request waits behind it, so replies keep their order.
func (d *Core) admin(req AdminRequest, fx *Effects) {
	if len(d.held) > 0 || (d.holdable(req.Opcode) && d.blocked()) {
		d.held = append(d.held, req)
		fx.note("admin tag %d (%s) reply held", req.Tag, d.opName(req.Opcode))
		return
	}
	fx.Completions = append(fx.Completions, d.exec(req, fx))
}

// blocked reports whether an FLR, reset or PM transition in progress holds
// replies.
func (d *Core) blocked() bool {
	return (d.flrPending && d.cfg.Rules.FLRVsMode == spec.FLRHoldReply) ||
		(d.resetPending && d.cfg.Rules.ResetVsMode == spec.ResetHoldReply) ||
		d.pmPending
}

// holdable reports whether an opcode's reply waits for FLR/reset/PM.
func (d *Core) holdable(op uint16) bool {
	if d.cfg.Edition == spec.Draft2023 {
		switch spec.DraftOpcode(op) {
		case spec.DraftOpDevModeSet, spec.DraftOpDevCtxWrite, spec.DraftOpDevCtxRead:
			return true
		}
		return false
	}
	switch spec.Opcode(op) {
	case spec.OpDevModeSet, spec.OpDevPartsSet:
		return true
	}
	return false
}

// releaseHeld answers held requests in order while nothing blocks them.
func (d *Core) releaseHeld(fx *Effects) {
	for len(d.held) > 0 {
		req := d.held[0]
		if d.holdable(req.Opcode) && d.blocked() {
			return
		}
		d.held = d.held[1:]
		fx.note("admin tag %d (%s) released", req.Tag, d.opName(req.Opcode))
		fx.Completions = append(fx.Completions, d.exec(req, fx))
	}
}

// stepAdmin (StepAdmin) answers held requests when nothing blocks them.
func (d *Core) stepAdmin(tag uint64, fx *Effects) {
	for _, r := range d.held {
		if r.Tag == tag {
			d.releaseHeld(fx)
			return
		}
	}
	fx.note("admin step for tag %d: nothing held", tag)
}

// opName names an opcode in the member's edition.
func (d *Core) opName(op uint16) string {
	if d.cfg.Edition == spec.Draft2023 {
		return spec.DraftOpcode(op).String()
	}
	return spec.Opcode(op).String()
}

// exec executes one request now.
func (d *Core) exec(req AdminRequest, fx *Effects) AdminCompletion {
	c := AdminCompletion{Tag: req.Tag}
	if !d.contextKept(req.Opcode) {
		d.forgetDigest()
	}
	var err *adminError
	if d.cfg.Edition == spec.Draft2023 {
		c.Result, err = d.execDraft(req, fx)
	} else {
		c.Result, err = d.execV14(req, fx)
	}
	if err != nil {
		c.Status, c.Qualifier, c.Result = err.status, err.qual, nil
		fx.note("admin tag %d (%s): %s/%s: %s", req.Tag, d.opName(req.Opcode), err.status, err.qual, err.msg)
	}
	return c
}

// adminError is a failed command's status, qualifier and reason.
type adminError struct {
	status spec.Status
	qual   spec.Qualifier
	msg    string
}

func invalidField(msg string) *adminError {
	return &adminError{status: spec.StatusEINVAL, qual: spec.QInvalidField, msg: msg}
}

func invalidOpcode(msg string) *adminError {
	return &adminError{status: spec.StatusEINVAL, qual: spec.QInvalidOpcode, msg: msg}
}

func noMem(msg string) *adminError {
	return &adminError{status: spec.StatusENOMEM, qual: spec.QNoResource, msg: msg}
}

// dataByte returns data[i], or 0 past the end (missing input reads as zero).
func dataByte(data []byte, i int) byte {
	if i < len(data) {
		return data[i]
	}
	return 0
}
