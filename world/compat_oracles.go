package world

import (
	"errors"
	"fmt"
	"strings"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// Oracles of the compatibility flows (docs/scenarios.md).
const (
	// OracleAtomicLoad fires when a rejected load (by the compatibility
	// check or by the device) changed the destination member.
	OracleAtomicLoad = "atomic-load"
	// OracleOneRunning fires when, at the end of a migration flow that
	// succeeded or rolled back, not exactly one host runs the VM's VFs.
	OracleOneRunning = "one-running"
)

// compatErrName names a compatibility failure for verdicts: `corrupt` when
// the saved state was damaged (length, CRC, device id), `incompatible`
// for every other mismatch.
func compatErrName(err error) (string, bool) {
	var ie *devctx.IncompatibleError
	if !errors.As(err, &ie) {
		return "", false
	}
	if ie.Has(devctx.CodeCorrupt) {
		return "corrupt", true
	}
	return "incompatible", true
}

// loadSnapshot is what atomic-load compares: the member's context digest
// and observable status.
type loadSnapshot struct {
	ok     bool
	digest uint64
	st     member.Status
}

func takeLoadSnapshot(h *host, vf int) loadSnapshot {
	m, ok := h.pf.Member(vf)
	if !ok {
		return loadSnapshot{}
	}
	return loadSnapshot{ok: true, digest: m.ContextDigest(), st: m.Status()}
}

// atomicLoad runs load, one VF's write or load at destination h, and, when
// it fails, checks that the member is exactly as it was before
// (docs/compat.md, "Decision procedure", step 10; DP-DEV-08, ADM-DEV-03).
func (hv *hvActor) atomicLoad(h *host, vf int, load func() error) error {
	before := takeLoadSnapshot(h, vf)
	err := load()
	if err == nil {
		hv.compat.received[h.idx] = true
	}
	if err == nil || !before.ok {
		return err
	}
	after := takeLoadSnapshot(h, vf)
	if after == before {
		return err
	}
	name := fmt.Sprintf("%s.vf%d", h.name, vf)
	var what []string
	if after.digest != before.digest {
		what = append(what, fmt.Sprintf("context digest %#x → %#x", before.digest, after.digest))
	}
	if after.st != before.st {
		what = append(what, fmt.Sprintf("status %+v → %+v", before.st, after.st))
	}
	hv.w.report(OracleAtomicLoad, hv.w.reqs("DP-DEV-08", "ADM-DEV-03"), []string{hv.name, name},
		"%s changed although its load was rejected (%v): %s", name, err, strings.Join(what, ", "))
	return err
}

// touch records that a migration operation addressed host h.
func (c *hvCompat) touch(h *host, verb string) {
	switch verb {
	case "mode", "read", "discard", "write", "save", "load", "vfio", "precopy", "vfio-write":
		c.touched[h.idx] = true
	}
}

// vcpusHalted reports whether the guest vCPUs are halted.
func (w *World) vcpusHalted() bool {
	for _, g := range w.guests {
		if g.halted {
			return true
		}
	}
	return false
}

// checkOneRunning is the world check at the end of a migration flow that
// succeeded or rolled back: exactly one host runs the VM's VFs in
// Active/running, and it is the host the VM runs on (never both, never
// neither). A host runs them when every VF is Active and it is the source
// or a destination that took the VM's state (a write or load that
// succeeded); a destination's idle VFs, or VFs whose load was rejected, do
// not count. Source-only flows, reference runs, flows stopped by on-error=stop
// and a source that crashed or lost its VFs are not judged.
func (hv *hvActor) checkOneRunning() {
	w, c := hv.w, hv.compat
	if w.cfg.Reference || (hv.err != nil && hv.onError != "rollback") || w.hosts[0].failed || hv.vfsGone[0] {
		return
	}
	migrated := false
	for i := 1; i < len(w.hosts); i++ {
		migrated = migrated || c.touched[i]
	}
	if !migrated {
		return
	}
	var running, partial []string
	var runner *host
	for _, h := range w.hosts {
		if h.failed || hv.vfsGone[h.idx] || (h.idx != 0 && !c.received[h.idx]) {
			continue
		}
		active := 0
		for _, vf := range w.vmVFs {
			if m, ok := h.pf.Member(vf); ok && m.Status().Mode == spec.ModeActive {
				active++
			}
		}
		switch {
		case active == len(w.vmVFs):
			running = append(running, h.name)
			runner = h
		case active > 0:
			partial = append(partial, fmt.Sprintf("%s (%d of %d VFs)", h.name, active, len(w.vmVFs)))
		}
	}
	var msg string
	switch {
	case len(partial) > 0:
		msg = "VFs split across hosts: " + strings.Join(append(running, partial...), ", ") + " run some"
	case len(running) == 0:
		msg = "no host runs the VM's VFs"
	case len(running) > 1:
		msg = "the VM's VFs run on " + strings.Join(running, " and ")
	case runner != w.vm:
		msg = fmt.Sprintf("the VM's VFs run on %s but the VM runs on %s", runner.name, w.vm.name)
	default:
		return
	}
	active := w.ed.ModeName(spec.ModeActive)
	if hv.err != nil {
		file := hv.flowFile
		if file == "" {
			file = w.scen.File
		}
		msg += fmt.Sprintf(" (%s) after the rollback of %s:%d %s", active, file, hv.errOp.Line, hv.errOp.Verb)
	} else {
		msg += fmt.Sprintf(" (%s) at the end of the migration", active)
	}
	w.report(OracleOneRunning, nil, []string{hv.name}, "%s", msg)
}

// compatTransparent is checked before a compatibility error becomes the
// verdict: the flow stopped (at precheck, or at load and rolled back), so
// the guest must not have noticed anything.
func (w *World) compatTransparent() *engine.Finding {
	if w.cfg.ReferenceLog == nil {
		return nil
	}
	got, ref := w.GuestLog(), w.cfg.ReferenceLog
	for i := 0; i < len(got) || i < len(ref); i++ {
		var g, r string
		if i < len(got) {
			g = got[i]
		}
		if i < len(ref) {
			r = ref[i]
		}
		if g != r {
			return &engine.Finding{Oracle: "transparent", Reqs: w.transparentReqs(), Actors: []string{w.hv.name},
				Message: fmt.Sprintf("the guest noticed a migration that %s: entry %d of its log is %q, without migration %q",
					"stopped on a compatibility check", i, orNone(g), orNone(r))}
		}
	}
	return nil
}
