// Package failmsg words the conformance kit's failures that name no
// requirement, from the error that carried them through the engine: a
// device that broke the external-device protocol or faulted
// (extdevice.Error), one that changed its own migration mode (the world's
// member-contract guard), one that ran differently on the same choices
// (engine.ErrNotDeterministic). Each message says what the device did,
// then where, without the wrapping of the panic or error.
package failmsg

import (
	"strings"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/world/guard"
	"github.com/migsim/migsim/world/por"
)

// backendUndeclared ends the world's footprint panic of a step that
// changed the member's backend — the disk, or a net world's network —
// without declaring it (world/guard).
var backendUndeclared = "does not declare the write of " + por.ResourceName(por.ResDisk)

// Contract words the failure of a member that broke the world's member
// contract, whose message msg holds the world's panic: its own mode
// changed (guard.MemberContract), or its backend, on a step whose
// footprint does not declare it. What the device did, then where, and why
// the row cannot be judged with it; any other message is kept. Whether a
// failure is such a breach is not read from msg: the engine marks the
// finding of the guard's panic (engine.Finding.MemberContract, from
// guard.ContractError), and the kit asks the mark. The world's footprints
// declare every change the reference devices make to their backend
// (world's TestFootprintGuard_StepsThatTouchMore plants each one left
// out), so under the kit such a change is the device's: a virtio-net
// device that puts a frame on the wire while it answers a doorbell rather
// than in an execute step, say.
func Contract(msg string) string {
	if !strings.Contains(msg, guard.MemberContract) {
		if strings.Contains(msg, footprintOf) && strings.Contains(msg, backendUndeclared) {
			return backendContract(msg)
		}
		return msg
	}
	i := strings.Index(msg, guard.MemberContract)
	where := place(strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(msg[:i]), "world:")), ":"))
	msg = "the device broke the member contract: " + msg[i+len(guard.MemberContract):]
	if j := strings.Index(msg, " "+guard.FootprintNote); j >= 0 {
		if k := strings.Index(msg[j:], "]"); k >= 0 {
			msg = msg[:j] + msg[j+k+1:]
		}
	}
	if where != "" {
		msg += " (" + where + ")"
	}
	return msg + "; the simulator's reduction relies on it, so the row is not judged further with this device"
}

// footprintOf begins the world's footprint panic (world/guard).
const footprintOf = "world: footprint of "

// backendContract words the footprint panic of a step that changed the
// device's backend: the step, what the device did, and where.
func backendContract(msg string) string {
	i := strings.Index(msg, footprintOf)
	where := place(strings.TrimSuffix(strings.TrimSpace(msg[:i]), ":"))
	step := msg[i+len(footprintOf):]
	if j := strings.Index(step, " ("); j >= 0 {
		step = step[:j]
	}
	out := "the device broke the member contract: it changed its backend (put a frame on the wire, or took in, delivered or dropped one; or wrote its disk) on " +
		step + ", a step the model holds does not reach it: only the member's queue steps and backend events do"
	if where != "" {
		out += " (" + where + ")"
	}
	return out + "; the simulator's reduction relies on it, so the row is not judged further with this device"
}

// Protocol words a failure whose message holds an external
// device's error (extdevice.Error): what the device did, without the
// wrapping of the panic that carried it through the engine; where it
// happened (a step, the run without migration) follows in parentheses.
func Protocol(msg string) string {
	i := strings.Index(msg, extdevice.ErrorPrefix)
	if i < 0 {
		return msg
	}
	where, rest := strings.TrimSpace(msg[:i]), msg[i+len(extdevice.ErrorPrefix):]
	head := "the device broke the protocol: "
	if r, ok := strings.CutPrefix(rest, "protocol: "); ok {
		rest = r
	} else if r, ok := strings.CutPrefix(rest, "device fault: "); ok {
		head, rest = "the device faulted (it kept the protocol but asked for what no device may do): ", r
	}
	if where := place(strings.TrimSuffix(where, ":")); where != "" {
		rest += " (" + where + ")"
	}
	return head + rest
}

// place is where a failure happened, from the wrapping before the
// device's error: "at step N…", "in the run without migration", or ""
// (the engine's wording of how the error reached it, "the simulator
// panicked" and the "(panic)" finding it became, is not the device's
// doing and is dropped).
func place(where string) string {
	switch {
	case strings.HasPrefix(where, "at step "):
		return where
	case strings.Contains(where, "in the run without migration"):
		return "in the run without migration"
	}
	return ""
}

// NotDeterministic words the engine's determinism error: the same
// choices ran differently, so the device's effects depend on something
// other than the events it was given.
func NotDeterministic(err error) string {
	d := err.Error()
	if i := strings.Index(d, ": "+engine.ErrNotDeterministic.Error()); i >= 0 {
		d = d[:i]
	}
	if i := strings.LastIndex(d, "engine: "); i >= 0 {
		d = d[i+len("engine: "):]
	}
	for _, p := range []string{"memo: ", "dfs: "} {
		d = strings.TrimPrefix(d, p)
	}
	return "the device is not deterministic: the same events gave different effects (" + d + ")"
}
