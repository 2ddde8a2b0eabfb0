package observe

// OracleInfo describes an oracle: what findings, documents and the CLI say
// about it.
type OracleInfo struct {
	// Name names the oracle in findings and expectations ("frozen-context").
	Name string
	// Doc is its one-line meaning.
	Doc string
	// Reqs are the requirement IDs it checks (spec.LookupRequirement), in
	// every edition; a finding carries those that apply to the world's.
	Reqs []string
	// Observes says what a host observes that the oracle judges.
	Observes string
}

// Oracle is a check the world runs. It implements one or more of the hook
// interfaces below; HooksOf says which.
type Oracle interface {
	Info() OracleInfo
}

// EventOracle runs after every event delivered to a PF or a member (a TLP,
// an internal step, a timer, a backend change), before its effects are
// routed.
type EventOracle interface {
	Oracle
	CheckEvent(p *EventPass)
}

// PerEventOracle is an EventOracle that judges every event on its own:
// what it reports depends only on the pass it is handed, and it keeps
// nothing from one event to the next. A search that replays a step an
// earlier run already judged (dfs re-running the path to the decision it
// branches at) leaves such oracles out on that step: on a deterministic
// world they would report what they reported then, nothing. An event
// oracle that is not one keeps every event oracle running on every step.
type PerEventOracle interface {
	EventOracle
	// PerEvent marks the oracle; it does nothing.
	PerEvent()
}

// MemberwiseOracle is an EventOracle that judges each member of
// EventPass.Members on its own: for a member that did not change across
// the event (After equals Before, ContextChanged not known), whether it
// reports that member follows from the member's status and what the host
// knows of it (OwnerView) alone, not from the event, the time or the
// other members. A world whose event oracles all are may leave out of a
// PF event's Members a member that did not handle the event and that an
// earlier pass of the run, which found nothing, showed with the same
// status and owner view: such an oracle would judge it as it did then.
// An event oracle that is not one sees every member on every PF event.
type MemberwiseOracle interface {
	EventOracle
	// Memberwise marks the oracle; it does nothing.
	Memberwise()
}

// StateHasher is an oracle that keeps state of its own from one hook to
// the next (what it saw, to judge later events with) and hashes it. An
// oracle that keeps state is either one or a value that holds nothing (a
// struct without fields, or a pointer to one) keeping it outside itself,
// which it must not: a search that skips a step it judged before from the
// same world state and the same oracle state (Set.StateHash) relies on
// it. The built-in oracles hold nothing: what they remember is the hosts'
// records of their members (package ownerview), which the world hashes.
type StateHasher interface {
	Oracle
	// StateHash hashes everything the oracle keeps.
	StateHash() uint64
}

// ReceivedOracle runs when the owner driver received the completion of a
// command it sent to a member: what the host learned from it (a mode read
// back, a context read, a status).
type ReceivedOracle interface {
	Oracle
	CheckReceived(p *ReceivedPass)
}

// LoadOracle runs when a load of saved state into a destination member (a
// draft DEV_CTX_WRITE, a virtio-1.4 load, a VFIO stream write) was
// rejected, by the compatibility check or by the device.
type LoadOracle interface {
	Oracle
	CheckRejectedLoad(p *LoadPass)
}

// FlowOracle runs once, when the hypervisor's program ends (after a
// rollback when it asked for one).
type FlowOracle interface {
	Oracle
	CheckFlowEnd(p *FlowPass)
}

// FinishOracle runs when the run ends without an earlier finding: every
// actor finished or gave up waiting.
type FinishOracle interface {
	Oracle
	CheckFinish(p *FinishPass)
}

// Hook names one of the world's observation points.
type Hook string

// The hooks, in the order a run reaches them.
const (
	HookEvent        Hook = "event"
	HookReceived     Hook = "received"
	HookRejectedLoad Hook = "rejected-load"
	HookFlowEnd      Hook = "flow-end"
	HookFinish       Hook = "finish"
)

// Hooks lists every hook in order.
var Hooks = []Hook{HookEvent, HookReceived, HookRejectedLoad, HookFlowEnd, HookFinish}

// Doc says when the hook runs and what its pass carries.
func (h Hook) Doc() string {
	switch h {
	case HookEvent:
		return "after every event delivered to a PF or a member: the members' status before and after (their own " +
			"account) and what the host knows of them (OwnerView), their context digest around the PF's admin steps, " +
			"the guest-memory accesses, the MSI-X messages and the admin commands completed during the event"
	case HookReceived:
		return "when the owner driver read the completion of a command it sent to a member: the command, " +
			"its status and result, what the host knew of the member before and after (OwnerView) and, for a " +
			"complete context or parts read, the host's image of the context and the reference image of the " +
			"quiesced epoch"
	case HookRejectedLoad:
		return "when a load of saved state into a destination member was rejected: the member's status and " +
			"context before the load and after the rejection, and the error"
	case HookFlowEnd:
		return "once, when the hypervisor's program ends: how it ended, each host's state (failed, VFs gone, " +
			"addressed by a migration operation, took the VM's state) and the host the VM runs on"
	case HookFinish:
		return "when the run ends without an earlier finding: how the hypervisor's program ended, the guest's " +
			"log (with the troubles its drivers recorded: commands given up on, failed requests, waits that ended " +
			"with requests outstanding) and the log of the run without migration"
	}
	return string(h)
}

// hookOrder lists the hooks in the order hookKinds reports them.
var hookOrder = [5]Hook{HookEvent, HookReceived, HookRejectedLoad, HookFlowEnd, HookFinish}

// hookKinds says, in hookOrder, which hooks o runs at: the one list of
// the hooks' interfaces.
func hookKinds(o Oracle) [5]bool {
	_, ev := o.(EventOracle)
	_, recv := o.(ReceivedOracle)
	_, load := o.(LoadOracle)
	_, flow := o.(FlowOracle)
	_, fin := o.(FinishOracle)
	return [5]bool{ev, recv, load, flow, fin}
}

// hasHook reports whether o runs at any hook (HooksOf is not empty),
// without building the list.
func hasHook(o Oracle) bool { return hookKinds(o) != [5]bool{} }

// HooksOf lists the hooks o runs at, in order.
func HooksOf(o Oracle) []Hook {
	var out []Hook
	for i, ok := range hookKinds(o) {
		if ok {
			out = append(out, hookOrder[i])
		}
	}
	return out
}
