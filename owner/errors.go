package owner

import (
	"errors"
	"fmt"

	"github.com/migsim/migsim/spec"
)

// Errors of the owner driver that are not admin statuses.
var (
	// ErrOwnerReset: the owner device was reset (device_status reads 0 or
	// the PF is in an FLR) while commands were outstanding; they will never
	// complete. After a PF FLR every VF is gone as well. Probe again.
	ErrOwnerReset = errors.New("owner: owner device reset, outstanding admin commands lost")
	// ErrNeedsReset: the owner set DEVICE_NEEDS_RESET (a malformed admin
	// queue); commands outstanding will not complete.
	ErrNeedsReset = errors.New("owner: owner device needs reset")
	// ErrNoCompletion: a command did not complete and nothing more can
	// happen (no step, no timer) — a hang the driver reports instead of
	// waiting forever.
	ErrNoCompletion = errors.New("owner: admin command never completed")
	// ErrNotSupported is Linux's EOPNOTSUPP: the opcode is not in the
	// driver's supported_cmds (LIST_QUERY ∧ the driver's mask).
	ErrNotSupported = errors.New("owner: admin command not supported")
	// ErrNoAdminQueue: the PF offers no admin queue or the driver has not
	// probed it.
	ErrNoAdminQueue = errors.New("owner: no admin queue")
	// ErrNoObjectID: every resource object id below the driver's limit is
	// in use (Linux's ida_alloc_range fails: -ENOSPC).
	ErrNoObjectID = errors.New("owner: no free resource object id")
	// ErrNotMigratable: the admin initialisation at the PF's DRIVER_OK did
	// not give the driver every migration command (or, virtio-1.4, any
	// resource object), so its VFs have no migration support — what
	// Linux's vfio-virtio decides at probe; a hypervisor refuses to start a
	// migration of them.
	ErrNotMigratable = errors.New("owner: VF not migratable")
)

// Status sentinels: errors.Is(err, ErrInvalidMember) holds for an
// *AdminError with that status (and qualifier, for the EINVAL ones).
var (
	ErrInvalidCommand = &statusError{spec.StatusEINVAL, spec.QInvalidCommand, true}
	ErrInvalidOpcode  = &statusError{spec.StatusEINVAL, spec.QInvalidOpcode, true}
	ErrInvalidField   = &statusError{spec.StatusEINVAL, spec.QInvalidField, true}
	ErrInvalidGroup   = &statusError{spec.StatusEINVAL, spec.QInvalidGroup, true}
	ErrInvalidMember  = &statusError{spec.StatusEINVAL, spec.QInvalidMember, true}
	ErrEINVAL         = &statusError{status: spec.StatusEINVAL}
	ErrENXIO          = &statusError{status: spec.StatusENXIO}
	ErrEEXIST         = &statusError{status: spec.StatusEEXIST}
	ErrEBUSY          = &statusError{status: spec.StatusEBUSY}
	ErrENOSPC         = &statusError{status: spec.StatusENOSPC}
	ErrEAGAIN         = &statusError{status: spec.StatusEAGAIN}
	ErrENOMEM         = &statusError{status: spec.StatusENOMEM}
)

type statusError struct {
	status    spec.Status
	qualifier spec.Qualifier
	withQual  bool
}

// Error renders the sentinel, e.g. "owner: admin status EINVAL/INVALID_MEMBER".
func (e *statusError) Error() string {
	if e.withQual {
		return fmt.Sprintf("owner: admin status %s/%s", e.status, e.qualifier)
	}
	return fmt.Sprintf("owner: admin status %s", e.status)
}

// AdminError is a command the device completed with a status other than
// OK. Opcode is the wire value; Name its name in the driver's edition.
type AdminError struct {
	Opcode    uint16
	Name      string
	Group     spec.GroupType
	Member    uint64
	Status    spec.Status
	Qualifier spec.Qualifier
}

// Error renders e.g. "owner: DEV_MODE_SET (SR-IOV member 3): EINVAL/INVALID_MEMBER".
func (e *AdminError) Error() string {
	return fmt.Sprintf("owner: %s (%s member %d): %s/%s", e.Name, e.Group, e.Member, e.Status, e.Qualifier)
}

// Is matches the status sentinels (ErrInvalidMember, ErrENXIO, …).
func (e *AdminError) Is(target error) bool {
	s, ok := target.(*statusError)
	if !ok {
		return false
	}
	return s.status == e.Status && (!s.withQual || s.qualifier == e.Qualifier)
}
