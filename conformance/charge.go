package conformance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/catalog/control"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/trace"
	"github.com/migsim/migsim/world"
)

// Charge is what a failed row's finding charges: one decision, which the
// report's failure (Failure.Requirements, Involved, Charged), the
// counterexample file the kit writes for it (its finding's reqs_broken
// and reqs) and a replay of that file (Replayed.Charge, what
// `migsim conform --replay` prints) all show. chargeRun makes it from the
// counterexample's run, so that a replay of the file, which makes it
// again, gets the same sets.
type Charge struct {
	// Charged are the requirements the finding breaks, in catalog order:
	// those a rule oracle saw broken; for a transparent finding, the
	// oracle's own requirements the run involved, narrowed by the first
	// difference (chargedBy); for a gave-up finding the run without
	// migration shares, those what went wrong there touches (troubleReqs);
	// for a finding no check attributes to a requirement, the row's
	// device requirements the run involved (all of them when it involved
	// none). A requirement that binds the driver is never charged: it
	// binds migsim's reference drivers, not the device under test, and
	// is listed as involved instead.
	Charged []string
	// Involved are the other requirements the run touched (the catalog's
	// requirement triggers, catalog.FindingReqs): listed apart, never
	// counted as failing.
	Involved []string
	// By says how a transparent finding's requirements were chosen, or
	// that those of a finding no check attributes to a requirement are
	// the row's (byRow) (Failure.Charged); empty for any other.
	By string
	// Difference is a transparent finding's first guest-visible
	// difference, or nil.
	Difference *control.Difference
	// None says why the finding charges no requirement when Charged is
	// empty (a gave-up finding whose run without migration went wrong
	// on nothing the row's requirements state, a transparent finding
	// whose run involved none of the oracle's requirements); empty when
	// it charges some. The report lists such a failure apart
	// (Report.Uncharged): it fails the run all the same.
	None string
}

// Shown returns c as a finding report and `migsim trace` show it of a
// counterexample the kit wrote (trace.Charge, whose Mark records it on a
// finding as the file records it); nil for a nil c.
func (c *Charge) Shown() *trace.Charge {
	if c == nil {
		return nil
	}
	return &trace.Charge{Charged: slices.Clone(c.Charged), Involved: slices.Clone(c.Involved), By: c.By, None: c.None}
}

// chargeIn is what decides a charge: the row's edition and requirements,
// the finding as its oracle reported it (raw: before the catalog names its
// requirements), the requirements the catalog derives from what the host
// observed of its run (catalog.FindingReqs) and those facts, the first
// difference of a transparent finding, and, for a gave-up finding whose
// run without migration went wrong too, the requirements that touches.
type chargeIn struct {
	ed        spec.Edition
	rowReqs   []string
	oracle    string
	raw       []string
	reqs      []string
	facts     catalog.RunFacts
	diff      *control.Difference
	without   []string
	withoutOK bool
	// untriggered are the row's requirements whose trigger is known and
	// did not hold on the run (catalog.Untriggered); nil when the run's
	// facts are not known (the step bound).
	untriggered []string
	// unprepared: the first thing that went wrong in the run without
	// migration is a command the guest's program sent before any probe
	// set the device up (guest.Trouble.Unprepared), which the gave-up
	// oracle blames on the program, not the device.
	unprepared bool
}

// Why a finding charges no requirement (Charge.None).
const (
	// noneOutsideCatalog: a gave-up finding the run without migration
	// shares, on nothing the row's requirements state (troubleReqs): a
	// FLUSH that fails breaks basic virtio-blk, which no requirement of
	// the catalog states.
	noneOutsideCatalog = "the device fails the guest whatever the migration does: behaviour outside the catalog's requirements"
	// noneProgram: the same, where the gave-up oracle blames the row's
	// guest program.
	noneProgram = "the guest's program fails it whatever the migration does: a fault of the scenario, outside the catalog's requirements"
	// noneTransparent: a transparent finding whose run involved none of
	// the oracle's requirements.
	noneTransparent = "the guest can tell it moved, but the run involved none of the requirements the transparent oracle judges"
	// noneRow: a finding charged the row's requirements, of which the
	// row's edition has none.
	noneRow = "the row names no requirement of its edition"
	// noneDriver: what the finding would charge binds the driver only
	// (%s: the requirements).
	noneDriver = "the finding is charged to the driver's requirements only (%s), which bind migsim's reference drivers, not the device under test"
	// noneRowDriver: a finding no check attributes to a requirement, on a
	// row whose requirements of its edition all bind the driver.
	noneRowDriver = "no check names the requirement broken, and the row's requirements of its edition bind the driver, not the device under test"
)

// decide is the one rule of a failed row's charge (Charge).
func decide(in chargeIn) Charge {
	var c Charge
	switch {
	case in.oracle == oracle.GaveUp.Info().Name && in.withoutOK:
		c.Charged = in.without
	case in.oracle == oracle.Transparent.Info().Name:
		own := applying(oracle.Transparent.Info().Reqs, in.ed)
		// Only those the run involved: a stopped member that no request
		// reached kept DP-DEV-10 whatever the guest saw.
		cands := slices.DeleteFunc(slices.Clone(own), func(id string) bool { return !slices.Contains(in.reqs, id) })
		c.Charged, c.By = cands, ""
		if in.diff != nil {
			c.Charged, c.By = chargedBy(cands, in.diff, singledOut(in.ed, in.facts, in.reqs))
			c.Difference = in.diff
		}
	case len(applying(in.raw, in.ed)) > 0:
		c.Charged = applying(in.raw, in.ed)
	default:
		// No check attributes the finding to a requirement (a gave-up
		// finding the migration caused, a deadlock, a flow error): the
		// row's device requirements the run involved,
		// leaving out those whose trigger did not hold; all of them when
		// that leaves none, or when the run's facts are not known (the
		// step bound). A guess, said so (byRow), which a SHOULD among
		// them does not make a warning (shouldOnly).
		dev := slices.DeleteFunc(slices.Clone(in.rowReqs), bindsDriver)
		c.Charged = slices.DeleteFunc(slices.Clone(dev), func(id string) bool { return slices.Contains(in.untriggered, id) })
		if len(c.Charged) == 0 {
			c.Charged = dev
		}
		if len(c.Charged) > 0 {
			c.By = byRow
		} else if len(applying(in.rowReqs, in.ed)) > 0 {
			c.None = noneRowDriver
		}
	}
	// A driver's requirement binds migsim's reference drivers, not the
	// device under test: listed as involved, never charged.
	var driver []string
	for _, id := range c.Charged {
		if bindsDriver(id) {
			driver = append(driver, id)
		}
	}
	c.Charged = slices.DeleteFunc(c.Charged, bindsDriver)
	for _, id := range append(slices.Clone(in.reqs), driver...) {
		if !slices.Contains(c.Charged, id) && !slices.Contains(c.Involved, id) {
			c.Involved = append(c.Involved, id)
		}
	}
	c.Charged = applying(c.Charged, in.ed)
	c.Involved = applying(c.Involved, in.ed)
	if len(c.Charged) == 0 {
		c.By = ""
		if c.None == "" {
			c.None = noneWhy(in, applying(driver, in.ed))
		}
	}
	return c
}

// byRow is Charge.By of a finding no check attributes to a requirement:
// the row's device requirements stand in for the one broken.
const byRow = "by the row's device requirements: no check names the one broken"

// bindsDriver reports whether requirement id binds the driver (the owner
// driver, the hypervisor or the guest: migsim's own), not the device.
func bindsDriver(id string) bool {
	r, ok := spec.LookupRequirement(id)
	return ok && r.Side == spec.SideDriver
}

// noneWhy says why decide charged nothing for in (Charge.None); driver
// are the requirements it would have charged but for binding the driver.
func noneWhy(in chargeIn, driver []string) string {
	switch {
	case len(driver) > 0:
		return fmt.Sprintf(noneDriver, strings.Join(driver, ", "))
	case in.oracle == oracle.GaveUp.Info().Name && in.withoutOK && in.unprepared:
		return noneProgram
	case in.oracle == oracle.GaveUp.Info().Name && in.withoutOK:
		return noneOutsideCatalog
	case in.oracle == oracle.Transparent.Info().Name:
		return noneTransparent
	}
	return noneRow
}

// singledOut returns, by kind of first difference, the requirements
// outside the transparent oracle's own that it can single out in edition
// ed, with what the host observed of the run (facts) and the requirements
// it involved (reqs) (difference.go): in virtio-1.4, DP-DEV-08 (the values
// a DEV_PARTS_SET carries take effect when the member resumes) for a
// configuration read or the steering once the run set parts, the
// counterpart of draft-2023's DRAFT-CTX-01 for what the guest reads of the
// configuration; in draft-2023, DRAFT-CTX-09 for a control command's ack
// once the run involved it: the ack of a command the device applied
// before the stop travels in NET_INFLIGHT, which the destination
// completes it with instead of applying it again.
func singledOut(ed spec.Edition, facts catalog.RunFacts, reqs []string) map[string][]string {
	switch {
	case ed == spec.Draft2023 && slices.Contains(reqs, "DRAFT-CTX-09"):
		return map[string][]string{diffCommand: {"DRAFT-CTX-09"}}
	case ed == spec.Virtio14 && slices.Contains(facts.Commands, "DEV_PARTS_SET"):
		return map[string][]string{diffConfig: {"DP-DEV-08"}, diffSteering: {"DP-DEV-08"}}
	}
	return nil
}

// chargeRun decides the charge of fd, the finding of the run (seed,
// choices) of t — the row's target with the device's members — as its
// oracle reported it (before catalog.Target.AnnotateFinding names its
// requirements). rowReqs are the row's requirements (row.requirements);
// refs the row's runs without migration (nil: each is made anew, and
// more than once). The kit calls it on the counterexample it writes, a
// replay on the file's run: the same inputs, the same charge.
func chargeRun(t catalog.Target, refs *refRuns, rowReqs []string, seed uint64, choices []engine.Choice, fd *engine.Finding) (Charge, error) {
	in := chargeIn{ed: t.Edition, rowReqs: rowReqs, oracle: fd.Oracle, raw: slices.Clone(fd.Reqs)}
	if !fd.StepBound() {
		facts, err := t.RunFactsOf(seed, choices)
		if err != nil {
			return Charge{}, err
		}
		in.facts = facts
		in.reqs = catalog.FindingReqs(fd, t.Edition, oracleReqsOf(fd.Oracle), t.Scenario.Requirements, facts)
		in.untriggered = catalog.Untriggered(rowReqs, facts)
	}
	switch fd.Oracle {
	case oracle.Transparent.Info().Name:
		in.diff = differenceOf(t, refs, seed, choices)
	case oracle.GaveUp.Info().Name:
		run := refs.without(t, seed)
		if wrong := run.WentWrong(); len(wrong) > 0 {
			in.without, in.withoutOK = troubleReqs(exercisedOf(rowReqs, run.Reasons(rowReqs)), wrong), true
			in.unprepared = wrong[0].Unprepared
		}
	}
	return decide(in), nil
}

// ChargeOf decides what the finding of res, the strict replay of the
// counterexample sc on t (ScheduleTarget's target, its device still
// open), charges, as the kit decided it for the report and the file:
// from the run, never from the requirements the file records. Call it
// before t.AnnotateFinding names the finding's requirements: the charge
// starts from the finding as its oracle reported it. It returns nil
// without a finding, for the device's protocol error or fault, or when
// the run could not be charged; a member that broke the world's contract
// charges none, and the charge says so (None), as the report does. `migsim conform --replay`
// (Replayed.Charge) and `migsim replay` of a file the kit wrote print it.
func ChargeOf(t catalog.Target, sc *schedfile.Schedule, res engine.Result) *Charge {
	if brokeContract(res.Finding) {
		// As the report's failure says: no requirement, and why.
		return &Charge{None: noneContract}
	}
	if res.Finding == nil || !charges(res.Finding) {
		return nil
	}
	ch, err := chargeRun(t, &refRuns{}, scheduleRowReqs(t), sc.Seed, res.Choices, res.Finding)
	if err != nil {
		return nil
	}
	return &ch
}

// brokeContract reports whether finding fd (nil: none) shows a member
// that broke the world's contract: its own mode or backend (the world's
// panic, which the engine marks: engine.Finding.MemberContract), or its
// account of itself (self-report). The mark, not the panic's text, says
// so: a simulator panic whose message happens to read like the guard's
// stays the simulator's. Every finding it is asked about comes from a
// run made with the device (the row's exploration, the counterexample's
// shrinking, the strict replay of a file), never from a file's record, so
// no text fallback is needed for files written before the mark. A row's
// failure (judgeRow) and a replayed finding's charge (ChargeOf) both ask
// it, so the two never disagree on what the device did.
func brokeContract(fd *engine.Finding) bool {
	return fd != nil && ((fd.Oracle == engine.OraclePanic && fd.MemberContract) || selfReported(fd.Oracle))
}

// noneContract is why a finding of a member that broke the world's
// contract charges no requirement (Charge.None, the report's uncharged
// failure).
const noneContract = "the device broke the member contract: the row was not judged further"

// charges reports whether a row's failure with the finding fd charges
// requirements: not when the finding shows the device's protocol error or
// fault, or a member that broke the world's contract, its own mode or its
// account of itself (judgeRow's checks of those, whose failures charge
// none).
func charges(fd *engine.Finding) bool {
	return deviceErrorOf(fd) == "" && !brokeContract(fd)
}

// deviceErrorOf returns the kind of the external device's error finding fd
// (nil: none) shows, "" for none: the engine's mark of the panic of an
// extdevice.Error (engine.Finding.DeviceError), never the message's text,
// so that a simulator panic or an oracle's message that quotes a device's
// words stays what it is. As for brokeContract, every finding it is asked
// about comes from a run made with the device, whose engine marked it.
func deviceErrorOf(fd *engine.Finding) string {
	if fd == nil || fd.Oracle != engine.OraclePanic {
		return ""
	}
	return fd.DeviceError
}

// oracleReqsOf returns the requirement IDs the named oracle's info lists.
func oracleReqsOf(name string) []string {
	if o, ok := oracle.Lookup(name); ok {
		return o.Info().Reqs
	}
	return nil
}

// differenceOf replays the run (seed, choices) of t strictly and returns
// the first entry at which the guest's log differs from t's run without
// migration from seed (refs), as `migsim trace --without-migration` prints
// it; nil when the run does not replay or the logs are equal.
func differenceOf(t catalog.Target, refs *refRuns, seed uint64, choices []engine.Choice) *control.Difference {
	fac, err := refs.factory(t, seed)
	if err != nil {
		return nil
	}
	var w *world.World
	capture := func(st engine.Streams) (engine.System, error) {
		sys, err := fac(st)
		if err == nil {
			w, _ = sys.(*world.World)
		}
		return sys, err
	}
	if _, err := engine.Run(capture, seed, engine.NewReplay(choices), engine.RunConfig{MaxSteps: t.StepBound()}); err != nil || w == nil {
		return nil
	}
	return control.FirstDifference(w.GuestLog(), refs.get(t, seed).log)
}

// scheduleRowReqs returns the requirements of the catalog row a schedule
// of target t was recorded for (row.requirements): the scenario's
// expectation of t's edition, knobs and settings; the scenario's
// requirements of the edition when none matches (a schedule explore
// wrote).
func scheduleRowReqs(t catalog.Target) []string {
	settings := catalog.SettingStrings(t.Settings)
	for _, e := range t.Scenario.Expect {
		r, err := spec.ParseRules(e.Edition, e.Knobs)
		if err != nil || e.Edition != t.Edition || !slices.Equal(r.Diff(e.Edition), t.Rules.Diff(t.Edition)) ||
			!slices.Equal(catalog.SettingStrings(e.Settings), settings) {
			continue
		}
		return row{t.Scenario, e}.requirements()
	}
	return row{t.Scenario, scenario.Expectation{Edition: t.Edition}}.requirements()
}
