package conformance

import (
	"errors"
	"fmt"
	"github.com/migsim/migsim/conformance/failmsg"
	"github.com/migsim/migsim/internal/keepfile"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/catalog/explored"
	"github.com/migsim/migsim/conformance/devicetest"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/shellquote"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// row is one expectation of one catalog scenario.
type row struct {
	s *scenario.Scenario
	e scenario.Expectation
}

// catalogRows lists every row of the embedded catalog, in catalog order.
func catalogRows() ([]row, error) {
	ss, err := catalog.Catalog()
	if err != nil {
		return nil, fmt.Errorf("conformance: %w", err)
	}
	var out []row
	for _, s := range ss {
		for _, e := range s.Expect {
			out = append(out, row{s, e})
		}
	}
	return out, nil
}

// selectedRows lists the rows the kit judges: every catalog row when sel
// is nil (no Scenarios option), else the rows of sel's scenarios of the
// embedded catalog, in catalog order, then those of its scenario files,
// in the order named.
func selectedRows(sel []*scenario.Scenario) ([]row, error) {
	all, err := catalogRows()
	if err != nil || sel == nil {
		return all, err
	}
	var out []row
	for _, r := range all {
		if slices.ContainsFunc(sel, func(s *scenario.Scenario) bool { return s.Name == r.s.Name && catalog.Embedded(s) }) {
			out = append(out, r)
		}
	}
	for _, s := range sel {
		if !catalog.Embedded(s) {
			for _, e := range s.Expect {
				out = append(out, row{s, e})
			}
		}
	}
	return out, nil
}

// name is the row's unit name: scenario/edition[/knobs][/set:settings].
func (r row) name() string {
	parts := []string{r.s.Name, r.e.Edition.String()}
	if len(r.e.Knobs) > 0 {
		parts = append(parts, strings.Join(r.e.Knobs, ","))
	}
	if len(r.e.Settings) > 0 {
		parts = append(parts, "set:"+strings.Join(catalog.SettingStrings(r.e.Settings), ","))
	}
	return strings.Join(parts, "/")
}

// requirements are the IDs a row exercises: its scenario's requirements
// line and the requirements of the oracle it expects, those that apply to
// its edition, in catalog order.
func (r row) requirements() []string {
	ids := slices.Clone(r.s.Requirements)
	if r.e.Verdict == scenario.VerdictViolation {
		if o, ok := oracle.Lookup(r.e.Oracle); ok {
			ids = append(ids, o.Info().Reqs...)
		}
	}
	return applying(ids, r.e.Edition)
}

// applying keeps the IDs that apply to edition e, once each, in catalog
// order.
func applying(ids []string, e spec.Edition) []string {
	var out []string
	for _, req := range spec.RequirementsFor(e) {
		if slices.Contains(ids, req.ID) {
			out = append(out, req.ID)
		}
	}
	return out
}

// expected renders the row's expectation ("pass", "violation transparent").
func (r row) expected() string { return catalog.VerdictText(r.e.Verdict, r.e.Oracle) }

// rules are the row's knobs.
func (r row) rules() (spec.Rules, error) { return spec.ParseRules(r.e.Edition, r.e.Knobs) }

// judgeRow judges one row with the device's factory and fills the unit.
func (k *kit) judgeRow(u *Unit, r row, f member.Factory) {
	blk, net := judgeFactories(k.dev, f)
	o, err := catalog.Judge(k.cfg.ctx, r.s, r.e, catalog.JudgeConfig{MaxRuns: k.cfg.budget.Schedules,
		Jobs: k.cfg.budget.Jobs, MaxSteps: k.cfg.budget.MaxSteps, Member: blk, NetMember: net, NoStates: k.cfg.budget.NoStatePruning,
		// A row's unit names what its explorations covered; a proof that
		// did not exhaust its bound is not followed by a bound-0 search.
		NoFallback:  true,
		NoRaceCheck: true,
		// The kit shrinks only the counterexamples it reports.
		Shrink: engine.ShrinkConfig{MaxReplays: 1},
	})
	if err != nil && !o.Interrupted {
		if errors.Is(err, engine.ErrNotDeterministic) {
			u.fail(Failure{Check: checkDeterminism, Row: u.Name, Message: failmsg.NotDeterministic(err)})
			return
		}
		u.fail(Failure{Requirements: u.Requirements, Check: "catalog row", Row: u.Name, Message: err.Error()})
		return
	}
	u.Explored = o.ExploredText()
	if o.Status() == catalog.StatusInterrupted {
		// Cut short before anything disagreed: the row proves nothing.
		// A row whose mismatch is already certain (an unexpected finding,
		// a finished exploration's verdicts) fails below, as the verdict
		// table marks it MISMATCH.
		u.skip("interrupted")
		return
	}
	if o.Match {
		return
	}
	want := ""
	switch o.Expected {
	case scenario.VerdictViolation:
		want = o.ExpectedOracle
	case scenario.VerdictError:
		want = oracle.ErrorPrefix + o.ExpectedOracle
	}
	rep := o.FirstUnexpected(want)
	if rep == nil && o.Defect == "" && want != "" && !o.Interrupted && !o.FoundBy(want) {
		// The expected finding came from no exploration: when the run
		// without migration shows its path never taken for want of a
		// feature the device does not offer (a command the guest gave up
		// on, a peer's write ignored), that says nothing of the device.
		if t, ok := k.withoutTarget(r, f); ok {
			if why := k.refs.without(t, 0).Unexercised(r.expected()); why != "" {
				u.skip(why)
				return
			}
		}
	}
	if rep == nil && o.Defect == "" && want != "" && k.cfg.budget.Schedules > 0 {
		// Nothing unexpected; the expected finding was missed by some
		// exploration cut short by the budget.
		if o.Interrupted {
			u.skip("interrupted") // and what the explorations left did not run
			return
		}
		if o.FoundBy(want) {
			u.Explored += fmt.Sprintf(" (%s missed by an exploration under the budget's cap)", r.expected())
			return
		}
		u.skip(fmt.Sprintf("inconclusive: %s not reached within the budget's cap of %d schedules per exploration", r.expected(), k.cfg.budget.Schedules))
		return
	}
	fl := Failure{Requirements: u.Requirements, Check: "catalog row", Row: u.Name,
		Message: fmt.Sprintf("expected %s, got %s", r.expected(), o.GotText())}
	var found *engine.Finding // the finding the failure tells of, if any
	switch {
	case o.Defect != "":
		fl.Message, found = o.Defect, o.Finding
		if o.Finding != nil {
			fl.Oracle = o.Finding.Oracle
		}
	case rep != nil:
		fd := rep.Finding
		found = &fd
		fl.Oracle, fl.Message = fd.Oracle, fmt.Sprintf("at step %d: %s", engine.ShownStep(fd.Step), fd.Message)
		// The guest gave up: when it does so without migration too, what
		// failed is no requirement of the migration, whatever the run
		// exercised (troubleReqs).
		if ids, ok := k.gaveUpWithout(u, r, f, fd.Oracle, rep.Seed); ok {
			fl.Requirements = ids
		} else if ids := applying(fd.Reqs, r.e.Edition); len(ids) > 0 {
			fl.Requirements = ids
		}
	}
	if o.Mismatch != "" {
		fl.Message += " (" + o.Mismatch + ")"
	}
	if kind := deviceErrorOf(found); extdevice.IsDeviceFaultKind(kind) {
		fl.Check = checkFault
	} else if kind != "" {
		fl.Check = checkProtocol
	} else if brokeContract(found) {
		fl.Check = checkContract
	}
	seed := uint64(0) // the run without migration a failure with no run explains itself with
	if rep != nil {
		seed = rep.Seed
		found := fl.Message
		_, notShrunk := k.counterexample(&fl, r, f, *rep, o)
		if errors.Is(notShrunk, engine.ErrNotDeterministic) && fl.Check == "catalog row" {
			// The same choices ran differently when the finding was
			// replayed: the device's effects depend on more than its
			// events, so the finding says nothing of the spec.
			fl.Check = checkDeterminism
			fl.Message = failmsg.NotDeterministic(notShrunk) + "; the exploration's run had given: " + found
		}
	}
	if (fl.Check == checkProtocol || fl.Check == checkFault || fl.Check == checkContract) && !selfReported(fl.Oracle) {
		fl.Oracle = "" // the engine's "panic" carried the device's failure: no oracle saw it
	}
	if fl.Oracle == oracle.Transparent.Info().Name {
		k.explainTransparent(&fl, r, f, seed)
	}
	switch fl.Check {
	case checkDeterminism:
		fl.Requirements = nil
	case checkProtocol, checkFault:
		// The device broke the protocol, or faulted: the row's verdict is
		// unknown, so the failure breaks none of its requirements.
		fl.Requirements, fl.Message = nil, failmsg.Protocol(fl.Message)
	case checkContract:
		// The device changed its own mode where the world holds that only
		// the owner's commands and an FLR do, or its account of itself
		// disagrees with what the host observed: what followed cannot be
		// judged, and no requirement is known to be broken.
		fl.Requirements, fl.Message = nil, failmsg.Contract(fl.Message)
		if selfReported(fl.Oracle) {
			fl.Message = "the device's account of itself (its status or context digest: the member contract) disagrees with what the host observed, " + fl.Message
		}
	}
	u.fail(fl)
}

// selfReported reports whether the oracle that found a row's failure is
// self-report: a member's account of itself (the mode in its status, its
// context digest: the member contract, docs/device-protocol.md) disagrees
// with what the host observed. No host reads that account, so no
// requirement of the spec is broken by it: the device broke the contract
// the world runs it under, as when it changes its own mode.
func selfReported(oracleName string) bool { return oracleName == oracle.SelfReport.Info().Name }

// Checks of failures that name no requirement: the device broke the
// protocol (a malformed, late or unexpected message: the kit stops),
// faulted (it kept the protocol but asked for what no device may do: the
// run it happened in fails, the kit goes on), ran differently on the same
// choices, or changed its own migration mode where only the owner may
// (world/guard). Each fails the unit, but says nothing of what the spec
// asks.
const (
	checkProtocol    = devicetest.CheckProtocol
	checkFault       = devicetest.CheckFault
	checkDeterminism = "device determinism"
	checkContract    = "device contract"
	// checkOpen: the device could not be opened for a unit (Device.Open
	// failed without breaking the protocol): the kit stops, nothing of
	// the unit was judged.
	checkOpen = "device"
)

// errInterruptedRow is why the counterexample of a row a signal cut short
// is not shrunk: the kit stops, and the run is written as it was found.
var errInterruptedRow = errors.New("the kit was interrupted")

// counterexample shrinks a failing run, writes its schedule and fills the
// failure's replay. When the run cannot be shrunk (most often: the device
// did not fail the same way when the run was replayed) the message says so
// and why, and the schedule written is the run as the exploration found
// it: a device that runs differently on the same choices is itself worth
// knowing about.
// It returns the run written (shrunk or as found) and why it was not
// shrunk (nil when it was).
func (k *kit) counterexample(fl *Failure, r row, f member.Factory, rep engine.Report, o catalog.Outcome) (res engine.Result, notShrunk error) {
	res = rep.Result
	t, err := catalog.NewTarget(r.s, r.e.Edition, r.e.Knobs, nil)
	if err != nil {
		fl.Message += "; the counterexample was not written: " + err.Error()
		return res, nil
	}
	t.Settings = r.e.Settings
	notShrunk = errInterruptedRow
	if !o.Interrupted {
		res, notShrunk = k.shrink(t, f, rep)
	}
	defer func() {
		if notShrunk != nil {
			fl.Message += "; not shrunk: " + notShrunk.Error()
		}
	}()
	b := o.Budget
	for _, run := range o.Runs {
		if slices.ContainsFunc(run.Explored.Findings, func(x engine.Report) bool { return x.Seed == rep.Seed && x.Index == rep.Index }) {
			b = run.Budget
			break
		}
	}
	sc := t.Schedule(b.Strategy, b.Seed, rep.Index, res)
	if red, states, err := explored.BudgetReduction(b); err == nil { // as the judge explored it
		bt := t
		bt.MaxSteps = k.cfg.budget.MaxSteps
		ex := explored.FileRecord(b, red, states && !k.cfg.budget.NoStatePruning, 0, bt.StepBound(), k.cfg.budget.ShrinkReplays)
		if notShrunk != nil {
			ex.NoShrink, ex.ShrinkReplays = true, 0
		}
		sc.Exploration = ex
	}
	// A finding of the rows' oracles, from a device that replays its
	// runs (a protocol error, a fault, a broken contract or a device that
	// is not deterministic charges nothing: judgeRow). The file records
	// the charge as the report shows it: reqs_broken the requirements
	// charged, reqs those and the ones involved.
	if fl.Check == "catalog row" && sc.Finding != nil && !errors.Is(notShrunk, engine.ErrNotDeterministic) {
		if ch, ok := k.charge(t, f, r, res); ok {
			fl.Requirements, fl.Involved, fl.Charged, fl.Difference = ch.Charged, ch.Involved, ch.By, ch.Difference
			fl.Uncharged = ch.None
			fd := *sc.Finding
			ch.Shown().Mark(&fd)
			sc.Finding = &fd
		}
	}
	if name, args, ok := RecordedDevice(k.dev); ok {
		sc.Device, sc.DeviceArgs = name, args // migsim replay, trace and report replay with it
		sc.DeviceTimeout = recordedTimeout(k.dev)
	} else if name, ok := goDeviceName(k.dev); ok {
		sc.Device = name // what ran it, which a replay must be given
	}
	dir, err := k.replayDir()
	if err == nil {
		fl.Schedule, err = keepSchedule(sc, filepath.Join(dir, catalog.ScheduleRegressName(sc)))
	}
	if err != nil {
		fl.Message += "; the counterexample was not written: " + err.Error()
		if k.unwritten == nil {
			k.unwritten = err
		}
		return
	}
	path := fl.Schedule
	fl.Replay = k.replayCommand(path)
	if res.Finding != nil {
		fd := res.Finding
		fl.Message = fmt.Sprintf("at step %d of %d: %s", engine.ShownStep(fd.Step), len(res.Choices), fd.Message)
	}
	return res, notShrunk
}

// shrink shrinks the failing run rep of target t (a copy) with the device's
// factory f as the judge ran it (Target.StepBound, each world comparing
// with the run without migration of its seed, which the row's judgement
// may have made already: refRuns); on an error it returns the run as
// found, and the error.
func (k *kit) shrink(t catalog.Target, f member.Factory, rep engine.Report) (engine.Result, error) {
	t.MaxSteps = k.cfg.budget.MaxSteps
	setFactory(&t, k.dev, f)
	fac, err := k.refs.factory(t, rep.Seed)
	if err != nil {
		return rep.Result, err
	}
	sr, err := engine.ShrinkContext(k.cfg.ctx, fac, rep.Seed, rep.Result.Choices, rep.Finding.Oracle,
		engine.ShrinkConfig{MaxReplays: k.cfg.budget.ShrinkReplays, MaxSteps: t.StepBound(), JustRan: true})
	if err != nil {
		return rep.Result, err
	}
	return sr.Result, nil
}

// charge decides the charge of the counterexample's run res of row r
// (chargeRun) with the device's factory f, t being the row's target; false
// when the run has no finding, the kit was interrupted, or the run could
// not be replayed (the failure keeps what the exploration's finding
// named).
func (k *kit) charge(t catalog.Target, f member.Factory, r row, res engine.Result) (Charge, bool) {
	if res.Finding == nil || k.cfg.ctx.Err() != nil {
		return Charge{}, false
	}
	t.MaxSteps = k.cfg.budget.MaxSteps
	setFactory(&t, k.dev, f)
	ch, err := chargeRun(t, k.refs, r.requirements(), res.Seed, res.Choices, res.Finding)
	return ch, err == nil
}

// keepSchedule writes the counterexample sc to path, or, when path holds
// another schedule (an earlier run's: another device's, or this device's
// before a fix), to the first free edition of it, NAME.1.json, NAME.2.json
// and so on (keepfile.Write), as migsim explore keeps its schedule files:
// the replay command an earlier report printed still replays what it
// found. It returns the path that holds sc. A scenario file's path is
// recorded relative to the schedule's directory, so that the pair replays
// from anywhere.
func keepSchedule(sc *schedfile.Schedule, path string) (string, error) {
	b, err := catalog.ScheduleBytes(sc, path)
	if err != nil {
		return "", err
	}
	p, _, err := keepfile.Write(path, b)
	return p, err
}

// replayDir returns (and creates) the directory of counterexamples.
func (k *kit) replayDir() (string, error) {
	if k.cfg.replayDir == "" {
		if k.tmpDir == "" {
			d, err := os.MkdirTemp("", "migsim-conform-")
			if err != nil {
				return "", err
			}
			k.tmpDir = d
		}
		return k.tmpDir, nil
	}
	if err := os.MkdirAll(k.cfg.replayDir, keepfile.DirPerm); err != nil {
		return "", err
	}
	return k.cfg.replayDir, nil
}

// replayCommand tells how to replay a schedule file with the device: for
// a device the CLI can name (builtin:… and exec:…) the command to paste
// into a shell (CommandLine); any other device (Run's "device", a served
// device, a FactoryDevice of the caller's) exists only in the caller's Go
// program, so the replay is the Go call that replays it.
func (k *kit) replayCommand(path string) string {
	if k.cfg.replayCmd != nil {
		return k.cfg.replayCmd(path)
	}
	if cmd, ok := CommandLine(k.dev, "conform", "--replay "+shellquote.Quote(path)); ok {
		return cmd
	}
	return fmt.Sprintf("conformance.Replay(<your device>, %q, engine.RunConfig{Trace: os.Stdout})", path)
}
