package owner

import (
	"encoding/binary"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/spec"
)

func bit(op uint16) uint64 { return 1 << op }

func bits(ops ...uint16) uint64 {
	var v uint64
	for _, o := range ops {
		v |= bit(o)
	}
	return v
}

// Command sets per edition and group. LIST_QUERY and LIST_USE (bits 0, 1)
// are in every set and always allowed.
var (
	listCmds = bits(0, 1)
	// capCmds are the virtio-1.4 capability commands: they execute on group
	// Self only (CAP-DEV-02), but exist for the SR-IOV group's device-parts
	// objects.
	capCmds = bits(7, 8, 9)
	// sriov14 are the commands group SR-IOV executes: resource objects,
	// device parts and DEV_MODE_SET (0xa..0x11, DP-DEV-01: all or none).
	sriov14 = listCmds | bits(0xa, 0xb, 0xc, 0xd, 0xe, 0xf, 0x10, 0x11)
	self14  = listCmds | capCmds
	// sriovDraft are the draft-2023 commands 0x7..0xd, group SR-IOV only.
	sriovDraft = listCmds | bits(7, 8, 9, 0xa, 0xb, 0xc, 0xd)
	// partsNeedObjects: the device-parts commands depend on object create
	// and destroy (ADM-DEV-09).
	partsCmds = bits(0xe, 0xf, 0x10)
	objCmds   = bits(0xa, 0xd)
)

// adminState is the admin-command state that a reset of the owner clears:
// the in-use lists, the driver's capabilities and the resource objects.
type adminState struct {
	inUseList [2]uint64 // by group type: Self, SR-IOV
	drvGet    uint8
	drvSet    uint8
	objects   map[uint32]*object
}

func newAdminState() adminState {
	return adminState{inUseList: [2]uint64{listCmds, listCmds}, objects: map[uint32]*object{}}
}

// executable reports whether group g executes op in edition e.
func (a *adminState) executable(e spec.Edition, g spec.GroupType, op uint16) bool {
	if op >= 64 {
		return false
	}
	var set uint64
	switch {
	case e == spec.Virtio14 && g == spec.GroupSelf:
		set = self14
	case e == spec.Virtio14 && g == spec.GroupSRIOV:
		set = sriov14
	case e == spec.Draft2023 && g == spec.GroupSelf:
		set = listCmds
	case e == spec.Draft2023 && g == spec.GroupSRIOV:
		set = sriovDraft
	}
	return set&bit(op) != 0
}

// reported is the LIST_QUERY answer for group g: the commands g executes,
// and for virtio-1.4 SR-IOV also the Self-group capability commands the
// device-parts flow needs. Linux sends LIST_QUERY/LIST_USE only for group
// SR-IOV and then issues the capability commands on group Self, refusing
// any opcode missing from that one list; the devices it was written for
// report them there (the shared vector res-list-query-ok does too). Bits 0
// and 1 are always set.
func (a *adminState) reported(e spec.Edition, g spec.GroupType) uint64 {
	var set uint64
	for op := uint16(0); op < 64; op++ {
		if a.executable(e, g, op) {
			set |= bit(op)
		}
	}
	if e == spec.Virtio14 && g == spec.GroupSRIOV {
		set |= capCmds
	}
	return set | listCmds
}

// inUse reports whether op is in g's in-use list. The capability commands
// run on group Self and are enabled by a LIST_USE on Self or on SR-IOV.
func (a *adminState) inUse(g spec.GroupType, op uint16) bool {
	if op >= 64 || int(g) >= len(a.inUseList) {
		return false
	}
	if a.inUseList[g]&bit(op) != 0 {
		return true
	}
	return g == spec.GroupSelf && capCmds&bit(op) != 0 && a.inUseList[spec.GroupSRIOV]&bit(op) != 0
}

// listUse replaces g's in-use list (ADM-DEV-06). Bits the group does not
// report, or a device-parts command without object create and destroy
// (ADM-DEV-09), give EINVAL/INVALID_FIELD and change nothing.
func (p *PF) listUse(c adminq.Command) outcome {
	var w [8]byte
	copy(w[:], c.Data)
	list := binary.LittleEndian.Uint64(w[:])
	for _, b := range tail(c.Data, 8) {
		if b != 0 {
			return fail(spec.StatusEINVAL, spec.QInvalidField)
		}
	}
	if list&^p.admin.reported(p.cfg.Edition, c.Group) != 0 {
		return fail(spec.StatusEINVAL, spec.QInvalidField)
	}
	if p.cfg.Edition == spec.Virtio14 && list&partsCmds != 0 && list&objCmds != objCmds {
		return fail(spec.StatusEINVAL, spec.QInvalidField)
	}
	p.admin.inUseList[c.Group] = list | listCmds
	return ok(nil)
}

// tail returns b[n:] or nil.
func tail(b []byte, n int) []byte {
	if len(b) <= n {
		return nil
	}
	return b[n:]
}

// field returns b zero-extended (or cut) to n bytes: missing input reads as
// zero, extra input is ignored (AVQ-DEV-01).
func field(b []byte, n int) []byte {
	out := make([]byte, n)
	copy(out, b)
	return out
}
