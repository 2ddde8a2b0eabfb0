// Package replayverdict is the verdict `migsim conform --replay FILE` gives
// a counterexample replayed with a device under test (docs/conformance.md,
// "Running the kit"): the device no longer fails it (a fix), a
// finding still occurs (the recorded one or another, replayed strictly, or
// leniently once the device's run left the recording), the schedule does
// not fit the scenario, the device's own error, or a schedule that cannot
// be replayed; with the lines that say so.
package replayverdict

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/conformance/failmsg"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/internal/usererr"
	"github.com/migsim/migsim/report"
)

// Kind is what a replay with the device found.
type Kind int

// Kinds of verdict.
const (
	// Fixed: the device no longer fails the counterexample (exit 0).
	Fixed Kind = iota
	// Failing: a finding occurs, the recorded one or another (exit 1).
	Failing
	// DoesNotReplay: the run does not follow the recording in a way no
	// device explains (exit 1).
	DoesNotReplay
	// DeviceError: the device's own error (its protocol, a fault, an
	// interrupted request); Err is it.
	DeviceError
	// InputError: the schedule cannot be replayed (exit 2).
	InputError
)

// Verdict is a replay's verdict: its kind, the error behind it (for
// DeviceError, DoesNotReplay and InputError) and what stderr says of it
// ("" for Fixed and Failing, whose lines are on stdout).
type Verdict struct {
	Kind    Kind
	Err     error
	Message string
}

// Judge judges the strict replay r (with its error err) of the
// counterexample sc read from path, with dev (conformance.ReplayRecorded),
// and writes the replay's lines to stdout: the finding with what it
// charges (r.Charge: "charged:", how, "involved, not charged:", as the
// kit's report and the file name them; the finding's requirements when
// the run could not be charged), its actors and explanation, or "no
// finding". A replay that
// left the recording where sc has a finding is judged as Diverged does.
func Judge(ctx context.Context, dev conformance.Device, path string, sc *schedfile.Schedule, r conformance.Replayed, err error, stdout io.Writer) Verdict {
	res, ex := r.Result, r.Explanation
	var xe *extdevice.Error
	switch {
	case errors.As(err, &xe): // the device broke the protocol, or Ctrl-C ended its request
		return Verdict{Kind: DeviceError, Err: err, Message: fmt.Sprintf("%s with %s: %s", path, dev.Name(), DeviceMessage(err))}
	case (errors.Is(err, engine.ErrPastEnd) || errors.Is(err, engine.ErrDiverged)) && sc.Finding != nil:
		// Past the end: every recorded choice was followed and the run
		// went on, so the finding did not come where it was recorded; an
		// end-of-run finding may still come. Both are judged leniently.
		return Diverged(ctx, dev, path, sc, res, err, stdout)
	case errors.Is(err, engine.ErrDiverged):
		return Verdict{Kind: DoesNotReplay, Err: err, Message: fmt.Sprintf("%s does not replay with %s: %s", path, dev.Name(), usererr.Text(err))}
	case err != nil:
		return Verdict{Kind: InputError, Err: err, Message: usererr.Text(err)}
	}
	fmt.Fprintf(stdout, "replay %s with %s: %s\n", path, dev.Name(), plural.Count(len(res.Choices), "step"))
	if fd := res.Finding; fd != nil {
		fmt.Fprintf(stdout, "finding %s at step %d: %s\n", fd.Oracle, engine.ShownStep(fd.Step), fd.Message)
		switch ch := r.Charge; {
		case ch != nil:
			ChargeLines(stdout, ch)
		case len(fd.Reqs) > 0:
			fmt.Fprintf(stdout, "  requirements: %s\n", fd.ReqsText())
		}
		if len(fd.Actors) > 0 {
			fmt.Fprintf(stdout, "  actors: %s\n", strings.Join(fd.Actors, " "))
		}
		if ex != nil {
			report.PrintWhy(stdout, ex, res.Choices, nil, 0, usererr.Text) // the device's run is not the reference's to record
		}
		return Verdict{Kind: Failing}
	}
	fmt.Fprintln(stdout, "no finding")
	return Verdict{Kind: Fixed}
}

// ChargeLines writes what a finding charges (conformance.Charge), as the
// kit's report and the counterexample file name it: "  charged: …", or
// "  charges no requirement: WHY" (the report's uncharged failures), how
// a transparent finding's were chosen ("  charged by …"), and apart
// "  involved, not charged: …". migsim conform --replay and migsim replay
// of a file the kit wrote print it under the finding.
func ChargeLines(w io.Writer, ch *conformance.Charge) {
	if len(ch.Charged) > 0 {
		fmt.Fprintf(w, "  charged: %s\n", strings.Join(ch.Charged, " "))
	} else if ch.None != "" {
		fmt.Fprintf(w, "  charges no requirement: %s\n", ch.None)
	}
	if ch.By != "" {
		fmt.Fprintf(w, "  charged %s\n", ch.By)
	}
	if len(ch.Involved) > 0 {
		fmt.Fprintf(w, "  involved, not charged: %s\n", strings.Join(ch.Involved, " "))
	}
}

// Diverged judges a counterexample whose strict replay with the device
// left the recording (res, err): it diverged, or followed every recorded
// choice and went on. A run that took every recorded step and ended
// without any finding is a fix. Otherwise the device now runs differently,
// and the counterexample is replayed leniently (conformance.ReplayLenient):
// a run that ends without a finding is a fix; the recorded finding (its
// oracle) is a finding, and so is any other (the device still fails the
// counterexample, another way, a deadlock or the step bound included); the
// device's own error is its error (protocol, fault, interruption). A
// recorded step that the lenient run, still going there, never takes is no
// step of the simulated system: the recording does not fit it, which no
// device explains (DoesNotReplay).
func Diverged(ctx context.Context, dev conformance.Device, path string, sc *schedfile.Schedule, res engine.Result, err error, stdout io.Writer) Verdict {
	recorded := fmt.Sprintf("%s at step %d", sc.Finding.Oracle, engine.ShownStep(sc.Finding.Step))
	at := divergedAt(sc.Choices, res.Choices)
	if at == len(sc.Choices) && len(res.Choices) == len(sc.Choices) && res.Finding == nil && !errors.Is(err, engine.ErrPastEnd) {
		fmt.Fprintf(stdout, "replay %s with %s: every recorded step was taken and the recorded finding (%s) did not occur: the device no longer fails this counterexample\n",
			path, dev.Name(), recorded)
		return Verdict{Kind: Fixed}
	}
	lr, lerr := conformance.ReplayLenient(ctx, dev, path)
	if lerr != nil { // the device's error, neither a fix nor a finding
		how := fmt.Sprintf("diverged at step %d", engine.ShownStep(at))
		if errors.Is(err, engine.ErrPastEnd) {
			how = "went on past the recorded steps"
		}
		return Verdict{Kind: DeviceError, Err: lerr,
			Message: fmt.Sprintf("%s with %s: the strict replay %s; replayed leniently: %s", path, dev.Name(), how, DeviceMessage(lerr))}
	}
	if at < len(sc.Choices) && at < len(lr.Choices) &&
		!slices.ContainsFunc(lr.Choices[at:], func(c engine.Choice) bool { return c.Label == sc.Choices[at].Label }) {
		return Verdict{Kind: DoesNotReplay, Err: err,
			Message: fmt.Sprintf("%s does not replay with %s: %s; the recorded step %d %q is never taken, even replayed leniently: the schedule does not fit the scenario",
				path, dev.Name(), usererr.Text(err), engine.ShownStep(at), sc.Choices[at].Label)}
	}
	if errors.Is(err, engine.ErrPastEnd) {
		fmt.Fprintf(stdout, "replay %s with %s: every recorded step was taken and the run went on past them without the recorded finding (%s)\n", path, dev.Name(), recorded)
	} else {
		fmt.Fprintf(stdout, "replay %s with %s: the device now diverges from the recording at step %d (%s)\n", path, dev.Name(), engine.ShownStep(at), usererr.Text(err))
	}
	switch fd := lr.Finding; {
	case fd == nil:
		fmt.Fprintf(stdout, "the recorded finding (%s) did not occur in the lenient replay, which ended without a finding: the device no longer fails this counterexample\n", recorded)
		return Verdict{Kind: Fixed}
	case fd.Oracle == sc.Finding.Oracle:
		fmt.Fprintf(stdout, "replayed leniently, the recorded finding occurs: %s at step %d: %s\n", fd.Oracle, engine.ShownStep(fd.Step), fd.Message)
	default:
		fmt.Fprintf(stdout, "replayed leniently, another finding occurs (the recorded one, %s, did not): %s at step %d: %s\n",
			recorded, fd.Oracle, engine.ShownStep(fd.Step), fd.Message)
	}
	return Verdict{Kind: Failing}
}

// divergedAt is the index of the first step where a run's choices differ
// from the recorded ones, len(rec) when they agree on every recorded step.
func divergedAt(rec, got []engine.Choice) int {
	for i, c := range rec {
		if i >= len(got) || got[i].Actor != c.Actor || got[i].Label != c.Label {
			return i
		}
	}
	return len(rec)
}

// DeviceMessage words the error of a run after "FILE with DEVICE: ",
// which names the file and the device already: an external device's
// error alone, as the conformance kit words it ("the device broke the
// protocol: …", failmsg.Protocol: no Go package name first), else the
// error as the user reads it.
func DeviceMessage(err error) string {
	var xe *extdevice.Error
	if errors.As(err, &xe) {
		return failmsg.Protocol(xe.Error())
	}
	return usererr.Text(err)
}
