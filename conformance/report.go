package conformance

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/migsim/migsim/catalog/control"
	"github.com/migsim/migsim/conformance/coverage"
	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/internal/shellquote"
	"github.com/migsim/migsim/spec"
)

// Kinds of units and verdicts.
const (
	kindDevice = "device-test"
	kindRow    = "row"

	verdictPass = "pass"
	verdictFail = "fail"
	// verdictSetUp: a device test whose every failure is of its set-up
	// (check checkSetUp): the device failed a step the test needs, and
	// the test's requirement was not reached. It fails the run as fail
	// does, counted apart.
	verdictSetUp = "set-up failed"
	// verdictWarn: only SHOULD statements broken (should.go).
	verdictWarn       = "warn"
	verdictSkip       = "skip"
	verdictNotCovered = "not covered"
	verdictNotExer    = "not exercised"
)

// ReportFormats are the formats of Report.
var ReportFormats = []string{"text", "json", "junit"}

// Unit is one device test or one catalog row, with its result.
type Unit struct {
	// Kind is "device-test" or "row".
	Kind string `json:"kind"`
	// Name is "<ID>/<edition>/<case>" for a device test and
	// "<scenario>/<edition>[/<knobs>][/set:<settings>]" for a row.
	Name    string `json:"name"`
	Edition string `json:"edition"`
	// Requirements are the IDs the unit exercises.
	Requirements []string `json:"requirements"`
	// Expected is a row's expected verdict.
	Expected string `json:"expected,omitempty"`
	// Verdict is pass, fail, warn (its failures break only SHOULD
	// statements), "set-up failed" (a device test the device failed
	// before its requirement: every failure is of check "test set-up")
	// or skip; Reason says why a unit was skipped.
	Verdict  string    `json:"verdict"`
	Reason   string    `json:"reason,omitempty"`
	Failures []Failure `json:"failures,omitempty"`
	// Explored says what a row's explorations covered.
	Explored string `json:"explored,omitempty"`
	// NotExercised maps each requirement a passing row's run did not
	// exercise (the guest did not negotiate a feature it needs) to why.
	NotExercised map[string]string `json:"not_exercised,omitempty"`

	done    bool
	elapsed time.Duration
}

// Failure is one broken rule: the requirements it breaks, the check that
// saw it (a device test, a catalog row's oracle, the device protocol), the
// message and, for a row, the counterexample and how to replay it.
type Failure struct {
	Requirements []string `json:"requirements"`
	Check        string   `json:"check"`
	Oracle       string   `json:"oracle,omitempty"`
	Row          string   `json:"unit"`
	// Expected is a row's expected verdict ("pass", "violation
	// transparent"), as its unit's; empty for a device test.
	Expected string `json:"expected,omitempty"`
	Message  string `json:"message"`
	// Difference is, for a finding of the transparent oracle, the first
	// entry at which the counterexample's guest log differs from the run
	// without migration (what migsim trace --without-migration prints):
	// where an implementer looks first.
	Difference *control.Difference `json:"first_difference,omitempty"`
	// Charged says how the requirements of a transparent finding were
	// chosen: by its first difference, or by the row's triggers when the
	// difference singles out none (difference.go); or, for a finding no
	// check attributes to a requirement, that the row's device
	// requirements stand in for the one broken (Charge).
	Charged string `json:"charged,omitempty"`
	// Involved are the other requirements the counterexample's run
	// touched (catalog.FindingReqs): not charged, never counted as
	// failing (Charge).
	Involved []string `json:"involved,omitempty"`
	Schedule string   `json:"schedule,omitempty"`
	Replay   string   `json:"replay,omitempty"`
	// Step is, for a failure of a device test's set-up (check "test
	// set-up"), the step the device failed ("DEV_MODE_SET stopped").
	Step string `json:"step,omitempty"`
	// Uncharged says, for a failure of a failed unit that names no
	// requirement, why it charges none (unchargedWhy); empty for a
	// failure that charges requirements. Report.Uncharged lists these
	// failures: no requirement's verdict shows them.
	Uncharged string `json:"uncharged,omitempty"`
}

func (u *Unit) fail(f Failure) {
	if f.Expected == "" {
		f.Expected = u.Expected
	}
	u.Verdict = verdictFail
	u.Failures = append(u.Failures, f)
}

func (u *Unit) skip(why string) {
	if u.Verdict == "" {
		u.Verdict, u.Reason = verdictSkip, why
	}
}

func (u *Unit) verdict() string {
	if u.Verdict == "" {
		return verdictPass
	}
	return u.Verdict
}

// reportUnit tells t a unit's result: each failure, or why it was
// skipped.
func reportUnit[X T[X]](t X, u *Unit) {
	t.Helper()
	for _, f := range u.Failures {
		if u.Verdict == verdictWarn {
			t.Logf("warning: SHOULD not followed: %s", f)
			continue
		}
		t.Errorf("%s", f)
	}
	if u.Explored != "" {
		t.Logf("explored: %s", u.Explored)
	}
	if u.Verdict == verdictSkip {
		t.Skip(u.Reason)
	}
}

// reportRequirement tells t a requirement's verdict.
func reportRequirement[X T[X]](t X, r RequirementResult) {
	t.Helper()
	switch r.Verdict {
	case verdictFail:
		for _, f := range r.Failures {
			t.Errorf("%s %s broken: %s", r.Level, r.ID, f)
		}
	case verdictWarn:
		for _, f := range r.Failures {
			t.Logf("warning: %s %s not followed: %s", r.Level, r.ID, f)
		}
	case verdictSkip:
		t.Skip(r.Why)
	case verdictNotCovered, verdictNotExer:
		t.Skip(r.Verdict + ": " + r.Why)
	default:
		t.Logf("%s: exercised by %s", r.ID, strings.Join(r.Units, ", "))
	}
}

// String renders a failure on one line (with what a row expected), then
// its replay.
func (f Failure) String() string {
	var b strings.Builder
	if f.Oracle != "" {
		fmt.Fprintf(&b, "%s: oracle %s %s", f.Row, f.Oracle, f.Message)
	} else {
		fmt.Fprintf(&b, "%s: %s", f.Row, f.Message)
	}
	if f.Expected != "" && !strings.HasPrefix(f.Message, "expected ") {
		fmt.Fprintf(&b, " (expected %s)", f.Expected)
	}
	if len(f.Requirements) > 0 {
		fmt.Fprintf(&b, " [%s]", strings.Join(f.Requirements, " "))
	}
	if d := f.Difference; d != nil {
		fmt.Fprintf(&b, "\n  first difference: entry %d: migrated %q, without migration %q", d.Entry, d.Migrated, d.WithoutMigration)
	}
	if f.Charged != "" {
		fmt.Fprintf(&b, "\n  charged %s", f.Charged)
	}
	if len(f.Involved) > 0 {
		fmt.Fprintf(&b, "\n  involved, not charged: %s", strings.Join(f.Involved, " "))
	}
	if f.Replay != "" {
		fmt.Fprintf(&b, "\n  replay: %s", f.Replay)
	}
	return b.String()
}

// Report is the kit's result: every unit and the verdict of every
// requirement of the spec catalog.
type Report struct {
	// Device names the device as migsim conform's --device does
	// (builtin:blk, exec:PATH), or is a served device's "served:NAME" or
	// a Go device's name.
	Device string `json:"device"`
	// DeviceArgs are an exec device's arguments (after "--" on migsim
	// conform's command line): the same program with other arguments is
	// another device, and the text and JUnit reports show them after
	// Device. None for any other device.
	DeviceArgs []string `json:"device_args,omitempty"`
	// Editions are the editions the run judges (Editions, --spec; else
	// what the device declares). A report of a device that could not be
	// started, or broke its handshake, lists those the command line asked
	// for, and none (the field left out) when they were to come from the
	// device's hello.
	Editions     []string            `json:"editions,omitempty"`
	Budget       Budget              `json:"budget"`
	Units        []*Unit             `json:"units"`
	Requirements []RequirementResult `json:"requirements"`
	// Uncharged are the failures of failed units that name no
	// requirement, each with why it charges none (Failure.Uncharged), in
	// unit order: no requirement's verdict shows them, and they fail the
	// run all the same (uncharged.go).
	Uncharged []Failure `json:"uncharged,omitempty"`
	// Stopped says why the kit stopped early (the device broke the
	// protocol), or is empty.
	Stopped string `json:"stopped,omitempty"`
	// Interrupted says that the kit's context ended (Context; Ctrl-C in
	// migsim conform) before every unit ran, and how many units that
	// left unjudged, or is empty. The units cut short or not run are
	// skipped as interrupted; the counts cover only what ran.
	Interrupted string `json:"interrupted,omitempty"`
	// Judged counts the requirements judged and not judged, by why.
	Judged Judged `json:"judged"`
	// ReplayDirError is the first error the file system gave when a
	// counterexample was written under ReplayDir (the directory could not
	// be created, a file not written), or nil. The failure it belonged to
	// says so in its message too; migsim conform exits 2 on it, naming the
	// path, as for every output file it cannot write.
	ReplayDirError error `json:"-"`
}

// RequirementResult is the verdict of one requirement.
type RequirementResult struct {
	ID       string   `json:"id"`
	Level    string   `json:"level"`
	Side     string   `json:"side"`
	Editions []string `json:"editions"`
	Text     string   `json:"text"`
	// Verdict is pass, fail, warn (a SHOULD requirement a unit broke:
	// should.go), skip (every unit that exercises it was
	// skipped), "not exercised" (the runs of the units that would judge
	// it did not negotiate a device feature it needs; Why says which) or
	// "not covered" (nothing in the kit exercises it; Why says why).
	Verdict string `json:"verdict"`
	// Units are the units that exercise it.
	Units    []string  `json:"units,omitempty"`
	Failures []Failure `json:"failures,omitempty"`
	Why      string    `json:"why,omitempty"`
}

// Failed reports whether some requirement or unit failed (a device test
// whose set-up failed included: the device is not shown conformant), or
// the kit stopped early; a warning (verdict warn: only SHOULD statements
// broken) is not a failure.
func (r *Report) Failed() bool {
	if r.Stopped != "" {
		return true
	}
	for _, u := range r.Units {
		if u.Verdict == verdictFail || u.Verdict == verdictSetUp {
			return true
		}
	}
	return false
}

// FailedRequirements lists the IDs whose verdict is fail.
func (r *Report) FailedRequirements() []string {
	var out []string
	for _, q := range r.Requirements {
		if q.Verdict == verdictFail {
			out = append(out, q.ID)
		}
	}
	return out
}

// Unit returns the unit of that name.
func (r *Report) Unit(name string) (*Unit, bool) {
	for _, u := range r.Units {
		if u.Name == name {
			return u, true
		}
	}
	return nil, false
}

// report builds the report from the units.
func (k *kit) report() *Report {
	rep := &Report{Device: k.dev.Name(), Budget: k.cfg.budget, Units: k.units, Stopped: k.stopped, ReplayDirError: k.unwritten}
	if pd, ok := k.dev.(*poolDevice); ok && pd.exec && len(pd.argv) > 1 {
		rep.DeviceArgs = slices.Clone(pd.argv[1:])
	}
	for _, e := range k.editions {
		rep.Editions = append(rep.Editions, e.String())
	}
	for _, u := range k.units {
		u.Verdict = u.verdict()
		warnIfShould(u)
		setUpIfOnly(u)
		// Requirements are a list in JSON, if an empty one ([] not null).
		if u.Requirements == nil {
			u.Requirements = []string{}
		}
		for i := range u.Failures {
			if u.Failures[i].Requirements == nil {
				u.Failures[i].Requirements = []string{}
			}
		}
	}
	rep.Uncharged = uncharged(k.units)
	if k.cfg.ctx.Err() != nil { // the kit's context ends only on an interrupt
		cut := 0
		for _, u := range k.units {
			if u.Verdict == verdictSkip && (u.Reason == "interrupted" || u.Reason == "not run: interrupted") {
				cut++
			}
		}
		rep.Interrupted = fmt.Sprintf("the run was interrupted: %s of %d cut short or not run", plural.Count(cut, "unit"), len(k.units))
	}
	cov, _ := StaticCoverage()
	for _, req := range spec.Requirements() {
		rr := RequirementResult{ID: req.ID, Level: req.Level, Side: req.Side, Text: req.Text}
		for _, e := range req.Editions {
			rr.Editions = append(rr.Editions, e.String())
		}
		ran, skipped, unexercised := 0, 0, 0
		var reasons, notEx []string
		for _, u := range k.units {
			failed := false
			for _, f := range u.Failures {
				if slices.Contains(f.Requirements, req.ID) {
					rr.Failures = append(rr.Failures, f)
					failed = true
				}
			}
			if !failed && !slices.Contains(u.Requirements, req.ID) {
				continue
			}
			rr.Units = append(rr.Units, u.Name)
			if why := notJudged(u, req.ID); !failed && why != "" {
				// The unit failed, but not on this requirement: on the
				// device (protocol, determinism) or on another
				// requirement. It cut short or spoiled the run that
				// would have judged this one, so it is no evidence.
				skipped++
				reasons = appendNew(reasons, why)
				continue
			}
			if u.Verdict == verdictSkip {
				skipped++
				reasons = appendNew(reasons, u.Reason)
				continue
			}
			if why, ok := u.NotExercised[req.ID]; ok {
				unexercised++
				notEx = appendNew(notEx, why)
				continue
			}
			ran++
		}
		switch {
		case len(rr.Failures) > 0 && req.Level == spec.LevelShould && !slices.ContainsFunc(rr.Failures, guessed):
			rr.Verdict = verdictWarn
		case len(rr.Failures) > 0:
			rr.Verdict = verdictFail
		case req.Side == spec.SideDriver:
			// Rows that list it run migsim's reference drivers, which
			// follow it; the device under test neither passes nor fails
			// it (and a failure never charges it: Charge).
			rr.Verdict, rr.Why = verdictNotCovered, coverage.DriverWhy(len(rr.Units))
		case ran > 0:
			rr.Verdict = verdictPass
		case unexercised > 0:
			rr.Verdict, rr.Why = verdictNotExer, strings.Join(notEx, "; ")
		case skipped > 0:
			rr.Verdict, rr.Why = verdictSkip, strings.Join(reasons, "; ")
		case cov.Covered(req.ID):
			rr.Verdict, rr.Why = verdictSkip, notSelected
		default:
			rr.Verdict, rr.Why = verdictNotCovered, coverage.Why(req.ID)
		}
		rep.Requirements = append(rep.Requirements, rr)
	}
	rep.Judged = rep.judged()
	return rep
}

// appendNew appends s to list unless it holds it already.
func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// notJudged says why a failed unit is no evidence for requirement id,
// or "" when the unit did not fail. Its failures name other
// requirements (the run that would have judged id failed on them) or
// none (the device broke the protocol or is not deterministic). The
// caller handles a failure that names id itself.
func notJudged(u *Unit, id string) string {
	if !unmet(u.Verdict) || len(u.Failures) == 0 {
		return ""
	}
	var on []string
	for _, f := range u.Failures {
		for _, r := range f.Requirements {
			if r != id && !slices.Contains(on, r) {
				on = append(on, r)
			}
		}
	}
	if u.Verdict == verdictSetUp {
		return notReachedWhy(u)
	}
	if len(on) == 0 {
		if f := u.Failures[0]; f.Check == "catalog row" && f.Oracle != "" {
			// A finding the run without migration shares, or one no
			// requirement of the kit binds: the row failed, but not
			// on a requirement it judges.
			return fmt.Sprintf("not judged: %s failed on %s, which binds no requirement of the kit here (catalog row)", u.Name, f.Oracle)
		}
		return fmt.Sprintf("not judged: %s failed on the device, not on a requirement (%s)", u.Name, u.Failures[0].Check)
	}
	return fmt.Sprintf("not judged: %s failed on %s, not on this requirement", u.Name, strings.Join(on, " "))
}

// writeReports writes the report to every sink of the options.
func (k *kit) writeReports(rep *Report) error {
	for _, s := range k.cfg.reports {
		if err := rep.Write(s.format, s.w); err != nil {
			return err
		}
	}
	return nil
}

// Write writes the report as text, json or junit.
func (r *Report) Write(format string, w io.Writer) error {
	var err error
	switch format {
	case "text":
		err = r.WriteText(w)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(r)
	case "junit":
		err = r.WriteJUnit(w)
	default:
		err = fmt.Errorf("want one of %s", strings.Join(ReportFormats, ", "))
	}
	if err != nil {
		return fmt.Errorf("conformance: report (%s): %w", format, err)
	}
	return nil
}

// Counts counts requirements by verdict.
func (r *Report) Counts() map[string]int {
	m := map[string]int{}
	for _, q := range r.Requirements {
		m[q.Verdict]++
	}
	return m
}

// WriteText writes the summary, one line per requirement and a last
// "(none)" line of the failures that charge no requirement (uncharged.go),
// then every failure with its replay command.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	c := r.Counts()
	units := map[string]int{}
	for _, u := range r.Units {
		units[u.Verdict]++
	}
	setUp := ""
	if n := units[verdictSetUp]; n > 0 {
		setUp = fmt.Sprintf(", %d set-up failed", n) // counted apart from fail, failing all the same
	}
	none := ""
	if s := r.unchargedSummary(); s != "" {
		none = "; " + s // no requirement's verdict counts them (uncharged.go)
	}
	fmt.Fprintf(&b, "conformance of %s (%s): %d requirements: %d pass, %d fail, %d skip, %d not exercised, %d not covered; %d units: %d pass, %d fail, %d skip%s%s\n",
		r.shownDevice(), strings.Join(r.Editions, ", "), len(r.Requirements), c[verdictPass], c[verdictFail], c[verdictSkip], c[verdictNotExer], c[verdictNotCovered],
		len(r.Units), units[verdictPass], units[verdictFail], units[verdictSkip], setUp, none)
	fmt.Fprintf(&b, "%s\n", r.Judged)
	if r.Stopped != "" {
		fmt.Fprintf(&b, "stopped: %s\n", r.Stopped)
	}
	if r.Interrupted != "" {
		fmt.Fprintf(&b, "interrupted: %s\n", r.Interrupted)
	}
	if c[verdictWarn] > 0 || units[verdictWarn] > 0 {
		fmt.Fprintf(&b, "warnings: %s and %s not followed, only SHOULD statements: not failures\n",
			plural.Count(c[verdictWarn], "requirement"), plural.Count(units[verdictWarn], "unit"))
	}
	fmt.Fprintf(&b, "\n%-14s %-6s %-11s %s\n", "REQUIREMENT", "LEVEL", "VERDICT", "EVIDENCE")
	for _, q := range r.Requirements {
		ev := ""
		switch q.Verdict {
		case verdictFail, verdictWarn:
			ev = fmt.Sprintf("%d failure(s), first: %s", len(q.Failures), q.Failures[0].Row)
		case verdictPass:
			ev = evidence(r, q.Units)
		default:
			ev = q.Why
		}
		fmt.Fprintf(&b, "%-14s %-6s %-11s %s\n", q.ID, q.Level, strings.ToUpper(q.Verdict[:1])+q.Verdict[1:], ev)
	}
	r.writeUnchargedLine(&b)
	var fails, warns []Failure
	for _, u := range r.Units {
		if u.Verdict == verdictWarn {
			warns = append(warns, u.Failures...)
		} else {
			fails = append(fails, u.Failures...)
		}
	}
	for _, sec := range []struct {
		head string
		fs   []Failure
	}{{"failures", fails}, {"warnings (SHOULD statements not followed)", warns}} {
		if len(sec.fs) > 0 {
			fmt.Fprintf(&b, "\n%s:\n", sec.head)
			for _, f := range sec.fs {
				fmt.Fprintf(&b, "%s\n", f)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// evidence counts the device tests and rows among units.
func evidence(r *Report, names []string) string {
	dev, rows := 0, 0
	for _, n := range names {
		if u, ok := r.Unit(n); ok && u.Verdict == verdictPass {
			if u.Kind == kindDevice {
				dev++
			} else {
				rows++
			}
		}
	}
	return plural.Count(dev, "device test") + ", " + plural.Count(rows, "row")
}

// shownDevice is the device as the text and JUnit reports name it:
// Device, then an exec device's arguments after "--", quoted as a shell
// needs them.
func (r *Report) shownDevice() string {
	var b strings.Builder
	b.WriteString(r.Device)
	for i, a := range r.DeviceArgs {
		if i == 0 {
			b.WriteString(" --")
		}
		b.WriteString(" " + shellquote.Quote(a))
	}
	return b.String()
}
