package oracle

import (
	"fmt"
	"strings"

	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/observe"
)

// OneRunning is the one-running oracle: at the end of a migration flow that
// succeeded or rolled back, exactly one host runs the VM's VFs, the one the
// VM runs on.
var OneRunning observe.FlowOracle = oneRunning{}

type oneRunning struct{}

var oneRunningInfo = observe.OracleInfo{
	Name: "one-running",
	Doc:  "at the end of a migration that succeeded or rolled back, exactly one host runs the VM's VFs: the one the VM runs on",
	Observes: "the mode the owner last set for every VF of the VM on every host (the completions its driver received, an " +
		"FLR it saw and mode-after-flr) once the hypervisor's flow is over, and the host the VM runs on; a destination's VF " +
		"the VM does not run on, wiped by an FLR the host saw end after its last successful state write and reached by no " +
		"memory write since, runs nothing of the VM whatever its mode",
}

func (oneRunning) Info() observe.OracleInfo { return oneRunningInfo }

// CheckFlowEnd: a host runs the VM's VFs when the owner knows every VF is
// Active (running) and it is
// the source or a destination that took the VM's state (a write or load
// that succeeded); a destination's idle VFs, or VFs whose load was
// rejected, do not count. Nor does a VF of a destination the VM does not
// run on that an FLR wiped after its last state write (Wiped): reset,
// device_status 0, no queues, nothing of the VM's state (DRAFT-FLR-01,
// DP-DEV-14), and no driver reached it since, so it runs no part of the
// VM whatever its mode (a hypervisor that abandons the destination leaves
// it so; vfio-pci resets it again when it is released). Source-only flows
// (no migration operation addressed another host, and the VM stays on the
// source), runs without migration, flows
// stopped by on-error=stop and a source that crashed or lost its VFs are
// not judged.
func (oneRunning) CheckFlowEnd(p *observe.FlowPass) {
	f := p.Flow
	if p.Reference || (f.Err != nil && f.OnError != "rollback") || p.Hosts[0].Failed || p.Hosts[0].VFsGone {
		return
	}
	// A flow that switched the VM over to another host migrated it,
	// whether or not a migration command addressed that host.
	migrated := p.VMHost != p.Hosts[0].Name
	for _, h := range p.Hosts[1:] {
		migrated = migrated || h.Touched
	}
	if !migrated {
		return
	}
	var running, partial, byFLR []string
	runner := ""
	for i, h := range p.Hosts {
		if h.Failed || h.VFsGone || (i != 0 && !h.Received) {
			continue
		}
		var active, flrRan []int
		vfs := p.VMVFs()
		abandoned := i != 0 && h.Name != p.VMHost
		for _, vf := range vfs {
			if v := p.Owner(h.Name, vf); v.Running() && !(abandoned && v.Wiped) {
				active = append(active, vf)
				if v.RanByFLR {
					flrRan = append(flrRan, vf)
				}
			}
		}
		if len(flrRan) > 0 {
			byFLR = append(byFLR, fmt.Sprintf("%s: %s", h.Name, vfList(flrRan)))
		}
		switch {
		case len(active) == len(vfs):
			running = append(running, h.Name)
			runner = h.Name
		case len(active) > 0:
			partial = append(partial, fmt.Sprintf("%s runs %d of %d: %s", h.Name, len(active), len(vfs), vfList(active)))
		}
	}
	var msg string
	switch {
	case len(partial) > 0:
		var all []string
		for _, h := range running {
			all = append(all, h+" runs them all")
		}
		msg = "VFs split across hosts: " + strings.Join(append(all, partial...), ", ")
	case len(running) == 0:
		msg = "no host runs the VM's VFs"
	case len(running) > 1:
		msg = "the VM's VFs run on " + strings.Join(running, " and ")
	case runner != p.VMHost:
		msg = fmt.Sprintf("the VM's VFs run on %s but the VM runs on %s", runner, p.VMHost)
	default:
		return
	}
	active := p.Edition().ModeName(spec.ModeActive)
	if f.Err != nil {
		msg += fmt.Sprintf(" (%s) after the rollback of %s:%d %s", active, f.File, f.Line, f.Verb)
	} else {
		msg += fmt.Sprintf(" (%s) at the end of the migration", active)
	}
	if len(byFLR) > 0 {
		msg += fmt.Sprintf("; running again since an FLR ended after the owner quiesced them (mode-after-flr=running), "+
			"with no mode command since: %s", strings.Join(byFLR, ", "))
	}
	p.Report([]string{f.Actor}, "%s", msg)
}

// maxVFRuns bounds the runs of VFs a one-running message lists.
const maxVFRuns = 8

// vfList names VFs (ascending) as runs: "vf1-vf3, vf7", at most maxVFRuns
// runs and a count of the rest.
func vfList(vfs []int) string {
	var runs []string
	rest := 0
	for i := 0; i < len(vfs); {
		j := i
		for j+1 < len(vfs) && vfs[j+1] == vfs[j]+1 {
			j++
		}
		switch {
		case len(runs) == maxVFRuns:
			rest += j - i + 1
		case j == i:
			runs = append(runs, fmt.Sprintf("vf%d", vfs[i]))
		default:
			runs = append(runs, fmt.Sprintf("vf%d-vf%d", vfs[i], vfs[j]))
		}
		i = j + 1
	}
	if rest > 0 {
		runs = append(runs, fmt.Sprintf("%d more", rest))
	}
	return strings.Join(runs, ", ")
}
