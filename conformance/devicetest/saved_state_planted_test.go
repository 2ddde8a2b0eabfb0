package devicetest

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// requestBug is a planted saved-state bug around a reference member: bug
// sees every admin request before the member does, may rewrite it, and
// answers it OK itself (the member never sees it) when it returns true.
type requestBug struct {
	member.Device
	bug func(req *member.AdminRequest) (answered bool)
}

func (d requestBug) Handle(ev member.Event) member.Effects {
	if ev.Kind != member.EvAdmin {
		return d.Device.Handle(ev)
	}
	ev.Admin.Data = append([]byte(nil), ev.Admin.Data...)
	if d.bug(&ev.Admin) {
		return member.Effects{Completions: []member.AdminCompletion{{Tag: ev.Admin.Tag, Status: spec.StatusOK}}}
	}
	return d.Device.Handle(ev)
}

// plant returns f with bug planted.
func plant(f member.Factory, bug func(req *member.AdminRequest) bool) member.Factory {
	return func(c member.Config) member.Device { return requestBug{Device: f(c), bug: bug} }
}

// TestDiscardKeepingBaselineChargedToDRAFTCTX03: a device that answers
// DEV_CTX_DISCARD with OK and keeps its incremental baseline returns only
// the changed fields on the next read. Every device test that reads the
// context back after a discard then fails, and each failure is charged to
// DRAFT-CTX-03, the requirement broken, naming the fields missing — not to
// the requirement of the test that happened to read its state back
// (ADM-DEV-02, DRAFT-MODE-03, PCI-DEV-03, …).
func TestDiscardKeepingBaselineChargedToDRAFTCTX03(t *testing.T) {
	keeps := plant(blk.New, func(req *member.AdminRequest) bool {
		return req.Opcode == uint16(spec.DraftOpDevCtxDiscard)
	})
	ed := spec.Draft2023
	failed := map[string]bool{}
	for _, dt := range All() {
		if !dt.AppliesTo(ed) || dt.netOnly || len(dt.knobs) > 0 {
			continue
		}
		c := runCheck(dt, ed, spec.DefaultRules(ed), keeps, extdevice.TypeBlk)
		for _, fl := range c.Fails {
			failed[dt.id+"/"+dt.name] = true
			assert.Equal(t, []string{"DRAFT-CTX-03"}, fl.Requirements, "%s: %s", dt.Unit(ed), fl.Message)
			assert.Contains(t, fl.Message, "the read after DEV_CTX_DISCARD returns", dt.Unit(ed))
		}
	}
	for _, u := range []string{"DRAFT-CTX-03/discard-restarts-full", "DRAFT-CTX-04/small-buffer-whole-fields", "DRAFT-MODE-02/reserved-modes-refused",
		"ADM-DEV-03/refused-command-no-side-effects", "DRAFT-FLR-01/flr-drops-written-context"} {
		assert.True(t, failed[u], u)
	}
}
