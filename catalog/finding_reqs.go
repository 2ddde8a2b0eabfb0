package catalog

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/migsim/migsim/catalog/runfacts"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
	"github.com/migsim/migsim/world/record"
)

// RunFacts are what the host observed of a finding's run (runfacts.Of).
type RunFacts = runfacts.Facts

func has[T comparable](list []T, v T) bool { return slices.Contains(list, v) }

func cmd(f RunFacts, name string) bool { return has(f.Commands, name) }
func resetDuringMode(f RunFacts) bool  { return (f.FLR || f.Reset) && cmd(f, "DEV_MODE_SET") }
func partsOrModeSet(f RunFacts) bool   { return cmd(f, "DEV_PARTS_SET") || cmd(f, "DEV_MODE_SET") }
func ctxRead(f RunFacts) bool          { return cmd(f, "DEV_CTX_READ") }
func ctxWrite(f RunFacts) bool         { return cmd(f, "DEV_CTX_WRITE") }
func stopped(f RunFacts) bool          { return has(f.Modes, spec.ModeStop) }
func frozen(f RunFacts) bool           { return has(f.Modes, spec.ModeFreeze) }
func flr(f RunFacts) bool              { return f.FLR }
func partsSet(f RunFacts) bool         { return cmd(f, "DEV_PARTS_SET") }
func partsGet(f RunFacts) bool         { return cmd(f, "DEV_PARTS_GET") }
func partsMoved(f RunFacts) bool       { return partsGet(f) || partsSet(f) }
func reachedStopped(f RunFacts) bool   { return has(f.Reached, spec.ModeStop) }
func writtenInStop(f RunFacts) bool    { return has(f.Written, spec.ModeStop) }
func notifiedFrozen(f RunFacts) bool   { return has(f.Notified, spec.ModeFreeze) }
func devCfgFrozen(f RunFacts) bool     { return has(f.DevCfgWritten, spec.ModeFreeze) }
func reachedQuiesced(f RunFacts) bool  { return reachedStopped(f) || has(f.Reached, spec.ModeFreeze) }
func halvesAcrossMode(f RunFacts) bool { return f.HalvesAcrossMode }

// broke returns the trigger of a driver-side rule: the host saw it broken.
func broke(id string) func(RunFacts) bool {
	return func(f RunFacts) bool { return has(f.Broken, id) }
}

// deviceBroke returns the trigger of a device requirement the host saw a
// member break by accepting a command (RunFacts.DeviceBroken).
func deviceBroke(id string) func(RunFacts) bool {
	return func(f RunFacts) bool { return has(f.DeviceBroken, id) }
}

// driverExplains lists, for each driver MUST the host can see broken, the
// device requirements whose breach it explains on the member it concerns:
// a vCPU that still accesses a frozen member (DRAFT-FLOW-02) sees what a
// frozen device does with its accesses, and the context migrated from it
// lacks them, which is not the device's doing; a DEV_PARTS_SET sent to a running member (DP-DRV-01) has values
// checked against a member the driver had not stopped. A device
// requirement it does not list (an FLR's, a reset's) stays the device's.
var driverExplains = map[string][]string{
	"DRAFT-FLOW-02": {"DRAFT-FRZ-01", "DRAFT-FRZ-02", "DRAFT-FRZ-03", "DRAFT-PCI-01", "DRAFT-CTX-01", "DRAFT-CTX-02", "DRAFT-CTX-05"},
	"DP-DRV-01":     {"DP-DEV-06"},
}

// reqTriggers says, for the requirements a guest-visible finding or a flow
// error can name, what the host must have observed for the requirement to
// be involved: a device-side requirement, the operation it is about (a
// requirement about what a device does with the driver's requests in Stop,
// a request reaching a stopped member); a driver-side one, the host seeing
// it broken. A requirement not listed here is named by a rule oracle's own
// finding only (ReportReqs: the rule that broke).
var reqTriggers = map[string]func(RunFacts) bool{
	"DRAFT-STOP-01": stopped,
	"DRAFT-STOP-02": stopped,
	"DRAFT-STOP-03": writtenInStop,
	"DRAFT-FRZ-01":  notifiedFrozen,
	"DRAFT-FRZ-02":  frozen,
	"DRAFT-FRZ-03":  devCfgFrozen,
	"DRAFT-FLOW-01": broke("DRAFT-FLOW-01"),
	"DRAFT-FLOW-02": broke("DRAFT-FLOW-02"),
	"DRAFT-CTX-01":  ctxWrite,
	"DRAFT-CTX-02":  ctxRead,
	"DRAFT-CTX-05":  ctxWrite,
	"DRAFT-CTX-09":  ctxRead,
	"DRAFT-FLR-01":  flr,
	"DRAFT-SYNC-01": resetDuringMode,
	"DRAFT-PCI-01":  reachedQuiesced,
	// A 64-bit field written in halves with a mode change of the member
	// between them: the member had to keep the lone half (PCI-DEV-02's
	// independent halves) across it, and carry it in what it migrated.
	"PCI-DEV-02": halvesAcrossMode,
	"DP-DEV-03":  partsGet,
	"DP-DEV-06":  partsSet,
	"DP-DEV-08":  partsOrModeSet,
	"DP-DEV-09":  stopped,
	"DP-DEV-10":  reachedStopped,
	"DP-DEV-11":  stopped,
	"DP-DEV-12":  resetDuringMode,
	"DP-DEV-14":  flr,
	"DP-DEV-04":  deviceBroke("DP-DEV-04"),
	"DP-DRV-01":  broke("DP-DRV-01"),
	"DP-DRV-03":  broke("DP-DRV-03"),
	// The virtio-net CVQ parts (the receive filters, the MAC and VLAN
	// tables, the queue pairs) are in every parts result a GET returns and
	// every SET the owner writes back.
	"NET-PART-01": partsMoved,
	"NET-PART-02": partsMoved,
	"NET-PART-03": partsMoved,
}

// FindingReqs derives the requirement IDs of a finding from what the host
// observed of its run:
//   - a rule oracle's finding keeps the IDs the oracle reported: the
//     requirement of the rule that broke (observe.Pass.ReportReqs);
//   - a guest-visible finding (transparent, live), a flow error or a rule
//     oracle's finding that names no requirement (one-running) names the
//     driver-side rules the host saw broken (Broken) and the
//     requirements of its oracle and of the scenario that apply to the
//     edition and that the run involved (reqTriggers): a transparent
//     finding after a write reached a member in Stop names the Stop rule,
//     one after a context write the write's rule, one after neither none;
//   - but a device requirement whose breach a driver MUST the host saw
//     broken explains (driverExplains) is left out when only the members
//     that driver violation concerns exercised it (its trigger does not
//     hold on the facts of the other members): a hypervisor that freezes
//     a member its vCPUs still access breaks DRAFT-FLOW-02, and what the
//     guest then sees of the frozen member is not the device's doing; the
//     device requirements the host saw broken (DeviceBroken) stay.
//
// Defects name none, and so does a run cut by its step bound (it broke
// no requirement that can be told). The result keeps the order of first
// appearance: the oracle's IDs, then the scenario's, then the broken rules
// neither lists.
func FindingReqs(f *engine.Finding, ed spec.Edition, oracleReqs, scenarioReqs []string, facts RunFacts) []string {
	if f == nil || defect(f) != "" || f.StepBound() {
		return nil
	}
	if !GuestVisible(f.Oracle) && !isFlowError(f.Oracle) && len(f.Reqs) > 0 {
		return slices.Clone(f.Reqs)
	}
	var out []string
	for _, id := range slices.Concat(oracleReqs, scenarioReqs, facts.Broken, facts.DeviceBroken) {
		r, ok := spec.LookupRequirement(id)
		trig, known := reqTriggers[id]
		if !ok || !r.AppliesTo(ed) || !known || !trig(facts) || slices.Contains(out, id) ||
			r.Side == spec.SideDevice && !has(facts.DeviceBroken, id) && explained(id, ed, facts, trig) {
			continue
		}
		out = append(out, id)
	}
	return out
}

// Untriggered returns the IDs of ids, in order, whose requirement trigger
// (the one FindingReqs reads) is known and does not hold on facts: the
// run did not involve what they are about. A requirement without a
// trigger is never listed: whether a run involved it cannot be told from
// what the host observed.
func Untriggered(ids []string, facts RunFacts) []string {
	var out []string
	for _, id := range ids {
		if trig, known := reqTriggers[id]; known && !trig(facts) {
			out = append(out, id)
		}
	}
	return out
}

// BrokenReqs returns the IDs of reqs, f's FindingReqs, that a check judged
// broken: all of them for a rule oracle's finding (the rule it saw
// broken), else the rules the host saw broken (Broken, DeviceBroken). The
// others are involved only: the run exercised what they are about.
func BrokenReqs(f *engine.Finding, reqs []string, facts RunFacts) []string {
	if f == nil || len(reqs) == 0 {
		return nil
	}
	if !GuestVisible(f.Oracle) && !isFlowError(f.Oracle) && len(f.Reqs) > 0 {
		return slices.Clone(reqs)
	}
	var out []string
	for _, id := range reqs {
		if has(facts.Broken, id) || has(facts.DeviceBroken, id) {
			out = append(out, id)
		}
	}
	return out
}

// explained reports whether device requirement id, whose trigger trig
// holds on facts, is explained by a driver MUST the host saw broken: the
// trigger does not hold on the merged facts of the members where no
// such violation was seen.
func explained(id string, ed spec.Edition, facts RunFacts, trig func(RunFacts) bool) bool {
	excuses := func(broken []string) bool {
		for _, b := range broken {
			if r, ok := spec.LookupRequirement(b); ok && r.AppliesTo(ed) && r.Level == spec.LevelMust &&
				slices.Contains(driverExplains[b], id) {
				return true
			}
		}
		return false
	}
	if !excuses(facts.Broken) {
		return false
	}
	var rest []*RunFacts
	for _, k := range slices.Sorted(maps.Keys(facts.Members)) {
		if m := facts.Members[k]; !excuses(m.Broken) {
			rest = append(rest, m)
		}
	}
	return !trig(runfacts.Merge(rest...))
}

func isFlowError(name string) bool {
	return strings.HasPrefix(name, oracle.ErrorPrefix)
}

// RunFactsOf replays a finding's run leniently (seed, choices) with every
// oracle of the target and the trace recorded, and returns what it
// exercised.
func (t Target) RunFactsOf(seed uint64, choices []engine.Choice) (RunFacts, error) {
	facts, _, _, err := t.runFacts(seed, choices)
	return facts, err
}

// runFacts is RunFactsOf that also returns the actors of the replayed
// run's causal slice (SliceActors) and, for a flow error on a failed admin
// command, the failing member's reason for it ("dst.vf1: DEV_CTX_WRITE
// outside Freeze"; record.AdminReason).
func (t Target) runFacts(seed uint64, choices []engine.Choice) (RunFacts, []string, string, error) {
	ref, err := t.Reference(seed)
	if err != nil {
		return RunFacts{}, nil, "", fmt.Errorf("catalog: run facts: %w", err)
	}
	var w *world.World
	fac := func(st engine.Streams) (engine.System, error) {
		var err error
		w, err = world.NewWorld(world.WorldConfig{Scenario: t.Scenario, Edition: t.Edition, Rules: t.Rules,
			Settings: t.Settings, Factory: t.Member, NetFactory: t.NetMember, ReferenceLog: ref, Record: true, Oracles: t.oracles()}, st)
		return w, err
	}
	res, err := engine.Run(fac, seed, engine.NewLenientReplay(choices), engine.RunConfig{MaxSteps: t.maxSteps()})
	if err != nil {
		return RunFacts{}, nil, "", fmt.Errorf("catalog: run facts: %w", err)
	}
	if w == nil {
		return RunFacts{}, nil, "", fmt.Errorf("catalog: run facts: no world was built")
	}
	reason := ""
	if f := res.Finding; f != nil && isFlowError(f.Oracle) {
		if who, why := record.AdminReason(w.Events(), f.Message); why != "" {
			reason = who + ": " + why
		}
	}
	return runfacts.Of(t.Edition, t.Rules, t.Scenario, w.Events()), SliceActors(res, w.IsActor, w.ActorName), reason, nil
}

// oracleReqs returns the requirement IDs the named oracle's info lists.
func oracleReqs(name string) []string {
	if o, ok := oracle.Lookup(name); ok {
		return o.Info().Reqs
	}
	return nil
}
