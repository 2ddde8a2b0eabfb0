package catalog

import (
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/world"
	"github.com/migsim/migsim/world/observe"
)

// Impacts of a finding (docs/oracles.md, "Impact of a finding").
const (
	// ImpactGuest: harm reached the guest. The finding is a guest-visible
	// oracle's (transparent, gave-up, live), or a guest-visible oracle also judged
	// damage when the run went on past the rule oracles that fired first.
	ImpactGuest = "guest-visible"
	// ImpactRule: a rule of the edition broke, and in that run no
	// guest-visible oracle judged damage, even with every rule oracle that
	// fired taken out and the run let go on to its end.
	ImpactRule = "rule-only"
	// ImpactFlow: the hypervisor's flow stopped with a named error; the
	// migration failed and the guest kept running where it was, with no
	// guest-visible damage judged.
	ImpactFlow = "flow-error"
	// ImpactBound: the run reached its step bound before it ended. That is
	// a livelock or only a run longer than the bound (a --max-steps below
	// what the migration needs): the guest's final log was never compared,
	// so nothing is claimed about the guest.
	ImpactBound = "step-bound"
)

// GuestVisible reports whether the named oracle judges what the guest
// itself observes: its log against the run without migration
// (transparent), the commands it gave up on and the waits it hung in
// (gave-up), or a run that never finishes (live).
func GuestVisible(name string) bool {
	return name == oracle.Transparent.Info().Name || name == oracle.GaveUp.Info().Name || name == engine.OracleLive
}

// ImpactOf is the impact of one finding and how it was decided.
type ImpactOf struct {
	// Impact is ImpactGuest, ImpactRule, ImpactFlow or ImpactBound; empty for a finding
	// that is a defect (scenario, panic, reference).
	Impact string
	// Rules are the rule oracles that fired in the run, in the order the
	// continued runs met them (the finding's oracle first).
	Rules []string
	// Damage is the guest-visible finding that showed the harm (the
	// finding itself for a transparent or live finding); nil otherwise.
	Damage *engine.Finding
}

// Text renders the impact with its evidence: "guest-visible (transparent
// at step 120, after frozen-context)".
func (i ImpactOf) Text() string {
	if w := i.Why(); w != "" {
		return i.Impact + " (" + w + ")"
	}
	return i.Impact
}

// Why is the impact's evidence: "transparent at step 120, after
// frozen-context", "the run went on past one-running to its end; no
// guest-visible oracle fired". Its step is numbered as every output
// numbers steps, engine.ShownStep of the damage finding's index
// (docs/traces.md, "Step numbering"): the schedule file's impact_why, the
// JSON report's and every text output say the same number.
func (i ImpactOf) Why() string {
	switch i.Impact {
	case ImpactGuest:
		if i.Damage == nil {
			return ""
		}
		s := fmt.Sprintf("%s at step %d", i.Damage.Oracle, engine.ShownStep(i.Damage.Step))
		if len(i.Rules) > 0 {
			s += ", after " + strings.Join(i.Rules, ", ")
		}
		return s
	case ImpactRule:
		return fmt.Sprintf("the run went on past %s to its end; no guest-visible oracle fired", strings.Join(i.Rules, ", "))
	case ImpactFlow:
		return "the migration stopped; no guest-visible oracle fired"
	case ImpactBound:
		s := "the run did not end within its step bound: a livelock, or only a run longer than the bound; a larger step bound (explore --max-steps) tells them apart"
		if len(i.Rules) > 0 {
			s = "after " + strings.Join(i.Rules, ", ") + ", " + s
		}
		return s
	}
	return ""
}

// maxImpactRuns bounds the continued runs of one impact derivation (one per
// rule oracle that can fire).
var maxImpactRuns = len(oracle.All())

// DeriveImpact decides a finding's impact from what the run observed. A
// guest-visible finding is ImpactGuest, a flow error ImpactFlow, a run cut
// by its step bound ImpactBound (it proves no harm to the guest). For a
// rule oracle's finding the run is replayed (leniently, from seed with
// choices, then continuing the last actor) without that oracle; when
// another rule oracle fires it is taken out too and the run replayed
// again, until a guest-visible oracle fires (ImpactGuest) or the run ends
// without one (ImpactRule). Defects have no impact.
func (t Target) DeriveImpact(seed uint64, choices []engine.Choice, f *engine.Finding) (ImpactOf, error) {
	if f == nil || defect(f) != "" {
		return ImpactOf{}, nil
	}
	if f.StepBound() {
		return ImpactOf{Impact: ImpactBound}, nil
	}
	if GuestVisible(f.Oracle) {
		return ImpactOf{Impact: ImpactGuest, Damage: f}, nil
	}
	if strings.HasPrefix(f.Oracle, oracle.ErrorPrefix) {
		return ImpactOf{Impact: ImpactFlow}, nil
	}
	out := ImpactOf{Rules: []string{f.Oracle}}
	ref, err := t.Reference(seed)
	if err != nil {
		return out, fmt.Errorf("catalog: impact of %s: %w", f.Oracle, err)
	}
	for range maxImpactRuns {
		os := withoutOracles(t.oracles(), out.Rules)
		fac := func(st engine.Streams) (engine.System, error) {
			return world.NewWorld(world.WorldConfig{Scenario: t.Scenario, Edition: t.Edition, Rules: t.Rules,
				Settings: t.Settings, Factory: t.Member, NetFactory: t.NetMember, ReferenceLog: ref, Oracles: os}, st)
		}
		res, err := engine.Run(fac, seed, engine.NewLenientReplay(choices), engine.RunConfig{MaxSteps: t.maxSteps()})
		if err != nil {
			return out, fmt.Errorf("catalog: impact of %s: %w", f.Oracle, err)
		}
		g := res.Finding
		switch {
		case g == nil, strings.HasPrefix(g.Oracle, oracle.ErrorPrefix), defect(g) != "":
			out.Impact = ImpactRule
			return out, nil
		case g.StepBound():
			out.Impact = ImpactBound
			return out, nil
		case GuestVisible(g.Oracle):
			out.Impact, out.Damage = ImpactGuest, g
			return out, nil
		case slices.Contains(out.Rules, g.Oracle):
			return out, fmt.Errorf("catalog: impact of %s: oracle %s fired although it was taken out", f.Oracle, g.Oracle)
		}
		out.Rules = append(out.Rules, g.Oracle)
	}
	return out, fmt.Errorf("catalog: impact of %s: more than %d rule oracles fired", f.Oracle, maxImpactRuns)
}

// withoutOracles returns os minus the named oracles.
func withoutOracles(os []observe.Oracle, names []string) []observe.Oracle {
	out := []observe.Oracle{}
	for _, o := range os {
		if !slices.Contains(names, o.Info().Name) {
			out = append(out, o)
		}
	}
	return out
}

// judgeImpact decides the impact, the requirement IDs and the actors
// (findingActors) of the outcome's first finding from its shrunk run (the
// unshrunk one, seed and choices, when shrinking left none) and records
// them in Finding and in Schedule's finding.
func (o *Outcome) judgeImpact(t Target, seed uint64, choices []engine.Choice) error {
	if o.Schedule != nil && o.Schedule.Finding != nil {
		seed, choices = o.Schedule.Seed, o.Schedule.Choices
	}
	if o.Finding == nil || defect(o.Finding) != "" {
		return nil
	}
	imp, err := t.DeriveImpact(seed, choices, o.Finding)
	if err != nil {
		return err
	}
	facts, slice, reason, err := t.runFacts(seed, choices)
	if err != nil {
		return err
	}
	o.Impact = imp
	reqs := FindingReqs(o.Finding, t.Edition, oracleReqs(o.Finding.Oracle), t.Scenario.Requirements, facts)
	broken := BrokenReqs(o.Finding, reqs, facts)
	actors := findingActors(o.Finding.Actors, slice)
	for _, f := range []*engine.Finding{o.Finding, o.scheduleFinding()} {
		if f != nil {
			f.Impact, f.ImpactWhy, f.Actors = imp.Impact, imp.Why(), slices.Clone(actors)
			f.Reqs, f.ReqsBroken = slices.Clone(reqs), slices.Clone(broken)
			if reason != "" && !strings.Contains(f.Message, reason) { // the device's reason for the status
				f.Message += " (" + reason + ")"
			}
		}
	}
	return nil
}

// scheduleFinding is the finding of the outcome's schedule, if any.
func (o *Outcome) scheduleFinding() *engine.Finding {
	if o.Schedule == nil {
		return nil
	}
	return o.Schedule.Finding
}

// AnnotateFinding sets the impact, the requirement IDs and the actors of
// f, the finding of a replay of sc, as the judge does (DeriveImpact,
// FindingReqs from the host-observed facts of the run, the actors of its
// causal slice): what a report shows does not depend on whether the
// schedule file recorded them, and every output that names a finding's
// requirements or actors (explore, replay, trace, report, the schedule
// file) names these. Target.AnnotateFinding does it with a
// device under test.
func AnnotateFinding(sc *schedfile.Schedule, f *engine.Finding, maxSteps int) error {
	if f == nil || defect(f) != "" {
		return nil
	}
	t, err := TargetOf(sc)
	if err != nil {
		return err
	}
	if maxSteps > 0 {
		t.MaxSteps = maxSteps
	}
	return t.AnnotateFinding(sc, f)
}

// AnnotateFinding is the package's AnnotateFinding on t: the runs that
// decide the impact build t's members (Member, NetMember) under t's step
// bound.
func (t Target) AnnotateFinding(sc *schedfile.Schedule, f *engine.Finding) error {
	if f == nil || defect(f) != "" {
		return nil
	}
	o := Outcome{Finding: f}
	return o.judgeImpact(t, sc.Seed, sc.Choices)
}
