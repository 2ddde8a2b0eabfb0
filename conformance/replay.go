package conformance

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/conformance/netlimit"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/explain"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/devicecmd"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world/record"
)

// ErrDeviceType is the error of a schedule whose VFs are of another
// device type than the device that is to replay it (a virtio-blk
// schedule and a virtio-net device, or the reverse): the device would
// build none of its members.
var ErrDeviceType = errors.New("not the schedule's device type")

// ScheduleTarget opens the device d and returns the target schedule sc
// runs (catalog.TargetOf) with d's instances as its members: the target a
// counterexample replays on (Replay), and whose trace
// (catalog.Target.Record) or finding report shows the run as the device
// made it. ctx ends an external device's requests (an interrupted
// extdevice.Error). done releases the device and returns its protocol
// error, if it broke the protocol while open. A schedule whose frames an
// external device cannot be sent is refused before it starts (netlimit).
func ScheduleTarget(ctx context.Context, d Device, sc *schedfile.Schedule) (t catalog.Target, done func() error, err error) {
	t, err = catalog.TargetOf(sc)
	if _, ext := d.(*poolDevice); ext && err == nil {
		err = netlimit.Check(t.Scenario, t.Settings)
	}
	if err != nil {
		return catalog.Target{}, nil, err
	}
	if pd, ok := d.(*poolDevice); ok {
		// The handshake the kit runs first (what the program declares, its
		// type included): a program that breaks it, as one that writes
		// after its hello or does not end with status 0, is no device of
		// the protocol, as for conform (an error of the handshake), and is
		// not started again for a run that would fail it later.
		if _, _, err := pd.Declares(); err != nil {
			return catalog.Target{}, nil, fmt.Errorf("conformance: device %s: %w", d.Name(), err)
		}
	}
	if got, want := scenario.VFDevice(t.Scenario.Settings, t.Settings), deviceType(d); got != want {
		return catalog.Target{}, nil, fmt.Errorf("conformance: %s is virtio-%s, the schedule's VFs are virtio-%s: %w", d.Name(), want, got, ErrDeviceType)
	}
	if cd, ok := d.(contextDevice); ok && ctx != nil {
		d = cd.withContext(ctx)
	}
	f, done, err := d.Open()
	if err != nil {
		return catalog.Target{}, nil, fmt.Errorf("conformance: device %s: %w", d.Name(), err)
	}
	setFactory(&t, d, f)
	return t, done, nil
}

// Replay replays a schedule file the kit wrote with the device d: the
// row's reference run, then the recorded choices. cfg.Trace, when set,
// receives the trace. It returns the run's result (its finding, if any),
// the finding's Reqs being every requirement the catalog names for it;
// what the kit charges, and what it lists as involved only, is
// ReplayRecorded's Charge. A device that now runs differently from the
// recording (a fixed one) diverges: the error says at which step, and
// ReplayLenient tells whether the recorded finding still occurs. A zero
// cfg.MaxSteps replays under the bound the schedule ran with: its length
// when its finding is the step bound, else at least its length.
//
// For a file the kit wrote with a Go program's device (recorded as
// go:NAME), d is that program's device again: FactoryDevice(name, f) with
// the same factory (the name need not be the recorded one), or the
// ServedDevice. cfg.Trace receives one line per scheduler step; the run's
// events as `migsim trace --format text` prints them are ReplayRecorded's
// Events, with a trace.StepLog as cfg.Trace for the steps:
// trace.WriteTextSteps(w, r.Events, steps.Steps).
func Replay(d Device, path string, cfg engine.RunConfig) (engine.Result, error) {
	res, _, err := ReplayExplained(context.Background(), d, path, cfg, 0)
	return res, err
}

// ReplayExplained replays a counterexample as Replay does and, when runs
// is positive and the replay has a finding, explains it with the device
// (explain.Explain within runs runs): the orderings of two steps the
// finding needs.
func ReplayExplained(ctx context.Context, d Device, path string, cfg engine.RunConfig, runs int) (engine.Result, *explain.Explanation, error) {
	r, err := ReplayRecorded(ctx, d, path, cfg, runs)
	return r.Result, r.Explanation, err
}

// Replayed is a counterexample replayed with a device (ReplayRecorded).
type Replayed struct {
	// Result is the run, its finding if any.
	Result engine.Result
	// Events is the run's recorded trace (package trace renders it, as
	// `migsim trace` does), up to where the replay stopped if it failed.
	Events []record.TraceEvent
	// Explanation explains the finding when asked for; else nil.
	Explanation *explain.Explanation
	// Charge is what the finding charges, decided from the replayed run
	// as the kit decided it for the report and the file (Charge; for a
	// member that broke the world's contract, none, and why); nil
	// without a finding, or when the run could not be charged.
	Charge *Charge
}

// ReplayRecorded is ReplayExplained with the trace recorded
// (catalog.Target.Record). ctx also ends an external device's requests.
// A run without migration that has a finding is that finding, after no
// step. When the device broke the protocol, the error is the device's,
// not the divergence it caused (ShowsDeviceError).
func ReplayRecorded(ctx context.Context, d Device, path string, cfg engine.RunConfig, runs int) (Replayed, error) {
	sc, err := catalog.ReadScheduleFile(path)
	if err != nil {
		return Replayed{}, err
	}
	t, done, err := ScheduleTarget(ctx, d, sc)
	if err != nil {
		return Replayed{}, fmt.Errorf("conformance: replay %s: %w", path, err)
	}
	if cfg.MaxSteps <= 0 {
		// The bound the schedule ran under: its own length when its
		// finding is the step bound, at least its length otherwise.
		cfg.MaxSteps = max(catalog.DefaultJudgeMaxSteps, sc.Steps)
		if sc.Finding.StepBound() {
			cfg.MaxSteps = sc.Steps
		}
	}
	t.MaxSteps = cfg.MaxSteps
	r, err := replayRecorded(ctx, t, path, sc, cfg, runs)
	if derr := done(); derr != nil && (err != nil || !ShowsDeviceError(r.Result.Finding)) {
		err = fmt.Errorf("conformance: device %s: %w", d.Name(), derr)
	}
	return r, err
}

// ShowsDeviceError reports whether a run's finding f is an external
// device's error: the engine marked it so (engine.Finding.DeviceError,
// extdevice.IsDeviceFindingKind), whatever its message says. A run that replays to it
// shows the device's protocol error, which is then no error of the
// replay. A device's protocol error with any other run is: it explains a
// replay that failed, and fails one that did not (a device that exits
// badly at its end).
func ShowsDeviceError(f *engine.Finding) bool {
	return extdevice.IsDeviceFindingKind(deviceErrorOf(f))
}

// replayRecorded records the replay of sc, read from path, on t,
// annotates its finding (catalog.Target.AnnotateFinding) and explains it
// within runs runs.
func replayRecorded(ctx context.Context, t catalog.Target, path string, sc *schedfile.Schedule, cfg engine.RunConfig, runs int) (Replayed, error) {
	res, events, err := t.Record(sc, cfg)
	var refErr *catalog.ReferenceError
	if errors.As(err, &refErr) {
		fd := refErr.Finding
		return Replayed{Result: engine.Result{Finding: &fd}}, nil
	}
	r := Replayed{Result: res, Events: events}
	if err == nil && res.Finding != nil {
		// The charge of the file's run, from the finding as its oracle
		// reported it; then its requirements and actors as replay and
		// report name them.
		r.Charge = ChargeOf(t, sc, res)
		err = t.AnnotateFinding(sc, res.Finding)
	}
	if err != nil || res.Finding == nil || runs <= 0 {
		return r, err
	}
	fac, err := t.Factory(sc.Seed)
	if err != nil {
		return r, fmt.Errorf("conformance: replay %s: %w", path, err)
	}
	ex, err := explain.Explain(ctx, fac, sc.Seed, res, explain.Config{MaxSteps: cfg.MaxSteps, MaxRuns: runs})
	if err != nil {
		return r, fmt.Errorf("conformance: explain %s: %w", path, err)
	}
	r.Explanation = &ex
	return r, nil
}

// CommandLine returns the migsim command line that runs command with the
// device d, rest (quoted as a shell needs it) after its --device flag:
// `migsim COMMAND --device D REST`, with an exec device's deadline when
// not the default and its arguments after "--" (devicecmd.Line), so that
// the command runs the program the way the kit ran it. ok is false for a
// device RecordedDevice does not record.
func CommandLine(d Device, command, rest string) (cmd string, ok bool) {
	name, args, ok := RecordedDevice(d)
	if !ok {
		return "", false
	}
	return devicecmd.Line(command, rest, name, args, recordedTimeout(d)), true
}

// DeviceFlags returns the flags that name d on migsim's command line
// (devicecmd.Flags: `--device NAME`, an exec device's non-default
// --timeout and its arguments after "--"); ok is false for a device
// RecordedDevice does not record.
func DeviceFlags(d Device) (flags string, ok bool) {
	name, args, ok := RecordedDevice(d)
	if !ok {
		return "", false
	}
	return devicecmd.Flags(name, args, recordedTimeout(d)), true
}

// RecordedDevice returns what a schedule file records of the device d
// (schedfile.Schedule's Device and DeviceArgs): its name as migsim conform
// --device names it, and an exec device's arguments. Only a device migsim
// rebuilds from that name is recorded, a BuiltinDevice or an ExecDevice:
// ok is false for any other (Run's "device", a served device, a
// FactoryDevice or NetFactoryDevice of the caller's, even one named
// builtin:blk), which a counterexample records as a Go program's device
// (goDeviceName) and no command line names.
func RecordedDevice(d Device) (name string, args []string, ok bool) {
	pd, _ := d.(*poolDevice)
	switch {
	case pd != nil && pd.exec:
		if len(pd.argv) > 1 {
			args = slices.Clone(pd.argv[1:])
		}
	case !isBuiltin(d):
		return "", nil, false
	}
	name = d.Name()
	if schedfile.CheckDevice(name, args) != nil {
		return "", nil, false
	}
	return name, args, true
}

// goDeviceName is what a counterexample records of a device RecordedDevice
// does not record (Run's "device", a FactoryDevice, NetFactoryDevice or
// ServedDevice of the caller's): go:NAME, NAME its Name, so that a replay
// of the file without a device says it came from the kit and names the
// device, instead of replaying the reference as if the file had been
// written by migsim explore. ok is false for a name a schedule file
// cannot hold (empty, a NUL byte, above schedfile.MaxString).
func goDeviceName(d Device) (string, bool) {
	name := schedfile.DeviceGoPrefix + d.Name()
	return name, len(name) <= schedfile.MaxString && schedfile.CheckDevice(name, nil) == nil
}

// recordedTimeout is the request deadline a counterexample of d records
// (schedfile.Schedule's DeviceTimeout): an exec device's when it is not
// the default, else none. It is the deadline the device's pool runs
// with, and one a schedule file can hold: zero or less is the default
// (extdevice.Options), so none; one over schedfile.MaxDeviceTimeout, which
// only the Go API can set (migsim conform bounds --timeout), records that
// bound, the longest a replay's --timeout takes. Recording it as given
// would write a counterexample that every reader refuses.
func recordedTimeout(d Device) time.Duration {
	pd, _ := d.(*poolDevice)
	if pd == nil || !pd.exec || pd.opts.Timeout <= 0 || pd.opts.Timeout == extdevice.DefaultTimeout {
		return 0
	}
	return min(pd.opts.Timeout, schedfile.MaxDeviceTimeout)
}

// ReplayLenient replays the counterexample at path with d leniently
// (engine.NewLenientReplay), as the shrinker runs its candidates: a
// recorded step the device's run does not offer falls back to another
// step of the same actor, so a device that now runs differently from the
// recording still meets the recorded choices as far as they apply. It
// tells whether the recorded finding still occurs after the device
// diverged from the strict replay (ReplayRecorded).
func ReplayLenient(ctx context.Context, d Device, path string) (engine.Result, error) {
	sc, err := catalog.ReadScheduleFile(path)
	if err != nil {
		return engine.Result{}, err
	}
	t, done, err := ScheduleTarget(ctx, d, sc)
	if err != nil {
		return engine.Result{}, fmt.Errorf("conformance: replay %s: %w", path, err)
	}
	t.MaxSteps = max(catalog.DefaultJudgeMaxSteps, sc.Steps)
	if sc.Finding.StepBound() {
		t.MaxSteps = sc.Steps
	}
	res, err := func() (engine.Result, error) {
		fac, err := t.Factory(sc.Seed)
		if err != nil {
			return engine.Result{}, err
		}
		return engine.Run(fac, sc.Seed, engine.NewLenientReplay(sc.Choices), engine.RunConfig{MaxSteps: t.MaxSteps})
	}()
	// The device's error is the replay's, unless the run's finding shows
	// it and the recording was of such a finding (a counterexample of the
	// device breaking the protocol, which the replay reproduces).
	if derr := done(); derr != nil && (err != nil || !ShowsDeviceError(res.Finding) || !ShowsDeviceError(sc.Finding)) {
		err = fmt.Errorf("conformance: device %s: %w", d.Name(), derr)
	}
	if err != nil {
		return res, fmt.Errorf("conformance: lenient replay %s: %w", path, err)
	}
	return res, nil
}
