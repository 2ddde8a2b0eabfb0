package member

import (
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// digestCache keeps the core's context digest (ContextDigest) while no
// event can have changed the context it encodes. The world asks for a
// member's digest before every admin step of its PF that names it and
// again when a context or parts read completes, and between two such
// moments the context of a member that is being migrated rarely changes:
// a stopped or frozen member takes reads, mode changes between the
// quiesced modes, and the owner's reads of its context.
//
// It is exact by construction rather than by comparison: every event
// forgets the digest (Handle) but those that can change no encoded state
// on their own — configuration and BAR0 reads, and the admin commands
// (contextKept) — and these forget it at the point where one of them does
// change it after all: register work a BAR0 read or a move out of Active
// finishes (finishWork), requests written back (writeBackAll) or
// doorbells latched (latchPendingFetches) at a move out of Active, and
// any move to Active (setMode). TestDigestCache_MatchesFresh compares the
// kept digest with a fresh one after every event of pct runs of every
// catalog scenario under both editions.
//
// It is not device state: the world's state hash leaves it out (package
// world/devhash), so a member whose digest was asked for hashes as one
// whose digest was not.
type digestCache struct {
	sum uint64
	ok  bool
}

// forgetDigest drops the kept digest: the context may have changed.
func (d *Core) forgetDigest() { d.digest.ok = false }

// keepsDigest reports whether ev leaves the kept digest to the handlers,
// which forget it where they change the context: configuration and
// memory reads, and admin commands (exec).
func keepsDigest(ev *Event) bool {
	switch ev.Kind {
	case EvAdmin:
		return true
	case EvTLP:
		return ev.TLP.Kind == pcie.CfgRead || ev.TLP.Kind == pcie.MemRead
	}
	return false
}

// contextKept reports whether admin command op leaves the encoded context
// as it was, whether it succeeds or fails: the reads of the mode, the
// context's size, fields or parts, DEV_CTX_READ (which moves only the
// incremental-read baseline and cursor, outside the context) and
// DEV_CTX_DISCARD (which drops them). DEV_MODE_SET is kept too: setMode
// forgets the digest where a mode change touches the context. Context and
// parts writes change only what is latched, applied at the move to Active,
// but they validate on a copy of the state, and a failed one is what the
// side-effect check is about: they forget it, as every other opcode.
func (d *Core) contextKept(op uint16) bool {
	if d.cfg.Edition == spec.Draft2023 {
		switch spec.DraftOpcode(op) {
		case spec.DraftOpDevModeSet, spec.DraftOpDevModeGet, spec.DraftOpDevCtxSizeGet, spec.DraftOpDevCtxRead,
			spec.DraftOpDevCtxFieldsQuery, spec.DraftOpDevCtxDiscard:
			return true
		}
		return false
	}
	switch spec.Opcode(op) {
	case spec.OpDevModeSet, spec.OpDevPartsMetadataGet, spec.OpDevPartsGet:
		return true
	}
	return false
}
