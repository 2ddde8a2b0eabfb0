package catalog

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
	"github.com/migsim/migsim/world/record"
)

// RunFacts are what a run exercised, read from its trace up to its end
// (the finding): the operations a requirement can be about.
type RunFacts struct {
	// Modes are the modes a DEV_MODE_SET that completed with OK set, in
	// first-seen order (virtio-1.4's stop is ModeStop, resume ModeActive).
	Modes []spec.Mode
	// Commands are the admin opcodes that completed with OK, by name, in
	// first-seen order.
	Commands []string
	// FLR and Reset: a member had a function-level reset or a virtio reset
	// in progress at some point.
	FLR, Reset bool
}

// FactsOf reads the facts of a recorded trace.
func FactsOf(ed spec.Edition, events []record.TraceEvent) RunFacts {
	var f RunFacts
	for _, e := range events {
		switch e.Kind {
		case record.TraceState:
			f.FLR = f.FLR || e.State.FLRPending
			f.Reset = f.Reset || e.State.ResetPending
		case record.TraceAdmin:
			if len(e.AdminResult) < 2 || spec.Status(binary.LittleEndian.Uint16(e.AdminResult)) != spec.StatusOK {
				continue
			}
			if !slices.Contains(f.Commands, e.Text) {
				f.Commands = append(f.Commands, e.Text)
			}
			if e.Text != "DEV_MODE_SET" || len(e.Admin) <= 24 {
				continue
			}
			m := spec.Mode(e.Admin[24])
			if ed == spec.Virtio14 {
				m = spec.ModeActive
				if e.Admin[24]&1 != 0 {
					m = spec.ModeStop
				}
			}
			if !slices.Contains(f.Modes, m) {
				f.Modes = append(f.Modes, m)
			}
		}
	}
	return f
}

func (f RunFacts) mode(m spec.Mode) bool { return slices.Contains(f.Modes, m) }
func (f RunFacts) cmd(name string) bool  { return slices.Contains(f.Commands, name) }
func (f RunFacts) quiesced() bool        { return f.mode(spec.ModeStop) || f.mode(spec.ModeFreeze) }
func (f RunFacts) resetDuringMode() bool { return (f.FLR || f.Reset) && f.cmd("DEV_MODE_SET") }
func (f RunFacts) partsOrModeSet() bool  { return f.cmd("DEV_PARTS_SET") || f.cmd("DEV_MODE_SET") }
func (f RunFacts) ctxRead() bool         { return f.cmd("DEV_CTX_READ") }
func (f RunFacts) ctxWrite() bool        { return f.cmd("DEV_CTX_WRITE") }
func (f RunFacts) stopped() bool         { return f.mode(spec.ModeStop) }
func (f RunFacts) frozen() bool          { return f.mode(spec.ModeFreeze) }
func (f RunFacts) flr() bool             { return f.FLR }
func (f RunFacts) partsSet() bool        { return f.cmd("DEV_PARTS_SET") }
func (f RunFacts) partsGet() bool        { return f.cmd("DEV_PARTS_GET") }

// reqTriggers says, for the requirements a guest-visible finding or a flow
// error can name, which operation a run must have exercised for the
// requirement to be involved. A requirement not listed here is named by a
// rule oracle's own finding only (ReportReqs: the rule that broke).
var reqTriggers = map[string]func(RunFacts) bool{
	"DRAFT-STOP-01": RunFacts.stopped,
	"DRAFT-STOP-02": RunFacts.stopped,
	"DRAFT-STOP-03": RunFacts.stopped,
	"DRAFT-FRZ-01":  RunFacts.frozen,
	"DRAFT-FRZ-02":  RunFacts.frozen,
	"DRAFT-FRZ-03":  RunFacts.frozen,
	"DRAFT-FLOW-01": RunFacts.frozen,
	"DRAFT-FLOW-02": RunFacts.frozen,
	"DRAFT-CTX-01":  RunFacts.ctxWrite,
	"DRAFT-CTX-02":  RunFacts.ctxRead,
	"DRAFT-CTX-05":  RunFacts.ctxWrite,
	"DRAFT-FLR-01":  RunFacts.flr,
	"DRAFT-SYNC-01": RunFacts.resetDuringMode,
	"DRAFT-PCI-01":  RunFacts.quiesced,
	"DP-DEV-03":     RunFacts.partsGet,
	"DP-DEV-06":     RunFacts.partsSet,
	"DP-DEV-08":     RunFacts.partsOrModeSet,
	"DP-DEV-09":     RunFacts.stopped,
	"DP-DEV-10":     RunFacts.stopped,
	"DP-DEV-11":     RunFacts.stopped,
	"DP-DEV-12":     RunFacts.resetDuringMode,
	"DP-DEV-14":     RunFacts.flr,
	"DP-DRV-01":     RunFacts.partsSet,
	"DP-DRV-03":     RunFacts.stopped,
}

// FindingReqs derives the requirement IDs of a finding from what its run
// exercised:
//   - a rule oracle's finding keeps the IDs the oracle reported: the
//     requirement of the rule that broke (observe.Pass.ReportReqs);
//   - a guest-visible finding (transparent, live), a flow error or a rule
//     oracle's finding that names no requirement (one-running) names
//     the requirements of its oracle and of the scenario that apply to the
//     edition and whose operation the run exercised (reqTriggers): a
//     transparent finding after a Stop names the Stop rules, one after a
//     context write the write's rule, one after neither none.
//
// Defects name none, and so does a run cut by its step bound (it broke
// no requirement that can be told). The result is sorted in requirement-catalog order of
// first appearance: the oracle's IDs first, then the scenario's.
func FindingReqs(f *engine.Finding, ed spec.Edition, oracleReqs, scenarioReqs []string, facts RunFacts) []string {
	if f == nil || defect(f) != "" || f.StepBound() {
		return nil
	}
	if !GuestVisible(f.Oracle) && !isFlowError(f.Oracle) && len(f.Reqs) > 0 {
		return slices.Clone(f.Reqs)
	}
	var out []string
	for _, id := range append(slices.Clone(oracleReqs), scenarioReqs...) {
		r, ok := spec.LookupRequirement(id)
		trig, known := reqTriggers[id]
		if !ok || !r.AppliesTo(ed) || !known || !trig(facts) || slices.Contains(out, id) {
			continue
		}
		out = append(out, id)
	}
	return out
}

func isFlowError(name string) bool {
	return strings.HasPrefix(name, oracle.ErrorPrefix)
}

// RunFactsOf replays a finding's run leniently (seed, choices) with every
// oracle of the target and the trace recorded, and returns what it
// exercised.
func (t Target) RunFactsOf(seed uint64, choices []engine.Choice) (RunFacts, error) {
	ref, err := t.Reference(seed)
	if err != nil {
		return RunFacts{}, fmt.Errorf("catalog: run facts: %w", err)
	}
	var w *world.World
	fac := func(st engine.Streams) (engine.System, error) {
		var err error
		w, err = world.NewWorld(world.WorldConfig{Scenario: t.Scenario, Edition: t.Edition, Rules: t.Rules,
			Settings: t.Settings, Factory: t.Member, NetFactory: t.NetMember, ReferenceLog: ref, Record: true, Oracles: t.oracles()}, st)
		return w, err
	}
	if _, err := engine.Run(fac, seed, engine.NewLenientReplay(choices), engine.RunConfig{MaxSteps: t.maxSteps()}); err != nil {
		return RunFacts{}, fmt.Errorf("catalog: run facts: %w", err)
	}
	if w == nil {
		return RunFacts{}, fmt.Errorf("catalog: run facts: no world was built")
	}
	return FactsOf(t.Edition, w.Events()), nil
}

// oracleReqs returns the requirement IDs the named oracle's info lists.
func oracleReqs(name string) []string {
	if o, ok := oracle.Lookup(name); ok {
		return o.Info().Reqs
	}
	return nil
}
