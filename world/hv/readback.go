package hv

import (
	"errors"
	"fmt"
	"strings"

	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// The hypervisor reads back what it sets and what it is told, as a careful
// owner driver does:
//
//   - draft-2023: every DEV_MODE_SET, successful or not, is followed by
//     DEV_MODE_GET (the readback oracle compares it with the mode the owner
//     knows it set, DRAFT-MODE-04);
//   - a draft context read is sized with DEV_CTX_SIZE_GET first and reads
//     into a buffer of exactly that size (virtio-1.4: METADATA_GET(SIZE)
//     before DEV_PARTS_GET(ALL), as Linux's vfio-virtio does in
//     drivers/vfio/pci/virtio/migrate.c); the readback oracle checks that
//     what came back matches the size;
//   - a member the host read while quiesced is read again before the
//     host moves it out of Freeze and once the run has settled at the end
//     of the program (an audit read): the frozen-context oracle compares the
//     images (world/ownerview/reads.go), the self-report oracle the member's digest.

// maxReadBuffer bounds the buffer a size report makes the hypervisor give
// a context read (the owner driver's command slot is 1 MiB + 4 KiB).
const maxReadBuffer = MaxReadBuffer

// MaxReadBuffer bounds the buffer of one context read (the scenario
// verb's chunk=N too).
const MaxReadBuffer = 1 << 20

// setMode sends one mode command for member vf of h: first an audit read
// when the member is frozen and was read in this epoch, then DEV_MODE_SET
// and (draft-2023) DEV_MODE_GET.
func (hv *Hypervisor) setMode(h Host, d *owner.Driver, vf int, m spec.Mode) error {
	if hv.ed == spec.Draft2023 && hv.w.OwnerFrozen(h, vf) && hv.w.Auditable(h, vf) {
		hv.audit(h, d, vf)
	}
	if hv.ed == spec.Virtio14 {
		return d.SetMode(vf, m == spec.ModeStop)
	}
	err := d.DraftSetMode(vf, m)
	var ae *owner.AdminError
	if err == nil || errors.As(err, &ae) {
		if _, gerr := d.DraftModeGet(vf); gerr != nil && err == nil {
			hv.w.Notef("hv: %s vf%d: DEV_MODE_GET after DEV_MODE_SET: %v", h.Name(), vf, gerr)
		}
	}
	return err
}

// readContext is one draft context read of member vf of h: DEV_CTX_SIZE_GET,
// then DEV_CTX_READ into a buffer of that size (and again while the device
// says more remains). Outside Freeze the context may grow between the two
// commands; a read that then fails with ENOMEM had no side effect
// (AVQ-DEV-05) and is sized and sent again, a few times, the last time
// with the largest buffer. A scenario's chunk=N fixes the buffer instead.
func (hv *Hypervisor) readContext(d *owner.Driver, vf int, chunk int) ([]byte, error) {
	if chunk > 0 {
		b, _, err := d.ReadContext(vf, chunk)
		return b, err
	}
	const attempts = 3
	for i := 1; ; i++ {
		size, err := d.SizeGet(vf, false)
		if err != nil {
			return nil, err
		}
		chunk = int(min(max(size, 8), maxReadBuffer))
		if i == attempts {
			chunk = maxReadBuffer
		}
		b, _, err := d.ReadContext(vf, chunk)
		var ae *owner.AdminError
		if i < attempts && errors.As(err, &ae) && ae.Status == spec.StatusENOMEM {
			continue
		}
		return b, err
	}
}

// audit reads member vf of h once more for the oracles: a draft context
// read, or a virtio-1.4 DEV_PARTS_GET(ALL) on an object of its own. The
// result goes nowhere but to the host's image (world/ownerview/reads.go); an error
// is noted and otherwise ignored (the member may be gone).
func (hv *Hypervisor) audit(h Host, d *owner.Driver, vf int) {
	var err error
	if hv.ed == spec.Draft2023 {
		_, err = hv.readContext(d, vf, 0)
	} else {
		err = hv.auditParts(d, vf)
	}
	if err != nil {
		hv.w.Notef("hv: audit read of %s vf%d: %v", h.Name(), vf, err)
	}
}

func (hv *Hypervisor) auditParts(d *owner.Driver, vf int) error {
	id, err := d.CreateObject(vf, spec.DevPartsObjTypeGet)
	if err != nil {
		return err
	}
	size, err := d.PartsSize(vf, id)
	if err == nil && size > 0 {
		_, err = d.PartsGetAll(vf, id, int(min(size, maxReadBuffer)))
	}
	if derr := d.DestroyObject(vf, id); err == nil {
		err = derr
	}
	return err
}

// auditAll waits until the run has settled (every other actor done, no
// device work or device timer pending) and reads every member the host
// read in its current quiesced epoch once more. Nothing is done when there
// is no such member.
func (hv *Hypervisor) auditAll() {
	w := hv.w
	if w.Reference() || !w.AnyAuditable() {
		return
	}
	hv.yield(&Req{Label: hv.name + ":settle", Ready: func() bool { return w.Stalled() || w.OthersDone() }})
	for _, h := range w.Hosts() {
		if h.Failed() || h.Index() >= len(hv.drv) || hv.drv[h.Index()] == nil {
			continue
		}
		hv.acquireDriver(h)
		for vf := 1; vf <= hv.scen.VFs; vf++ {
			if w.Auditable(h, vf) {
				hv.audit(h, hv.drv[h.Index()], vf)
			}
		}
		hv.releaseDriver(h)
	}
}

// EditionError is a flow operation the world's edition does not have: a
// draft-2023 verb under virtio-1.4 (read, write, discard, forget), a
// virtio-1.4 verb under draft-2023 (save, load, vfio, precopy,
// vfio-write), or a mode word of the other edition (freeze under
// virtio-1.4). Its verdict name is "n/a:WORD": what an `n/a WORD`
// expectation states.
type EditionError struct {
	Edition spec.Edition
	// Word is the verb or the mode word, lower case.
	Word string
	// Op is the operation as written ("mode src freeze").
	Op string
}

func (e *EditionError) Error() string {
	return fmt.Sprintf("%s has no %s (%s)", e.Edition, e.Word, e.Op)
}

// Name is the verdict name of the error: n/a:WORD.
func (e *EditionError) Name() string { return "n/a:" + e.Word }

// editionError returns the EditionError of op.
func (hv *Hypervisor) editionError(op scenario.Op, word string) error {
	text := op.Verb
	for _, a := range op.Args {
		text += " " + a.String()
	}
	return &EditionError{Edition: hv.ed, Word: strings.ToLower(word), Op: text}
}

// expectFailure applies an operation's fails=NAME: the operation must fail
// with the error of that verdict name (an admin status such as
// EINVAL/INVALID_FIELD), and the flow then goes on. A success, or another
// error, stops the flow.
func expectFailure(op scenario.Op, err error) error {
	want, ok := scenario.Lookup(op.Args, "fails")
	if !ok {
		return err
	}
	if err == nil {
		return fmt.Errorf("%s: expected it to fail with %s, it succeeded: %w", op.Verb, want, ErrUnexpectedSuccess)
	}
	if got := errName(err); got != want {
		return fmt.Errorf("%s: expected it to fail with %s, got %s: %w", op.Verb, want, got, err)
	}
	return nil
}

// ErrUnexpectedSuccess is the error of an operation marked fails=NAME that
// succeeded; its verdict name is "unexpected-success".
var ErrUnexpectedSuccess = errors.New("world: the operation was expected to fail")

// ErrHostFailed is the flow error of an operation addressed to a host the
// program crashed earlier (fail HOST): the scenario's doing, named, not a
// hang blamed on a device.
var ErrHostFailed = errors.New("world: nothing on a failed host answers")
