package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/gcpolicy"
	"github.com/migsim/migsim/internal/golden"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// Budgets of the kit's own tests: -short runs every catalog row with
// ShortBudget; without -short the reference device runs rows with up to
// referenceSchedules schedules per exploration. The mutants and the
// external device always run with ShortBudget: what they show does not
// need more. TestExternalMatchesBuiltin compares every unit with the
// reference device served in-process through the protocol, and the device
// tests and two rows with it as a process (its comment says why that
// covers the process). Measured on 2 shared cores (load average 2 to 3):
// go test ./conformance takes about 41 s of wall time (51 s of CPU, 6 s of
// it system time), TestExternalMatchesBuiltin 34 s of it (served 30 s,
// the process 5 s); when the whole kit ran through the process, that test
// took 80 to 100 s and the package 99 to 117 s (135 s of CPU, 60 s of it
// system time in pipe round trips). At load average 8, go test -short
// ./conformance/... takes about 97 s (59 s of CPU).
const referenceSchedules = 100

func referenceBudget() conformance.Budget {
	if testing.Short() {
		return conformance.ShortBudget
	}
	return conformance.Budget{Schedules: referenceSchedules, ShrinkReplays: conformance.ShortBudget.ShrinkReplays}
}

// TestReferenceAllGreen runs the whole kit on the reference device under
// a Recorder: no unit fails, no requirement fails, and every requirement
// the kit covers passes.
func TestReferenceAllGreen(t *testing.T) {
	rec := conformance.NewRecorder("kit")
	rep := conformanceTest(rec, blk.New, conformance.WithBudget(referenceBudget()), conformance.ReplayDir(t.TempDir()))
	require.NotNil(t, rep)
	assert.False(t, rec.Failed(), "failed: %v", rec.FailedLeaves())
	assert.Empty(t, rep.FailedRequirements())
	assert.False(t, rep.Failed())
	counts := rep.Counts()
	assert.Zero(t, counts["fail"])
	assert.Positive(t, counts["pass"])
	for _, u := range rep.Units {
		if u.Verdict == "skip" {
			assert.True(t, strings.HasPrefix(u.Reason, "inconclusive") || strings.HasPrefix(u.Reason, "not for a virtio-blk device: a virtio-net row") ||
				u.Reason == "not for a virtio-blk device: needs a virtio-net device",
				"%s skipped: %s", u.Name, u.Reason)
		}
	}
}

// twoMutants are the mutants the kit's test runs, with the requirements
// each breaks: no more, no fewer.
var twoMutants = []struct {
	name  string
	fails []string
	// row is one catalog row that fails, and its oracle.
	row, oracle string
}{
	{"mode-get-lies", []string{"DRAFT-MODE-04"}, "smoke-migrate/draft-2023", "readback"},
	{"irq-on-kick-when-stopped", []string{"DP-DEV-11", "DRAFT-STOP-01", "DRAFT-FRZ-01"}, "kick-during-stop/draft-2023", "no-notify-when-stopped"},
}

// TestMutantsFailNamedRequirements runs the kit on two mutants of the
// library: each fails exactly the requirements it breaks, through named
// subtests (requirements/ID), with the row, the oracle and a replay
// command that reproduces the counterexample.
func TestMutantsFailNamedRequirements(t *testing.T) {
	for _, tc := range twoMutants {
		t.Run(tc.name, func(t *testing.T) {
			m, ok := mutants.Lookup(tc.name)
			require.True(t, ok)
			dir := t.TempDir()
			d := builtinDevice(t, "builtin:mutant/"+tc.name)
			rec := conformance.NewRecorder("kit")
			rep := conformance.RunDevice(rec, d, conformance.Short(), conformance.Editions(m.Editions...), conformance.ReplayDir(dir))
			require.NotNil(t, rep)
			assert.Equal(t, tc.fails, rep.FailedRequirements())
			var failedReqs []string
			for _, name := range rec.FailedLeaves() {
				if id, ok := strings.CutPrefix(name, "kit/requirements/"); ok {
					failedReqs = append(failedReqs, id)
				}
			}
			assert.Equal(t, tc.fails, failedReqs, "the failed requirement subtests")
			u, ok := rep.Unit(tc.row)
			require.True(t, ok, tc.row)
			require.Equal(t, "fail", u.Verdict)
			f := u.Failures[0]
			assert.Equal(t, tc.oracle, f.Oracle)
			assert.NotContains(t, f.Message, "not shrunk", "a deterministic device's counterexample shrinks")
			assert.Contains(t, f.Replay, "migsim conform --device builtin:mutant/"+tc.name+" --replay "+dir)
			require.FileExists(t, f.Schedule)
			res, err := conformance.Replay(d, f.Schedule, conformanceRunConfig())
			require.NoError(t, err, "the counterexample replays")
			require.NotNil(t, res.Finding)
			assert.Equal(t, tc.oracle, res.Finding.Oracle)
			assert.Contains(t, f.Message, fmt.Sprintf("at step %d of %d: ", engine.ShownStep(res.Finding.Step), len(res.Choices)),
				"the failure numbers its step as the replay's trace does, from 1")
			ref, err := conformance.Replay(conformance.FactoryDevice("builtin:blk", blk.New), f.Schedule, conformanceRunConfig())
			if err == nil {
				assert.Nil(t, ref.Finding, "the reference device does not fail the counterexample")
			}
		})
	}
}

// TestReportFormats: the text, JSON and JUnit reports of one small run.
func TestReportFormats(t *testing.T) {
	var text, js, junit bytes.Buffer
	rep, err := conformance.Check(builtinDevice(t, "builtin:mutant/mode-get-lies"),
		conformance.Short(), conformance.Scenarios("smoke-migrate"), conformance.ReplayDir(t.TempDir()),
		conformance.WriteReport("text", &text), conformance.WriteReport("json", &js), conformance.WriteReport("junit", &junit))
	require.NoError(t, err)
	assert.Contains(t, text.String(), "DRAFT-MODE-04  MUST   Fail")
	assert.Contains(t, text.String(), "replay: migsim conform --device builtin:mutant/mode-get-lies --replay ")

	// One word for a skip, in the summary as in the VERDICT column.
	assert.Regexp(t, `requirements: \d+ pass, \d+ fail, \d+ skip, \d+ not exercised, \d+ not covered; \d+ units: \d+ pass, \d+ fail, \d+ skip\n`, text.String())
	assert.NotContains(t, text.String(), "skipped")
	// A row's failure line says what the row expected, as the JSON does.
	rowFailures := 0
	for _, u := range rep.Units {
		for _, f := range u.Failures {
			if u.Kind == "row" {
				rowFailures++
				assert.Equal(t, u.Expected, f.Expected)
				assert.Contains(t, text.String(), f.Row+": ")
				assert.Contains(t, f.String(), " (expected "+u.Expected+")")
			}
		}
	}
	assert.Positive(t, rowFailures)
	// Requirements are always a list: a unit or failure naming none has [].
	assert.NotContains(t, js.String(), `"requirements": null`)

	var back conformance.Report
	require.NoError(t, json.Unmarshal(js.Bytes(), &back))
	assert.Equal(t, rep.FailedRequirements(), back.FailedRequirements())

	var suites struct {
		Errors *string `xml:"errors,attr"`
		Time   *string `xml:"time,attr"`
		Suites []struct {
			Name       string    `xml:"name,attr"`
			Errors     *string   `xml:"errors,attr"`
			Time       *string   `xml:"time,attr"`
			Properties *struct{} `xml:"properties"`
			Cases      []struct {
				Name    string    `xml:"name,attr"`
				Time    *string   `xml:"time,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(junit.Bytes(), &suites))
	// What strict JUnit schemas require, and the time many tools expect:
	// errors and time on the document and every suite, time on every case
	// (a requirement's 0: a verdict over units, not a run), a suite's time
	// the sum of its cases', and no empty properties element (the run
	// ended normally).
	require.NotNil(t, suites.Errors)
	require.NotNil(t, suites.Time)
	assert.Equal(t, "0", *suites.Errors)
	for _, s := range suites.Suites {
		require.NotNil(t, s.Errors, s.Name)
		require.NotNil(t, s.Time, s.Name)
		assert.Equal(t, "0", *s.Errors, s.Name)
		assert.Nil(t, s.Properties, "%s: a run that ended normally has no properties", s.Name)
		ms := 0
		for _, c := range s.Cases {
			require.NotNil(t, c.Time, "%s/%s", s.Name, c.Name)
			if s.Name == "requirements" {
				assert.Equal(t, "0.000", *c.Time, c.Name)
			}
			ms += millis(t, *c.Time)
		}
		assert.Equal(t, ms, millis(t, *s.Time), "%s: the suite's time is the sum of its cases'", s.Name)
	}
	require.NotEmpty(t, suites.Suites)
	assert.Equal(t, "requirements", suites.Suites[0].Name)
	assert.Len(t, suites.Suites[0].Cases, len(rep.Requirements), "one testcase per requirement")
	var failed []string
	for _, c := range suites.Suites[0].Cases {
		if c.Failure != nil {
			failed = append(failed, c.Name)
		}
	}
	assert.Equal(t, []string{"DRAFT-MODE-04"}, failed)
	total := 0
	for _, s := range suites.Suites {
		total += len(s.Cases)
	}
	assert.Equal(t, len(rep.Requirements)+len(rep.Units), total, "one testcase per requirement, device test and row")
}

// TestKnobsSkipRows: a device that declares one value of a knob skips the
// rows and device tests of the others, saying why.
func TestKnobsSkipRows(t *testing.T) {
	rep, err := conformance.Check(conformance.FactoryDevice("builtin:blk", blk.New), conformance.Short(),
		conformance.Scenarios("flr-during-freeze"), conformance.Knobs("flr-vs-mode=hold-reply", "transitions=all"))
	require.NoError(t, err)
	u, ok := rep.Unit("flr-during-freeze/draft-2023/flr-vs-mode=defer-flr")
	require.True(t, ok)
	assert.Equal(t, "skip", u.Verdict)
	assert.Equal(t, "needs flr-vs-mode=defer-flr; the device implements flr-vs-mode=hold-reply", u.Reason)
	u, ok = rep.Unit("DRAFT-MODE-03/draft-2023/strict-chain")
	require.True(t, ok)
	assert.Equal(t, "skip", u.Verdict)
	u, ok = rep.Unit("flr-during-freeze/draft-2023")
	require.True(t, ok)
	assert.Equal(t, "pass", u.Verdict)
	_, err = conformance.Check(conformance.FactoryDevice("x", blk.New), conformance.Knobs("flr-vs-mode=sometimes"))
	assert.ErrorContains(t, err, `unknown value "sometimes"`)
}

// TestKnobsOfAnotherEditionSkipNothing: a value declared for a knob that
// applies to draft-2023 only (read, transitions) does not skip a
// virtio-1.4 unit, whose runs leave that knob at virtio-1.4's default.
func TestKnobsOfAnotherEditionSkipNothing(t *testing.T) {
	rep, err := conformance.Check(conformance.FactoryDevice("builtin:blk", blk.New), conformance.Short(),
		conformance.Scenarios("flr-during-freeze"), conformance.Knobs("read=incremental-clear", "transitions=all"))
	require.NoError(t, err)
	u, ok := rep.Unit("flr-during-freeze/virtio-1.4")
	require.True(t, ok)
	assert.Equal(t, "pass", u.Verdict, u.Reason)
	u, ok = rep.Unit("DRAFT-CTX-02/draft-2023/full-reads")
	require.True(t, ok)
	assert.Equal(t, "skip", u.Verdict)
	assert.Equal(t, "needs read=full; the device implements read=incremental-clear", u.Reason)
}

// TestExecDeviceThatCannotStart: a device program that cannot be started
// is an *extdevice.StartError naming it (the caller's input), not a
// protocol error of a device.
func TestExecDeviceThatCannotStart(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage")
	require.NoError(t, os.WriteFile(garbage, []byte("not a program\n"), 0o755))
	for _, path := range []string{filepath.Join(dir, "nonexistent"), garbage} {
		_, err := conformance.Check(conformance.ExecDevice([]string{path}, extdevice.Options{}), conformance.Short(),
			conformance.Scenarios("smoke-migrate"))
		var se *extdevice.StartError
		require.ErrorAs(t, err, &se, "%s", path)
		assert.Equal(t, path, se.Command)
		assert.Contains(t, err.Error(), "extdevice: start "+path+": ")
		var pe *extdevice.Error
		assert.False(t, errors.As(err, &pe), "not a protocol error")
	}
}

// TestUnknownScenarioIsAnError: a scenario name the catalog does not have
// is an error naming it (with a suggestion for a typo), not a run of no
// rows that passes.
func TestUnknownScenarioIsAnError(t *testing.T) {
	tests := []struct {
		names []string
		want  string
	}{
		{[]string{"nosuch"}, "no scenario \"nosuch\" among the catalog's "},
		{[]string{"smoke-migrate", "smoke-migrat"}, `no scenario "smoke-migrat"; did you mean smoke-migrate?`},
	}
	for _, tc := range tests {
		rep, err := conformance.Check(conformance.FactoryDevice("builtin:blk", blk.New), conformance.Scenarios(tc.names...))
		require.Error(t, err, "%v", tc.names)
		assert.Nil(t, rep)
		assert.Contains(t, err.Error(), tc.want)
		assert.True(t, strings.HasPrefix(err.Error(), "conformance: scenarios: "), err.Error())
	}
}

// The test programs (examples/extblk, examples/extnet and extdevice's
// hostile test device) are built once per test binary, by one go build:
// each go command loads the module's packages again before it builds,
// so three commands cost about 0.9 s more CPU than one.
var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// testPrograms are the packages buildPrograms builds, each to the
// directory's file named after the package's last element.
var testPrograms = []string{"../examples/extblk", "../examples/extnet", "./extdevice/testdata/hostile"}

// buildPrograms builds testPrograms and returns the path of the one named
// name ("extblk", "extnet", "hostile").
func buildPrograms(t testing.TB, name string) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "conformance-test-")
		if buildErr != nil {
			return
		}
		args := append([]string{"build", "-o", buildDir + string(filepath.Separator)}, testPrograms...)
		out, err := exec.Command("go", args...).CombinedOutput()
		if err != nil {
			buildErr = &buildFailure{strings.Join(testPrograms, " "), string(out), err}
		}
	})
	require.NoError(t, buildErr)
	return filepath.Join(buildDir, name)
}

// extblk builds examples/extblk (with the other test programs, once) and
// returns its path.
func extblk(t testing.TB) string {
	t.Helper()
	return buildPrograms(t, "extblk")
}

// hostileDevice builds extdevice/testdata/hostile (with the other test
// programs, once) and returns its path (TestHostileDeviceThroughTheKit and
// TestInterruptedExternalDevice run it).
func hostileDevice(t testing.TB) string {
	t.Helper()
	return buildPrograms(t, "hostile")
}

// extnet builds examples/extnet (with the other test programs, once) and
// returns its path.
func extnet(t testing.TB) string {
	t.Helper()
	return buildPrograms(t, "extnet")
}

type buildFailure struct {
	pkgs, out string
	err       error
}

func (b *buildFailure) Error() string {
	return "go build " + b.pkgs + ": " + b.err.Error() + "\n" + b.out
}

func TestMain(m *testing.M) {
	gcpolicy.Apply() // as the migsim command does
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// TestCoverageDoc keeps the coverage matrix of docs/conformance.md (section
// "coverage") generated from the device tests, the catalog and the
// reasons of what is not covered.
func TestCoverageDoc(t *testing.T) {
	cov, err := conformance.StaticCoverage()
	require.NoError(t, err)
	doc := "<!-- Generated by TestCoverageDoc (conformance). Do not edit: run\n     go test ./conformance -run TestCoverageDoc -rewrite -->\n\n" +
		conformance.CoverageDoc(cov)
	golden.CheckSection(t, "../docs/conformance.md", "coverage", []byte(doc))
}

func conformanceRunConfig() engine.RunConfig { return engine.RunConfig{} }

// TestHostileDeviceThroughTheKit: an external device that breaks the
// protocol stops the kit with an error naming the message (within the
// deadline, without a panic or a hang), and the units not run name the
// unit that failed without repeating its error; one that only writes guest memory
// outside the guest fails the units it ran, as device faults.
func TestHostileDeviceThroughTheKit(t *testing.T) {
	hostile := hostileDevice(t)
	opts := []conformance.Option{conformance.Short(), conformance.Scenarios("smoke-migrate"), conformance.ReplayDir(t.TempDir())}
	for _, tc := range []struct {
		mode, want string
	}{
		{"hang", "no reply within 300ms"},
		{"twice", "sent twice"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			d := conformance.ExecDevice([]string{hostile, tc.mode}, extdevice.Options{Timeout: 300 * time.Millisecond})
			rep, err := conformance.Check(d, opts...)
			require.NoError(t, err)
			assert.Contains(t, rep.Stopped, "the device broke the protocol")
			assert.Contains(t, rep.Stopped, tc.want)
			assert.True(t, rep.Failed())
			notRun := 0
			for _, u := range rep.Units {
				if strings.HasPrefix(u.Reason, "not run: ") {
					notRun++
					// The error is in the report once (Stopped, and the
					// failure of the unit it ended), not on every unit.
					assert.NotContains(t, u.Reason, tc.want, "unit %s", u.Name)
					assert.Contains(t, u.Reason, "that unit's failure has the error", "unit %s", u.Name)
				}
			}
			assert.Positive(t, notRun, "the units after the protocol error are not run")
			// The unit the error ended fails, naming no requirement, and
			// says what the device did.
			protocol := 0
			for _, u := range rep.Units {
				for _, fl := range u.Failures {
					protocol++
					assert.Equal(t, "device protocol", fl.Check, "unit %s", u.Name)
					assert.Empty(t, fl.Requirements, "unit %s", u.Name)
					assert.True(t, strings.HasPrefix(fl.Message, "the device broke the protocol: "), fl.Message)
					assert.NotContains(t, fl.Message, "panicked")
					assert.Empty(t, fl.Oracle, "unit %s: no oracle saw it", u.Name)
					assert.NotContains(t, fl.String(), "oracle panic", "unit %s", u.Name)
				}
			}
			assert.Positive(t, protocol)
			assert.Empty(t, rep.FailedRequirements(), "a protocol error breaks no requirement")
		})
	}
	// A device that does not end with status 0 at the end of its input
	// breaks the protocol already after the handshake the kit runs first
	// (what it declares): nothing runs.
	for _, mode := range []struct{ name, want string }{
		{"badexit", "without status 0 at the end of its input; process exit status 4"},
		// A line after the hello, which the first start, reading only
		// the hello, would otherwise leave to the first unit judged.
		{"banner", `end of input: the device wrote "hostile: starting up\n" on stdout after its last reply`},
		{"linger", "did not end within 1s of the end of its input (the request deadline); process killed"},
	} {
		t.Run(mode.name, func(t *testing.T) {
			// A request deadline of 1s is the grace of its exit too.
			_, err := conformance.Check(conformance.ExecDevice([]string{hostile, mode.name}, extdevice.Options{Timeout: time.Second}), opts...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), mode.want)
			var xe *extdevice.Error
			require.ErrorAs(t, err, &xe)
			assert.True(t, xe.Handshake, "nothing was judged: an error of the handshake")
		})
	}
	t.Run("oob-dma", func(t *testing.T) {
		d := conformance.ExecDevice([]string{hostile, "oob-dma"}, extdevice.Options{Timeout: 2 * time.Second})
		rep, err := conformance.Check(d, append(opts, conformance.Editions(spec.Virtio14))...)
		require.NoError(t, err)
		assert.Empty(t, rep.Stopped, "a fault does not end the device")
		u, ok := rep.Unit("smoke-migrate/virtio-1.4")
		require.True(t, ok)
		require.Equal(t, "fail", u.Verdict)
		assert.Contains(t, u.Failures[0].Message, "outside guest memory")
		// A fault is its own check in every unit, device tests and rows,
		// and in every format: "device protocol" is for a device that
		// broke the protocol, which this one did not.
		kinds := map[string]bool{}
		for _, u := range rep.Units {
			for _, fl := range u.Failures {
				kinds[u.Kind] = true
				assert.Equal(t, "device fault", fl.Check, "unit %s: %s", u.Name, fl.Message)
				assert.Empty(t, fl.Requirements, "unit %s", u.Name)
				assert.True(t, strings.HasPrefix(fl.Message, "the device faulted (it kept the protocol"), fl.Message)
			}
		}
		assert.Equal(t, map[string]bool{"device-test": true, "row": true}, kinds, "faults in device tests and rows")
		var js, ju bytes.Buffer
		require.NoError(t, rep.Write("json", &js))
		require.NoError(t, rep.Write("junit", &ju))
		assert.Contains(t, js.String(), `"check": "device fault"`)
		assert.NotContains(t, js.String(), `"check": "device protocol"`)
		assert.Contains(t, ju.String(), `type="device fault"`)
		assert.NotContains(t, ju.String(), `type="device protocol"`)
		for _, q := range rep.Requirements {
			if q.Verdict == "skip" && strings.Contains(q.Why, "failed on the device") {
				assert.Contains(t, q.Why, "(device fault)", q.ID)
			}
		}
	})
}

// flaky is a device whose reads return a flipped bit every third read of
// all its instances together: the same events give different effects.
type flaky struct {
	member.Device
	reads *atomic.Uint64
}

func (d flaky) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if len(fx.ReadData) > 0 && d.reads.Add(1)%3 == 0 {
		fx.ReadData = slices.Clone(fx.ReadData)
		fx.ReadData[0] ^= 1
	}
	return fx
}

// resumesOnKick is a device that, notified by its driver while stopped,
// reports itself running again: a member that changes its own migration
// mode, which only the owner's commands and an FLR may do.
type resumesOnKick struct {
	member.Device
	notify  uint64
	resumed *bool
}

func (d resumesOnKick) Handle(ev member.Event) member.Effects {
	stopped := d.Device.Status().Mode == spec.ModeStop
	fx := d.Device.Handle(ev)
	if t := ev.TLP; stopped && ev.Kind == member.EvTLP && t.Kind == pcie.MemWrite && t.Addr >= d.notify && t.Addr < d.notify+pcie.BAR0NotifyLen {
		*d.resumed = true
	}
	return fx
}

func (d resumesOnKick) Status() member.Status {
	st := d.Device.Status()
	if *d.resumed && st.Mode == spec.ModeStop {
		st.Mode = spec.ModeActive
	}
	return st
}

// TestDeviceThatChangesItsOwnMode: a device that resumes itself on a kick
// while stopped fails the row it ran with the member contract, naming what
// it did and no requirement, where it used to end in the world's internal
// panic about an undeclared footprint.
func TestDeviceThatChangesItsOwnMode(t *testing.T) {
	for _, tc := range []struct {
		name  string
		f     member.Factory
		where string
	}{
		{"resumes on a kick while stopped", func(c member.Config) member.Device {
			return resumesOnKick{blk.New(c), c.BAR0 + pcie.BAR0Notify, new(bool)}
		}, `changed its mode from Stop to Active on "vcpu0:mmio-write notify\+[^"]*", which only the owner's mode commands and an FLR do \(at step \d+ of \d+\)`},
		{"stops on a kick, in the run without migration", func(c member.Config) member.Device {
			return stopsOnKick{blk.New(c), c.BAR0 + pcie.BAR0Notify, new(bool)}
		}, `changed its mode from Active to Stop on "vcpu0:mmio-write notify\+[^"]*", which only the owner's mode commands and an FLR do \(in the run without migration\)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := conformance.Check(conformance.FactoryDevice("builtin:changes-its-mode", tc.f), conformance.Short(),
				conformance.Parts(false, true), conformance.Scenarios("kick-during-stop"), conformance.Editions(spec.Draft2023),
				conformance.ReplayDir(t.TempDir()))
			require.NoError(t, err)
			require.True(t, rep.Failed())
			found := false
			for _, u := range rep.Units {
				for _, fl := range u.Failures {
					assert.NotContains(t, fl.Message, "does not declare the write", "unit %s: not the world's internal panic", u.Name)
					if fl.Check != "device contract" {
						continue
					}
					found = true
					assert.Empty(t, fl.Requirements, "unit %s", u.Name)
					assert.Empty(t, fl.Oracle, "unit %s: no oracle saw it, the simulator did not panic", u.Name)
					assert.NotContains(t, fl.String(), "panic", "unit %s", u.Name)
					assert.Regexp(t, `^the device broke the member contract: \S+\.vf1 `+tc.where+
						`; the simulator's reduction relies on it, so the row is not judged further with this device$`, fl.Message)
				}
			}
			assert.True(t, found, "a unit fails on the member contract")
			assert.Empty(t, rep.FailedRequirements(), "no requirement fails for it")
		})
	}
}

// stopsOnKick is a device that, notified by its driver while running,
// reports itself stopped: a member that changes its own migration mode,
// already in the run without migration.
type stopsOnKick struct {
	member.Device
	notify  uint64
	stopped *bool
}

func (d stopsOnKick) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if t := ev.TLP; ev.Kind == member.EvTLP && t.Kind == pcie.MemWrite && t.Addr >= d.notify && t.Addr < d.notify+pcie.BAR0NotifyLen {
		*d.stopped = true
	}
	return fx
}

func (d stopsOnKick) Status() member.Status {
	st := d.Device.Status()
	if *d.stopped && st.Mode == spec.ModeActive {
		st.Mode = spec.ModeStop
	}
	return st
}

// TestNotDeterministicDevice: a device that runs differently on the same
// choices fails the rows it ran, saying it is not deterministic (not
// advice the kit's user cannot follow), and breaks no requirement: the kit
// cannot tell what the spec would say of it.
func TestNotDeterministicDevice(t *testing.T) {
	var reads atomic.Uint64
	f := func(c member.Config) member.Device { return flaky{blk.New(c), &reads} }
	// One job: the runs, and so which read flips, come in one order, and
	// the exploration meets the same choices running differently before
	// a flipped read makes a finding.
	b := conformance.ShortBudget
	b.Jobs = 1
	rep, err := conformance.Check(conformance.FactoryDevice("builtin:flaky", f), conformance.WithBudget(b),
		conformance.Parts(false, true), conformance.Scenarios("smoke-migrate"), conformance.ReplayDir(t.TempDir()))
	require.NoError(t, err)
	assert.True(t, rep.Failed())
	failed := 0
	for _, u := range rep.Units {
		for _, fl := range u.Failures {
			failed++
			assert.Equal(t, "device determinism", fl.Check, "unit %s", u.Name)
			assert.Empty(t, fl.Requirements, "unit %s", u.Name)
			assert.True(t, strings.HasPrefix(fl.Message, "the device is not deterministic: the same events gave different effects ("), fl.Message)
			assert.NotContains(t, fl.Message, "without the memo")
			assert.NotContains(t, fl.Message, "engine: ", "the engine's wrapping stays out of the message")
			assert.NotContains(t, fl.Message, "not shrunk", "said once, as the device's non-determinism")
		}
	}
	assert.Positive(t, failed)
	assert.Empty(t, rep.FailedRequirements(), "no requirement fails for a device's non-determinism")
}

// cancelAtRequest is a transcript that calls cancel when the kit sends a
// request other than the handshake's hello.
type cancelAtRequest struct {
	mu     sync.Mutex
	cancel context.CancelFunc
}

func (c *cancelAtRequest) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, l := range strings.Split(string(p), "\n") {
		if strings.Contains(l, "kit> ") && !strings.Contains(l, `"op":"hello"`) { // "pN kit> " with several processes
			c.cancel()
		}
	}
	return len(p), nil
}

// TestInterruptedExternalDevice: the kit's context (Context, Ctrl-C in
// migsim conform) ends a request the device is slow to answer at once,
// not at its deadline, and the units it cuts short are skipped as
// interrupted: the device broke nothing, so nothing fails and the kit
// does not report it as stopped by a protocol error, but as interrupted.
func TestInterruptedExternalDevice(t *testing.T) {
	hostile := hostileDevice(t)
	for _, tc := range []struct {
		name  string
		parts conformance.Option
	}{
		{"device tests", conformance.Parts(true, false)},
		{"rows", conformance.Parts(false, true)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			// Interrupt once the kit sent its first request past the
			// handshake, which the device never answers: on a clock, a
			// loaded machine may still be starting the device.
			d := conformance.ExecDevice([]string{hostile, "hang"}, extdevice.Options{Timeout: time.Minute,
				Transcript: &cancelAtRequest{cancel: cancel}})
			start := time.Now()
			rep, err := conformance.Check(d, conformance.Short(), conformance.Scenarios("smoke-migrate"),
				conformance.ReplayDir(t.TempDir()), conformance.Context(ctx), tc.parts)
			require.NoError(t, err)
			assert.Less(t, time.Since(start), 20*time.Second, "the interruption does not wait for the deadline")
			assert.Empty(t, rep.Stopped, "an interruption is not a protocol error")
			assert.False(t, rep.Failed())
			var reasons []string
			for _, u := range rep.Units {
				reasons = append(reasons, u.Reason)
				assert.NotContains(t, u.Reason, "context canceled", "unit %s: the units after it say interrupted", u.Name)
			}
			assert.Contains(t, reasons, "interrupted", "the unit cut short says so")
			// The report says the run was interrupted, in every format,
			// not only through its counts.
			assert.Contains(t, rep.Interrupted, "the run was interrupted: ")
			var text, js, junit bytes.Buffer
			require.NoError(t, rep.Write("text", &text))
			require.NoError(t, rep.Write("json", &js))
			require.NoError(t, rep.Write("junit", &junit))
			assert.Contains(t, text.String(), "\ninterrupted: the run was interrupted: ")
			assert.Contains(t, js.String(), `"interrupted": "the run was interrupted: `)
			assert.Contains(t, junit.String(), `<property name="interrupted" value="the run was interrupted: `)
		})
	}
}

// builtinDevice is conformance.BuiltinDevice(name), which must exist: the
// device a counterexample file records and its replay line names.
func builtinDevice(t *testing.T, name string) conformance.Device {
	t.Helper()
	d, ok := conformance.BuiltinDevice(name)
	require.True(t, ok, name)
	return d
}

// millis parses a JUnit time ("1.234") as milliseconds.
func millis(t *testing.T, s string) int {
	t.Helper()
	whole, frac, ok := strings.Cut(s, ".")
	require.True(t, ok && len(frac) == 3, "time %q: want seconds with three decimals", s)
	n, err := strconv.Atoi(whole + frac)
	require.NoError(t, err)
	return n
}

// TestGoDeviceRecorded: a counterexample of a device of the caller's Go
// program (a FactoryDevice) records it as go:NAME, so that a replay of the
// file without a device says where it came from (migsim replay exits 2
// naming it) instead of replaying the reference as a catalog schedule; the
// program's own device replays it.
func TestGoDeviceRecorded(t *testing.T) {
	m, ok := mutants.Lookup("mode-get-lies")
	require.True(t, ok)
	d := conformance.FactoryDevice("my-blk", m.Factory(blk.New))
	dir := t.TempDir()
	rep := conformance.RunDevice(conformance.NewRecorder("kit"), d, conformance.Short(), conformance.Editions(spec.Draft2023),
		conformance.Scenarios("smoke-migrate"), conformance.Parts(false, true), conformance.ReplayDir(dir))
	require.NotNil(t, rep)
	u, ok := rep.Unit("smoke-migrate/draft-2023")
	require.True(t, ok)
	require.Equal(t, "fail", u.Verdict)
	f := u.Failures[0]
	require.FileExists(t, f.Schedule)
	assert.Contains(t, f.Replay, "conformance.Replay(<your device>, ", "no command line pretends to run the caller's device")
	sc, err := catalog.ReadScheduleFile(f.Schedule)
	require.NoError(t, err)
	assert.Equal(t, "go:my-blk", sc.Device)
	assert.Empty(t, sc.DeviceArgs)
	res, err := conformance.Replay(d, f.Schedule, conformanceRunConfig())
	require.NoError(t, err)
	require.NotNil(t, res.Finding, "the program's device replays its counterexample")
	assert.Equal(t, "readback", res.Finding.Oracle)
}

// claimsActive stops as asked, but its status keeps saying Active.
type claimsActive struct{ member.Device }

func (d claimsActive) Status() member.Status {
	s := d.Device.Status()
	s.Mode = spec.ModeActive
	return s
}

// TestCheck_SelfReportIsTheContract: a device whose account of itself
// (the mode in its status) disagrees with what the host observed breaks
// the member contract, which no host reads: its rows fail, charging no
// requirement of the spec, where they charged every device requirement
// of the row (a lying status failed ADM-DEV-03 on compat rows).
func TestCheck_SelfReportIsTheContract(t *testing.T) {
	f := func(c member.Config) member.Device { return claimsActive{blk.New(c)} }
	rep, err := conformance.Check(conformance.FactoryDevice("builtin:claims-active", f), conformance.Short(),
		conformance.Parts(false, true), conformance.Scenarios("smoke-migrate", "compat-corrupt-load"),
		conformance.ReplayDir(t.TempDir()))
	require.NoError(t, err)
	require.True(t, rep.Failed())
	n := 0
	for _, u := range rep.Units {
		for _, fl := range u.Failures {
			n++
			assert.Equal(t, "device contract", fl.Check, "unit %s: %s", u.Name, fl.Message)
			assert.Equal(t, "self-report", fl.Oracle, "unit %s", u.Name)
			assert.Empty(t, fl.Requirements, "unit %s", u.Name)
			assert.Contains(t, fl.Message, "the device's account of itself", "unit %s", u.Name)
			assert.Equal(t, "the device broke the member contract: the row was not judged further", fl.Uncharged, "unit %s", u.Name)
		}
	}
	assert.Positive(t, n, "the rows fail")
	assert.Empty(t, rep.FailedRequirements(), "no requirement fails for it")
	assert.Len(t, rep.Uncharged, n, "every failure is listed apart, charging none")

	// A replay of the counterexample says the same: no requirement, and
	// why (migsim conform --replay, migsim replay of the file).
	u, ok := rep.Unit("smoke-migrate/virtio-1.4")
	require.True(t, ok)
	require.NotEmpty(t, u.Failures)
	require.FileExists(t, u.Failures[0].Schedule)
	r, err := conformance.ReplayRecorded(context.Background(), conformance.FactoryDevice("builtin:claims-active", f), u.Failures[0].Schedule, conformanceRunConfig(), 0)
	require.NoError(t, err)
	require.NotNil(t, r.Result.Finding)
	require.NotNil(t, r.Charge, "the replay decides the charge")
	assert.Empty(t, r.Charge.Charged)
	assert.Equal(t, u.Failures[0].Uncharged, r.Charge.None)
}

// TestRunNamesTheDevice: Run names a Go device after its factory, in the
// report and in the counterexamples it writes, so that the reports of
// two devices (or of one device's two versions' factories) tell them
// apart; a closure is named after the function it is in.
func TestRunNamesTheDevice(t *testing.T) {
	m, ok := mutants.Lookup("mode-get-lies")
	require.True(t, ok)
	dir := t.TempDir()
	rep := conformance.Run(conformance.NewRecorder("kit"), m.Factory(blk.New), conformance.Short(), conformance.Editions(spec.Draft2023),
		conformance.Scenarios("smoke-migrate"), conformance.Parts(false, true), conformance.ReplayDir(dir))
	require.NotNil(t, rep)
	assert.Regexp(t, `^mutants\.\S+\.func\d+$`, rep.Device, "the mutant's wrapping closure, in package mutants")
	u, ok := rep.Unit("smoke-migrate/draft-2023")
	require.True(t, ok)
	require.Equal(t, "fail", u.Verdict)
	sc, err := catalog.ReadScheduleFile(u.Failures[0].Schedule)
	require.NoError(t, err)
	assert.Equal(t, "go:"+rep.Device, sc.Device)

	rep = conformance.Run(conformance.NewRecorder("kit"), blk.New, conformance.Short(), conformance.Scenarios("smoke-migrate"),
		conformance.Parts(false, true), conformance.ReplayDir(t.TempDir()))
	require.NotNil(t, rep)
	assert.Equal(t, "blk.New", rep.Device)
}
