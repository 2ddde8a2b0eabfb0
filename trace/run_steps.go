package trace

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/record"
)

// RunStep is one scheduler step of a run as the engine's text trace shows
// it (engine.RunConfig.Trace): its shown index (the step events record),
// the virtual time, the actor and the step's label.
type RunStep struct {
	Step  int
	Time  engine.VTime
	Actor string
	Label string
}

// StepLog collects a run's steps from the engine's text trace: hand it to
// engine.RunConfig.Trace. Clock lines are skipped (a step carries the time
// it ran at); a line it cannot read is an error of the Write that ends it.
type StepLog struct {
	// Steps are the steps read so far, in run order.
	Steps   []RunStep
	partial []byte
}

// Write reads the complete lines of p (the rest waits for the next Write).
func (l *StepLog) Write(p []byte) (int, error) {
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(l.partial[:i])
		l.partial = l.partial[i+1:]
		if strings.HasPrefix(line, "- ") {
			continue // a clock jump
		}
		s, err := parseStepLine(line)
		if err != nil {
			return len(p), err
		}
		l.Steps = append(l.Steps, s)
	}
}

// parseStepLine reads "INDEX t=DURATION ACTOR LABEL", the line
// internal/runtrace's Writer.Step writes.
func parseStepLine(line string) (RunStep, error) {
	f := strings.SplitN(line, " ", 4)
	if len(f) != 4 || !strings.HasPrefix(f[1], "t=") {
		return RunStep{}, fmt.Errorf("trace: step line %q: want INDEX t=TIME ACTOR LABEL", line)
	}
	n, err := strconv.Atoi(f[0])
	if err != nil {
		return RunStep{}, fmt.Errorf("trace: step line %q: index: %w", line, err)
	}
	d, err := time.ParseDuration(f[1][len("t="):])
	if err != nil {
		return RunStep{}, fmt.Errorf("trace: step line %q: time: %w", line, err)
	}
	return RunStep{Step: n, Time: engine.VTime(d), Actor: f[2], Label: f[3]}, nil
}

// WriteTextSteps writes the events one per line (DescribeRecord), as
// WriteText does, with a line for every step of steps that recorded no
// event, in step order: the hypervisor's and the peers' steps that cause
// no bus traffic, so that a reader can follow their programs. The caller
// gives the steps of the events' window (WindowSteps); steps after the
// last event are written after it. It is WriteText of EventsWithSteps.
func WriteTextSteps(w io.Writer, events []record.TraceEvent, steps []RunStep) error {
	all := EventsWithSteps(events, steps)
	for i := range all {
		r := RecordOf(all[i])
		if _, err := io.WriteString(w, DescribeRecord(&r)+"\n"); err != nil {
			return fmt.Errorf("trace: text trace: step %d: %w", all[i].Step, err)
		}
	}
	return nil
}

// EventsWithSteps returns the events with a step event (record.TraceStep)
// in its place for every step of steps that recorded none, in step order,
// steps after the last event after it: the actor as both endpoints and as
// the step's cause, the label without the actor's prefix as its text, and
// the events' edition. DescribeRecord gives such an event its text export
// line ("40 t=0s step hv: halt-vcpus"), and the pcapng export writes it as a packet, so
// that every step a report or a finding line names has one.
func EventsWithSteps(events []record.TraceEvent, steps []RunStep) []record.TraceEvent {
	recorded := map[int]bool{}
	var ed spec.Edition
	for i := range events {
		recorded[events[i].Step] = true
		ed = events[i].Edition
	}
	out := make([]record.TraceEvent, 0, len(events)+len(steps))
	next := 0
	flush := func(upTo int) {
		for ; next < len(steps) && steps[next].Step < upTo; next++ {
			s := steps[next]
			if recorded[s.Step] {
				continue
			}
			out = append(out, record.TraceEvent{Kind: record.TraceStep, Edition: ed, Step: s.Step, Time: s.Time,
				Target: s.Actor, Who: s.Actor, From: s.Actor, To: s.Actor, Text: strings.TrimPrefix(s.Label, s.Actor+":")})
		}
	}
	for i := range events {
		flush(events[i].Step)
		out = append(out, events[i])
	}
	flush(int(^uint(0) >> 1))
	return out
}

// WindowSteps is Window over the events and the steps of a run together:
// the events and the steps of the last window steps up to the finding's
// step, or up to the run's last step (an event's or a quiet one's) when
// there is no finding; window <= 0 keeps everything.
func WindowSteps(events []record.TraceEvent, steps []RunStep, finding *engine.Finding, window int) ([]record.TraceEvent, []RunStep) {
	if window <= 0 {
		return events, steps
	}
	if finding == nil && len(steps) > 0 {
		last := steps[len(steps)-1].Step
		for i := range events {
			last = max(last, events[i].Step)
		}
		first := max(0, last-window+1)
		var sel []record.TraceEvent
		for _, e := range events {
			if e.Step >= first && e.Step <= last {
				sel = append(sel, e)
			}
		}
		return sel, stepsIn(steps, first, last)
	}
	sel, first, last := Window(events, finding, window)
	return sel, stepsIn(steps, first, last)
}

// stepsIn returns the steps from first to last (shown indices, both
// included).
func stepsIn(steps []RunStep, first, last int) []RunStep {
	var out []RunStep
	for _, s := range steps {
		if s.Step >= first && s.Step <= last {
			out = append(out, s)
		}
	}
	return out
}
