// Package ownerview is the owner-side truth: what the host knows of each
// member, from what crossed
// its own admin queue and the bus, never from what a member says about
// itself.
//
//   - The mode is the one the last successfully completed mode command set
//     (draft DEV_MODE_SET's mode, virtio-1.4's stopped bit), as of the moment
//     the owner driver read the completion; a member starts Active. A mode
//     command submitted and not yet completed makes the mode uncertain: the
//     device may act on it at any time.
//   - An FLR of the member is in progress from the configuration write that
//     set Initiate FLR until 100 ms later (the time a host waits, PCIe
//     §6.6.2). At its end the mode follows mode-after-flr (running: the FLR
//     clears the stop), except that with flr-vs-mode=defer-flr an FLR that
//     ends while the host has the member quiesced waits for the next resume.
//   - A virtio reset is in progress from the write of 0 to device_status
//     until a read of device_status returns 0 (PCI-DEV-03).
//   - Admin commands are outstanding from submission to completion; a PF FLR
//     (the SR-IOV group removed) forgets every member.
//
// The oracles judge against this view (OwnerView), so a device that lies
// about its mode cannot change a verdict; the self-report oracle compares
// the two.
//
// The host's image of a member's context, built from what its reads
// returned, and the rule the frozen-context oracle judges it by.
//
// draft-2023: the owner keeps the fields every DEV_CTX_READ returned, merged
// by type (devctx.Merge), so under read=incremental-clear a read that
// returns only what changed still leaves the owner with the whole context;
// under read=full every read replaces it. virtio-1.4: the image is the last
// DEV_PARTS_GET(ALL) result with its parts sorted by type and selector (the
// order within one part type is not the owner's concern).
//
// A quiesced epoch runs from the completion of a mode command to the
// submission of the next one. The image after the epoch's first complete
// read is its reference; every later complete read in the same epoch is
// compared with it. In Freeze nothing may change (DRAFT-FRZ-02): under
// incremental-clear a second read must return no field whose value differs
// from what the owner holds, under read=full it must return the same bytes;
// both come down to "the merged image is unchanged". A read moves the
// incremental baseline, so it can only hide a change the image then shows:
// the comparison is side-effect consistent.
//
// This package keeps the record (Record, one per host: the modes, FLRs,
// resets, outstanding commands, the context image and the MSI-X table as
// written of each member) and
// renders the views the oracles read (OwnerView, ContextRead). The world
// (package world) feeds each host's record what it sees cross the bus and
// the owner driver's queue, through Record's methods; the record reads the
// world only through Env (the clock, the knobs, the edition).
package ownerview

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"slices"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
)

// OwnerView is what the host knows of one member (see the package comment):
// the basis of the oracles that judge modes.
type OwnerView struct {
	// Present is false when the member does not exist (its SR-IOV group was
	// removed, or it was never enabled).
	Present bool
	// Mode is the mode the last successful mode command set (Active when
	// none did).
	Mode spec.Mode
	// ModePending is set while a mode command is outstanding: the member
	// may be in the old or the new mode. Pending lists the target modes.
	ModePending bool
	Pending     []spec.Mode
	// Outstanding counts the member's admin commands submitted and not yet
	// completed.
	Outstanding int
	// FLR is set while an FLR the host saw start is in progress (100 ms);
	// FLRDeferred while defer-flr holds it until the next resume.
	FLR, FLRDeferred bool
	// FLRAt is when the FLR started (meaningful while FLR is set).
	FLRAt engine.VTime
	// Reset is set from the write of 0 to device_status until a read of 0.
	Reset bool
	// Resumed is set from the submission of a mode command that runs the
	// member (draft-2023 DEV_MODE_SET Active, virtio-1.4 DEV_MODE_SET with
	// the stopped bit clear; the device may act on it at any time) until
	// the host reads the successful completion of one that stops it, or
	// the failure of the resume (unless another resume is outstanding). A
	// member the owner never resumed is not: it runs only by default
	// (Active from its creation) or because an FLR ended its stop
	// (mode-after-flr=running), never because the host resumed it.
	Resumed bool
	// Wiped is set when an FLR the host saw end reset the member (its
	// virtio state, queues and device context back to defaults:
	// DRAFT-FLR-01, DP-DEV-14), and since then no write or load of state
	// (draft-2023 DEV_CTX_WRITE, virtio-1.4 DEV_PARTS_SET) succeeded on it
	// and no memory write (a driver setting it up again) reached it: the
	// member holds nothing it was given before the FLR, whatever its mode.
	Wiped bool
	// RanByFLR is set when an FLR the host saw end moved the member from
	// a mode the owner had quiesced it in to Active (mode-after-flr=running)
	// and no mode command completed since: it runs although the owner's
	// last successful command stopped it.
	RanByFLR bool
}

// Stopped reports whether the host knows the member is quiesced (Stop,
// Freeze or stopped) and has no command outstanding that could resume it.
func (v OwnerView) Stopped() bool {
	if !v.Present || !v.Mode.Quiesced() {
		return false
	}
	for _, m := range v.Pending {
		if !m.Quiesced() {
			return false
		}
	}
	return true
}

// Frozen reports whether the host knows the member is in Freeze (draft) and
// has no mode command outstanding.
func (v OwnerView) Frozen() bool {
	return v.Present && v.Mode == spec.ModeFreeze && !v.ModePending
}

// Running reports whether the host knows the member is Active (running) and
// has no command outstanding that could stop it.
func (v OwnerView) Running() bool {
	if !v.Present || v.Mode != spec.ModeActive {
		return false
	}
	for _, m := range v.Pending {
		if m != spec.ModeActive {
			return false
		}
	}
	return true
}

// ContextRead is one complete context read as the host received it (a
// draft DEV_CTX_READ and its continuation chunks, or a virtio-1.4
// DEV_PARTS_GET(ALL)).
type ContextRead struct {
	// Returned is what the read returned: the fields of every chunk as one
	// encoded context (draft) or the parts (virtio-1.4).
	Returned []byte
	// Whole is Returned in canonical order, as two reads of one context
	// compare: the draft fields sorted by type (devctx.Canonical), the
	// parts sorted by type and selector (Image, when Err is nil). A device
	// may return the same context in another valid order each time (VQ
	// parts of different queues in any queue order, docs/context-format.md).
	Whole []byte
	// Image is the host's image of the whole context after the read.
	Image []byte
	// Quiesced and Frozen are the host's view at the read.
	Quiesced, Frozen bool
	// First is set for the first complete read of a quiesced epoch; then
	// EpochImage is Image. EpochFrozen: that first read was taken in Freeze.
	First       bool
	EpochImage  []byte
	EpochFrozen bool
	// Digest is the member's own digest of its context when it answered
	// this read, EpochDigest when it answered the epoch's first read
	// (DigestKnown when both were recorded).
	Digest, EpochDigest uint64
	DigestKnown         bool
	// Earlier is, for the first read of a quiesced epoch, the last
	// complete read of an earlier quiesced epoch (nil: none, or a digest
	// not recorded with either): the member resumed or changed mode in
	// between, and its context may have changed, which its digest must
	// follow across the epochs too.
	Earlier *EarlierRead
	// Size is what the size query sent just before reported (-1: none);
	// SizeExact for a draft DEV_CTX_SIZE_GET (the bytes the next read
	// returns), else an upper bound (DEV_PARTS_METADATA_GET SIZE).
	Size      int64
	SizeExact bool
	// SizeQuiesced: the member was stopped (or frozen) when the size was
	// reported. A running member's state may change between the size
	// query and the read (a guest's MAC_TABLE_SET during PRE_COPY grows
	// the parts), so only then does the size bound the read.
	SizeQuiesced bool
	// WrittenSinceSize: a write TLP (a doorbell, a register write) reached
	// the member from the size query's submission to the read;
	// NotifiedSinceSize: a driver notification (a write to the notify
	// region) did. A stopped virtio-1.4 member accepts notifications and
	// configuration writes and may update its parts (DP-DEV-10); a frozen
	// draft member under freeze-notify=latch keeps a doorbell in its
	// context. A change that breaks a rule is the frozen-context oracle's
	// to judge, not the size's.
	WrittenSinceSize, NotifiedSinceSize bool
	// FirstChunk is the length of the first chunk's context (draft) or of
	// the parts (virtio-1.4); Chunks the number of reads it took, Total
	// the length of every chunk's context together.
	FirstChunk, Chunks, Total int
	// Err says why the result does not decode.
	Err error
}

// EarlierRead is a complete quiesced read of an earlier epoch, as a
// later read compares with it: what it returned, in canonical order
// (ContextRead.Whole), and the member's digest when it answered it.
type EarlierRead struct {
	Whole  []byte
	Digest uint64
}

// SizeMatches reports whether the read agrees with the size reported just
// before it: a draft read of exactly that many bytes in one chunk, a
// virtio-1.4 GET no larger that decodes to whole parts. True when no size
// was reported.
func (r *ContextRead) SizeMatches() bool {
	if r.Size < 0 {
		return true
	}
	if r.SizeExact {
		return r.Chunks == 1 && int64(r.FirstChunk) == r.Size
	}
	return r.Err == nil && int64(r.FirstChunk) <= r.Size
}

// ByteAt returns the byte at configuration offset want of a write of data
// at addr.
func ByteAt(addr uint64, data []byte, want int) (byte, bool) {
	if uint64(want) < addr || uint64(want) >= addr+uint64(len(data)) {
		return 0, false
	}
	return data[uint64(want)-addr], true
}

// MemberOf returns the member a command addresses (SR-IOV group, member > 0).
func MemberOf(c adminq.Command) (int, bool) {
	if c.Group != spec.GroupSRIOV || c.Member == 0 || c.Member > 0xffff {
		return 0, false
	}
	return int(c.Member), true
}

// ModeTarget returns the mode a mode command of edition ed asks for.
func ModeTarget(ed spec.Edition, c adminq.Command) (spec.Mode, bool) {
	if ed == spec.Draft2023 {
		if spec.DraftOpcode(c.Opcode) != spec.DraftOpDevModeSet {
			return 0, false
		}
		var m byte
		if len(c.Data) > 0 {
			m = c.Data[0]
		}
		return spec.Mode(m), true
	}
	if spec.Opcode(c.Opcode) != spec.OpDevModeSet {
		return 0, false
	}
	if len(c.Data) > 0 && c.Data[0]&spec.DevModeFlagStopped != 0 {
		return spec.ModeStop, true
	}
	return spec.ModeActive, true
}

// StateWrite reports whether c writes device state into a member: a
// draft-2023 DEV_CTX_WRITE or a virtio-1.4 DEV_PARTS_SET.
func StateWrite(ed spec.Edition, c adminq.Command) bool {
	if ed == spec.Draft2023 {
		return spec.DraftOpcode(c.Opcode) == spec.DraftOpDevCtxWrite
	}
	return spec.Opcode(c.Opcode) == spec.OpDevPartsSet
}

// LE64 reads a little-endian uint64 (0 when b is short).
func LE64(b []byte) uint64 {
	if len(b) < 8 {
		return 0
	}
	return binary.LittleEndian.Uint64(b)
}

// NormalisedParts decodes a DEV_PARTS_GET(ALL) result and re-encodes it
// with the parts sorted by type, then selector.
func NormalisedParts(b []byte) ([]byte, error) {
	ps, err := devctx.DecodeParts(b, devctx.DecodeOptions{Complete: true, AnyOrder: true})
	if err != nil {
		return nil, err
	}
	return sortedParts(ps.List), nil
}

// sortedParts sorts list (stably) by type, then selector, in place, and
// encodes it. The list is the caller's to reorder: a DecodeParts result.
func sortedParts(list []devctx.Part) []byte {
	slices.SortStableFunc(list, func(a, b devctx.Part) int {
		if c := cmp.Compare(a.Type, b.Type); c != 0 {
			return c
		}
		return bytes.Compare(a.Selector[:], b.Selector[:])
	})
	return devctx.EncodeParts(list)
}
