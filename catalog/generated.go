package catalog

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/scenario/gen"
	"github.com/migsim/migsim/spec"
)

// GeneratedShrinkReplays bounds the shrinking of a generated scenario's
// findings: the properties compare verdicts and replays, not minimal
// schedules.
const GeneratedShrinkReplays = 40

// PropertyError is a metamorphic property a generated scenario broke:
// Property names it (parse-print, check, reference, reference-self, jobs,
// replay, plain-migration, panic).
type PropertyError struct {
	Property string
	Scenario string
	Msg      string
}

func (e *PropertyError) Error() string {
	return fmt.Sprintf("catalog: generated scenario %s: property %s: %s", e.Scenario, e.Property, e.Msg)
}

func propErr(s *scenario.Scenario, prop, format string, args ...any) error {
	return &PropertyError{Property: prop, Scenario: s.Name, Msg: fmt.Sprintf(format, args...)}
}

// CheckGenerated runs the metamorphic properties every generated scenario
// must have:
//   - parse-print: Format parses back to an Equal scenario with the same
//     hash; check: the vocabulary accepts it;
//   - reference: the run without migration has no finding, and
//     reference-self: the guest's log does not depend on the schedule.
//     Before judging, refSchedules random and refSchedules pct schedules
//     without migration each pass transparent against their own seed's
//     log (the race check's runs, Target.RaceCaveat, without the
//     finding's schedule: there is no finding yet to replay); after, an
//     expectation whose judge found a transparent violation has no race
//     caveat from the judge's own check (the finding's schedule replayed
//     without migration, then the random and pct runs);
//   - jobs: every expectation gets the same verdict, finding index and
//     exploration with 1 and with 2 jobs; panic: no run panics;
//   - replay: the shrunk schedule of a finding, written and read back,
//     replays with the same oracle and trace hash;
//   - plain-migration: with the vCPUs halted for the whole migration,
//     default knobs and implementations, no peer and no WCE write under
//     virtio-1.4 (no part carries the device configuration;
//     docs/questions.md), the edition's plain migration passes.
func CheckGenerated(ctx context.Context, s *scenario.Scenario, refSchedules int) error {
	back, err := scenario.ParseScenario(s.File, []byte(s.Format()))
	if err != nil {
		return propErr(s, "parse-print", "%v\n%s", err, s.Format())
	}
	if !scenario.Equal(s, back) || back.Hash != scenario.CanonicalHash(s) {
		return propErr(s, "parse-print", "the print does not parse back to the same scenario:\n%s", s.Format())
	}
	if err := CheckScenario(s); err != nil {
		return propErr(s, "check", "%v\n%s", err, s.Format())
	}
	for _, e := range s.Expect {
		// The reference check and both judges run the row's target with
		// the same scenario, edition, knobs, settings, member and
		// oracles: a seed's run without migration is one run for the
		// three of them (the race check's schedule 0 is the judges'
		// first seed), run once.
		refs := &referenceLogs{}
		if err := checkReference(s, e, refSchedules, refs); err != nil {
			return err
		}
		if err := checkJobs(ctx, s, e, refs); err != nil {
			return err
		}
	}
	for _, ed := range spec.Editions {
		if err := checkPlainMigration(ctx, s, ed); err != nil {
			return err
		}
	}
	return nil
}

func checkReference(s *scenario.Scenario, e scenario.Expectation, schedules int, refs *referenceLogs) error {
	t, err := NewTarget(s, e.Edition, e.Knobs, nil)
	if err != nil {
		return propErr(s, "check", "%v", err)
	}
	t.Settings = e.Settings
	// The race runs below judge each seed against its own reference run,
	// the same run for the random and the pct schedule of one seed: run
	// it once (as Judge shares its row's), in refs, which the row's
	// judges share too.
	t.refs = refs
	b := s.BudgetFor(e.Edition)
	if _, err := t.Reference(b.Seed); err != nil {
		return propErr(s, "reference", "%v", err)
	}
	for _, evidence := range []string{RaceEvidenceRandom, RaceEvidencePCT} {
		race, err := t.referenceRaces(context.Background(), b.Seed, schedules, evidence, 0, 0, schedules)
		if err != nil {
			return propErr(s, "reference-self", "%s: %v", e.Edition, err)
		}
		if race != nil {
			return propErr(s, "reference-self", "%s %s schedule %d: %s: %s", e.Edition, evidence, race.Schedule, race.Finding.Oracle, race.Finding.Message)
		}
	}
	return nil
}

// checkRaceCaveat is reference-self after judging: the judge's race check
// of a transparent finding (Outcome.CaveatEvidence) found no race.
func checkRaceCaveat(s *scenario.Scenario, e scenario.Expectation, o Outcome) error {
	if o.CaveatEvidence == "" {
		return nil
	}
	return propErr(s, "reference-self", "%s: the judge's transparent finding (%s evidence): %s", e.Edition, o.CaveatEvidence, o.Caveat)
}

func checkJobs(ctx context.Context, s *scenario.Scenario, e scenario.Expectation, refs *referenceLogs) error {
	var outs [2]Outcome
	for i, jobs := range []int{1, 2} {
		// Only the first judge's shrunk schedule is replayed below. The
		// second's shrinking runs on one goroutine whatever the jobs, from
		// the same finding (the property compares them): one replay checks
		// that its finding replays, the rest would repeat the first's.
		replays := GeneratedShrinkReplays
		if i > 0 {
			replays = 1
		}
		o, err := Judge(ctx, s, e, JudgeConfig{Jobs: jobs, Shrink: engine.ShrinkConfig{MaxReplays: replays}, refs: refs})
		if err != nil {
			return propErr(s, "jobs", "--jobs %d: %v", jobs, err)
		}
		if o.GotOracle == engine.OraclePanic {
			return propErr(s, "panic", "%s: %s", e.Edition, o.Finding.Message)
		}
		outs[i] = o
	}
	if err := checkRaceCaveat(s, e, outs[0]); err != nil {
		return err
	}
	a, b := outs[0], outs[1]
	if a.Got != b.Got || a.GotOracle != b.GotOracle || a.FindingIndex != b.FindingIndex || a.Explored.Schedules != b.Explored.Schedules {
		return propErr(s, "jobs", "%s: jobs 1: %s #%d of %d; jobs 2: %s #%d of %d", e.Edition,
			VerdictText(a.Got, a.GotOracle), a.FindingIndex, a.Explored.Schedules, VerdictText(b.Got, b.GotOracle), b.FindingIndex, b.Explored.Schedules)
	}
	if a.Schedule == nil {
		return nil
	}
	raw, err := a.Schedule.Marshal()
	if err != nil {
		return propErr(s, "replay", "%v", err)
	}
	sc, err := schedfile.Parse(raw)
	if err != nil {
		return propErr(s, "replay", "%v", err)
	}
	t, err := NewTarget(s, e.Edition, e.Knobs, SettingStrings(e.Settings))
	if err != nil {
		return propErr(s, "replay", "%v", err)
	}
	f, err := t.Factory(sc.Seed)
	if err != nil {
		return propErr(s, "replay", "%v", err)
	}
	res, err := sc.Replay(f, engine.RunConfig{MaxSteps: t.maxSteps()})
	if err != nil {
		return propErr(s, "replay", "%s: %v", e.Edition, err)
	}
	if res.Finding == nil || res.Finding.Oracle != a.GotOracle && "error:"+a.GotOracle != res.Finding.Oracle {
		return propErr(s, "replay", "%s: the replay ends in %v, the judge found %s", e.Edition, res.Finding, a.GotOracle)
	}
	return nil
}

// PlainVariant is s with the edition's plain migration, the vCPUs halted
// throughout: no peers (a request the guest posted for a peer is submitted
// instead; a net guest kicks its own posts), no hypervisor program but the plain one, no WCE write under
// virtio-1.4, default knobs, no setting but capacity and the VFs' device
// type (vf-device: a net guest binds only virtio-net VFs).
func PlainVariant(s *scenario.Scenario, ed spec.Edition) *scenario.Scenario {
	c := s.Clone()
	c.Name = s.Name + "-plain-" + ed.String()
	var actors []*scenario.Program
	for _, a := range c.Actors {
		if a.Kind != scenario.ActorGuest {
			continue
		}
		if ed == spec.Virtio14 {
			a.Ops = slices.DeleteFunc(a.Ops, func(o scenario.Op) bool { return o.Verb == "wce" })
		}
		if d, _ := scenario.Lookup(a.Args, "driver"); d == "net" {
			// A net guest kicks what it posts itself.
			actors = append(actors, a)
			continue
		}
		for i := range a.Ops {
			if a.Ops[i].Verb == "post" {
				// Without the peer, the guest rings its own doorbell.
				a.Ops[i].Verb = "submit"
			}
		}
		actors = append(actors, a)
	}
	actors = append(actors, &scenario.Program{Kind: scenario.ActorHypervisor, Name: "hypervisor", Ops: gen.PlainMigration(ed, true)})
	c.Actors = actors
	// The hosts run the default implementation: a migration the precheck
	// refuses is not a plain one.
	c.Settings = slices.DeleteFunc(c.Settings, func(a scenario.Arg) bool { return a.Key != "capacity" && a.Key != "vf-device" })
	c.Expect = []scenario.Expectation{{Edition: ed, Verdict: scenario.VerdictPass}}
	c.Hash = scenario.CanonicalHash(c)
	return c
}

func checkPlainMigration(ctx context.Context, s *scenario.Scenario, ed spec.Edition) error {
	c := PlainVariant(s, ed)
	if err := CheckScenario(c); err != nil {
		return propErr(s, "plain-migration", "the variant does not check: %v", err)
	}
	o, err := Judge(ctx, c, c.Expect[0], JudgeConfig{Jobs: 1, Shrink: engine.ShrinkConfig{MaxReplays: GeneratedShrinkReplays}})
	if err != nil {
		return propErr(s, "plain-migration", "%v", err)
	}
	if !o.Match {
		msg := VerdictText(o.Got, o.GotOracle)
		if o.Finding != nil {
			msg += ": " + o.Finding.Message
		}
		return propErr(s, "plain-migration", "%s: %s", ed, msg)
	}
	return nil
}

// IsProperty reports whether err is a broken property named prop.
func IsProperty(err error, prop string) bool {
	var pe *PropertyError
	return errors.As(err, &pe) && pe.Property == prop
}
