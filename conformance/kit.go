package conformance

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/migsim/migsim/conformance/failmsg"

	"github.com/migsim/migsim/conformance/devicetest"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// Run runs the conformance kit on the device f builds, as subtests of t:
// "device/<ID>/<edition>/<case>" for the per-requirement device tests,
// "rows/<scenario>/<edition>[/<knobs>]" for every catalog row judged with
// the device, and "requirements/<ID>" for the verdict of each requirement
// (pass, fail with the row, oracle and replay command, or skipped: not
// covered, or not exercised under the device's editions and knobs), then,
// when some failure charges no requirement, a failed "uncharged" with
// those failures (uncharged.go). It returns the report.
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, mydevice.New)
//	}
//
// The report and the counterexamples it writes name the device after f
// ("mydevice.New": its function's name without the package's path, as
// go:mydevice.New in a counterexample file), so that reports of two
// devices tell them apart; RunDevice with FactoryDevice names it
// otherwise.
//
// Run judges f's devices as virtio-blk devices (FactoryDevice); a
// virtio-net device is RunDevice(t, NetFactoryDevice(name, f)). What f
// must do is member.Factory's contract. When the kit cannot start (a bad
// option, a factory FactoryDevice refuses) Run fails t with the reason and
// returns nil. The report writes itself as text, JSON or JUnit
// (Report.Write, or the WriteReport option); a failing row's
// Failure.Schedule is its counterexample, under ReplayDir, which
// Replay(FactoryDevice(name, f), path, cfg) replays with the device
// (ExampleFactoryDevice).
func Run[X T[X]](t X, f member.Factory, opts ...Option) *Report {
	t.Helper()
	return RunDevice(t, FactoryDevice(factoryName(f), f), opts...)
}

// factoryName names a Go device after its factory's function
// ("blk.New", "mydevice.TestConformance.func1" for a closure), "device"
// when the runtime cannot name it.
func factoryName(f member.Factory) string {
	if f == nil {
		return "device"
	}
	fn := runtime.FuncForPC(reflect.ValueOf(f).Pointer())
	if fn == nil || fn.Name() == "" {
		return "device"
	}
	name := fn.Name()
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	return name
}

// RunDevice is Run for any Device (an external process, say). It fails t
// and returns nil when the kit cannot start.
func RunDevice[X T[X]](t X, d Device, opts ...Option) *Report {
	t.Helper()
	k, err := newKit(d, opts)
	if err != nil {
		t.Errorf("%v", err)
		return nil
	}
	for _, group := range []struct {
		name, kind string
	}{{"device", kindDevice}, {"rows", kindRow}} {
		units := k.unitsOf(group.kind)
		if len(units) == 0 {
			continue
		}
		t.Run(group.name, func(t X) {
			for _, u := range units {
				t.Run(u.Name, func(t X) {
					k.run(u)
					u.Verdict = u.verdict()
					setUpIfOnly(u)
					reportUnit(t, u)
				})
			}
		})
	}
	rep := k.finish()
	t.Run("requirements", func(t X) {
		for _, r := range rep.Requirements {
			t.Run(r.ID, func(t X) { reportRequirement(t, r) })
		}
	})
	if len(rep.Uncharged) > 0 {
		t.Run("uncharged", func(t X) { reportUncharged(t, rep.Uncharged) })
	}
	if rep.Stopped != "" {
		t.Errorf("the kit stopped: %s", rep.Stopped)
	}
	if err := k.writeReports(rep); err != nil {
		t.Errorf("%v", err)
	}
	return rep
}

// Check runs the kit without a test and returns the report (the command
// line's `migsim conform`). The error is for a kit that cannot start: bad
// options, a device that cannot be opened.
func Check(d Device, opts ...Option) (*Report, error) {
	k, err := newKit(d, opts)
	if err != nil {
		return nil, err
	}
	for _, u := range k.units {
		k.run(u)
	}
	rep := k.finish()
	return rep, k.writeReports(rep)
}

// kit is one run of the kit.
type kit struct {
	dev      Device
	cfg      config
	editions []spec.Edition
	// declared are the editions the device itself declares (nil: both);
	// editions may be fewer (the Editions option, --spec).
	declared []spec.Edition
	knobs    map[string][]string
	units    []*Unit
	tests    map[*Unit]devicetest.Test
	rows     map[*Unit]row
	// devFactory is the device tests' open device.
	devFactory member.Factory
	devClose   func() error
	// stopped is set once the device broke the protocol: the rest is not
	// run. It holds the whole error (Report.Stopped); notRun is the short
	// reason each unit not run gives, which names the unit whose failure
	// holds the error rather than repeating it (with up to 2 KiB of the
	// device's stderr) on every line of the report.
	stopped, notRun string
	tmpDir          string
	// unwritten is the first error of writing a counterexample under
	// ReplayDir (Report.ReplayDirError).
	unwritten error
	// refs are the runs without migration of the row being judged.
	refs *refRuns
}

func newKit(d Device, opts []Option) (*kit, error) {
	cfg := defaults()
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.err != nil {
		return nil, cfg.err
	}
	if cd, ok := d.(contextDevice); ok {
		d = cd.withContext(cfg.ctx)
	}
	eds, knobs, err := d.Declares()
	if err != nil {
		return nil, fmt.Errorf("conformance: device %s: %w", d.Name(), err)
	}
	k := &kit{dev: d, cfg: cfg, editions: eds, declared: eds, knobs: knobs, tests: map[*Unit]devicetest.Test{}, rows: map[*Unit]row{}}
	if cfg.editions != nil {
		k.editions = cfg.editions
	}
	if k.knobs == nil {
		k.knobs = map[string][]string{}
	}
	for name, vals := range cfg.knobs {
		k.knobs[name] = vals
	}
	if err := k.plan(); err != nil {
		return nil, err
	}
	return k, nil
}

// plan lists every unit: the device tests of every edition, then the
// catalog rows.
func (k *kit) plan() error {
	if k.cfg.device {
		for _, e := range spec.Editions {
			for _, dt := range devicetest.All() {
				if !dt.AppliesTo(e) {
					continue
				}
				u := &Unit{Kind: kindDevice, Name: dt.Unit(e), Edition: e.String(),
					Requirements: applying(dt.Requirements(), e)}
				k.units = append(k.units, u)
				k.tests[u] = dt
			}
		}
	}
	if k.cfg.catalog {
		rows, err := selectedRows(k.cfg.scenarios)
		if err != nil {
			return err
		}
		for _, r := range rows {
			u := &Unit{Kind: kindRow, Name: r.name(), Edition: r.e.Edition.String(), Requirements: r.requirements(),
				Expected: r.expected()}
			k.units = append(k.units, u)
			k.rows[u] = r
		}
	}
	return nil
}

func (k *kit) unitsOf(kind string) []*Unit {
	var out []*Unit
	for _, u := range k.units {
		if u.Kind == kind {
			out = append(out, u)
		}
	}
	return out
}

// OwnerKnobs are the knobs that settle what the owner (the PF and its
// driver) does, not the member device: the kit's owner implements every
// value, so they never skip a unit, whatever a device declares.
var OwnerKnobs = []string{"list-before-vf-enable", "cap-group"}

// skipReason says why a unit of edition e with rules does not run, or "".
func (k *kit) skipReason(e spec.Edition, rules spec.Rules) string {
	if !slices.Contains(k.editions, e) {
		if len(k.declared) == 0 || slices.Contains(k.declared, e) {
			return fmt.Sprintf("%s: a %s unit (the run judges %s)", editionNotSelected, e, editionList(k.editions))
		}
		return fmt.Sprintf("not for the editions the device declares: a %s unit (the device implements %s)", e, editionList(k.editions))
	}
	// A knob of another edition settles nothing in e's units: it skips none.
	for _, kn := range spec.KnobsFor(e) {
		if slices.Contains(OwnerKnobs, kn.Name) {
			continue
		}
		v := kn.Get(rules)
		vals, ok := k.knobs[kn.Name]
		if !ok {
			vals = []string{kn.Get(spec.DefaultRules(e))}
		}
		if !slices.Contains(vals, v) {
			return fmt.Sprintf("needs %s=%s; %s%s=%s", kn.Name, v, knobImplements, kn.Name, strings.Join(vals, "|"))
		}
	}
	return ""
}

func editionList(eds []spec.Edition) string {
	if len(eds) == 0 {
		return "none"
	}
	var s []string
	for _, e := range eds {
		s = append(s, e.String())
	}
	return strings.Join(s, ", ")
}

// now is the kit's clock for the units' elapsed time (a seam for tests).
var now = time.Now

// run runs one unit (once).
func (k *kit) run(u *Unit) {
	if u.done {
		return
	}
	u.done = true
	start, ran := now(), false
	// One deferred call: the elapsed time is set before the progress
	// line that shows it.
	defer func() {
		u.elapsed = now().Sub(start)
		if ran {
			k.progress(u)
		}
	}()
	if k.stopped != "" {
		u.skip("not run: " + k.notRun)
		return
	}
	if k.cfg.ctx.Err() != nil { // the kit's context ends only on an interrupt
		u.skip("not run: interrupted")
		return
	}
	ran = true
	if dt, ok := k.tests[u]; ok {
		k.runDeviceTest(u, dt)
		setUpIfOnly(u) // the progress line says so
		return
	}
	k.runRow(u, k.rows[u])
}

func (k *kit) progress(u *Unit) {
	if k.cfg.progress != nil {
		fmt.Fprintf(k.cfg.progress, "conform: %-4s %s %s (%s)\n", u.verdict(), u.Kind, u.Name, u.elapsed.Round(time.Millisecond))
	}
}

func (k *kit) runDeviceTest(u *Unit, dt devicetest.Test) {
	e, _ := spec.ParseEdition(u.Edition)
	rules, err := spec.ParseRules(e, dt.Knobs())
	if err != nil {
		u.fail(Failure{Requirements: u.Requirements, Check: "device test", Message: err.Error()})
		return
	}
	if why := k.skipReason(e, rules); why != "" {
		u.skip(why)
		return
	}
	if dt.NeedsBlk() && deviceType(k.dev) != deviceBlk {
		u.skip(needsBlkRequests)
		return
	}
	if dt.NeedsNet() && deviceType(k.dev) != deviceNet {
		u.skip(needsNetDevice)
		return
	}
	markUnit(k.dev, u)
	if k.devFactory == nil {
		f, done, err := k.dev.Open()
		if err != nil {
			k.stop(u, err)
			return
		}
		k.devFactory, k.devClose = f, done
	}
	res := devicetest.Run(dt, e, rules, k.devFactory, deviceType(k.dev))
	if interrupted(res.Fatal) {
		u.skip("interrupted")
		return
	}
	if res.Skipped != "" && len(res.Failures) == 0 {
		u.skip(res.Skipped)
		return
	}
	for _, fl := range res.Failures {
		check := "device test"
		if fl.Check != "" { // the device's own failure, or one no requirement binds
			check = fl.Check
		}
		u.fail(Failure{Requirements: fl.Requirements, Check: check, Row: u.Name, Message: fl.Message, Step: fl.Step})
	}
	if res.Fatal != nil {
		k.halt("the device broke the protocol in "+u.Name, res.Fatal)
	}
}

func (k *kit) runRow(u *Unit, r row) {
	k.closeDevice()
	rules, err := r.rules()
	if err != nil {
		u.fail(Failure{Requirements: u.Requirements, Check: "catalog row", Row: u.Name, Message: err.Error()})
		return
	}
	if why := k.typeSkip(r); why != "" {
		u.skip(why)
		return
	}
	if why := k.skipReason(r.e.Edition, rules); why != "" {
		u.skip(why)
		return
	}
	markUnit(k.dev, u)
	f, done, err := k.dev.Open()
	if err != nil {
		k.stop(u, err)
		return
	}
	k.refs = &refRuns{}
	k.judgeRow(u, r, f)
	if u.verdict() == verdictPass {
		k.judgeWithoutMigration(u, r, f)
	}
	k.refs = nil
	if err := done(); interrupted(err) {
		u.Failures, u.Verdict, u.Reason = nil, "", ""
		u.skip("interrupted")
	} else if err != nil {
		k.halt("the device broke the protocol in "+u.Name, err)
		// A device that died in the row answers no run after it: each ends
		// at once where the runs before it went on, which the explorations
		// take for a device that is not deterministic. That is the
		// protocol error's consequence, not a finding of its own.
		u.Failures = slices.DeleteFunc(u.Failures, func(f Failure) bool { return f.Check == checkDeterminism })
		if !slices.ContainsFunc(u.Failures, func(f Failure) bool { return f.Check == checkProtocol }) {
			u.fail(Failure{Check: checkProtocol, Row: u.Name, Message: failmsg.Protocol(err.Error())})
		}
	}
}

// stop records a device that cannot be opened as the unit's failure and
// stops the kit.
func (k *kit) stop(u *Unit, err error) {
	if interrupted(err) {
		u.skip("interrupted")
		return
	}
	var xe *extdevice.Error
	// No requirement: the unit was not judged (a Fail would say the device
	// broke what it asks).
	fl := Failure{Check: checkOpen, Row: u.Name, Message: err.Error()}
	if errors.As(err, &xe) {
		fl.Requirements, fl.Check, fl.Message = nil, checkProtocol, failmsg.Protocol(fl.Message)
		if xe.Fault {
			fl.Check = checkFault
		}
	}
	u.fail(fl)
	if xe != nil {
		k.halt(fmt.Sprintf("the device broke the protocol at the start of %s", u.Name), err)
		return
	}
	k.halt(fmt.Sprintf("the device cannot be started (%s)", u.Name), err)
}

// halt stops the kit after a unit failed with err: what says what
// happened, naming that unit.
func (k *kit) halt(what string, err error) {
	k.stopped = fmt.Sprintf("%s: %v", what, err)
	k.notRun = what + " (that unit's failure has the error)"
}

// closeDevice releases the device tests' device.
func (k *kit) closeDevice() {
	if k.devClose != nil {
		if err := k.devClose(); err != nil && k.stopped == "" && !interrupted(err) {
			// No unit failed with this error: every unit not run says it.
			k.stopped = fmt.Sprintf("the device broke the protocol in the device tests: %v", err)
			k.notRun = k.stopped
		}
		k.devFactory, k.devClose = nil, nil
	}
}

// finish runs what is left, releases the device and builds the report.
func (k *kit) finish() *Report {
	for _, u := range k.units {
		k.run(u)
	}
	k.closeDevice()
	return k.report()
}
