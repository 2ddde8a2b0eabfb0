package member

import (
	"github.com/migsim/migsim/spec"
)

// admin handles an admin request the owner forwarded. DEV_MODE_SET and the
// context/parts writes (and draft context reads) that arrive during an FLR,
// a device reset or a PM transition have their reply held until it ends
// (DP-DEV-12), per flr-vs-mode / reset-vs-mode. While a reply is held every
// later request waits behind it, so replies keep their order.
func (b *Blk) admin(req AdminRequest, fx *Effects) {
	if len(b.held) > 0 || (b.holdable(req.Opcode) && b.blocked()) {
		b.held = append(b.held, req)
		fx.note("admin tag %d (%s) reply held", req.Tag, b.opName(req.Opcode))
		return
	}
	fx.Completions = append(fx.Completions, b.exec(req, fx))
}

// blocked reports whether an FLR, reset or PM transition in progress holds
// replies.
func (b *Blk) blocked() bool {
	return (b.flrPending && b.cfg.Rules.FLRVsMode == spec.FLRHoldReply) ||
		(b.resetPending && b.cfg.Rules.ResetVsMode == spec.ResetHoldReply) ||
		b.pmPending
}

// holdable reports whether an opcode's reply waits for FLR/reset/PM.
func (b *Blk) holdable(op uint16) bool {
	if b.cfg.Edition == spec.Draft2023 {
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
func (b *Blk) releaseHeld(fx *Effects) {
	for len(b.held) > 0 {
		req := b.held[0]
		if b.holdable(req.Opcode) && b.blocked() {
			return
		}
		b.held = b.held[1:]
		fx.note("admin tag %d (%s) released", req.Tag, b.opName(req.Opcode))
		fx.Completions = append(fx.Completions, b.exec(req, fx))
	}
}

// stepAdmin (StepAdmin) answers held requests when nothing blocks them.
func (b *Blk) stepAdmin(tag uint64, fx *Effects) {
	for _, r := range b.held {
		if r.Tag == tag {
			b.releaseHeld(fx)
			return
		}
	}
	fx.note("admin step for tag %d: nothing held", tag)
}

// opName names an opcode in the member's edition.
func (b *Blk) opName(op uint16) string {
	if b.cfg.Edition == spec.Draft2023 {
		return spec.DraftOpcode(op).String()
	}
	return spec.Opcode(op).String()
}

// exec executes one request now.
func (b *Blk) exec(req AdminRequest, fx *Effects) AdminCompletion {
	c := AdminCompletion{Tag: req.Tag}
	var err *adminError
	if b.cfg.Edition == spec.Draft2023 {
		c.Result, err = b.execDraft(req, fx)
	} else {
		c.Result, err = b.execV14(req, fx)
	}
	if err != nil {
		c.Status, c.Qualifier, c.Result = err.status, err.qual, nil
		fx.note("admin tag %d (%s): %s/%s: %s", req.Tag, b.opName(req.Opcode), err.status, err.qual, err.msg)
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
