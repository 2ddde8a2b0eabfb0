package under

import (
	"fmt"
	"strings"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/echo"
	"github.com/migsim/migsim/internal/plural"
)

// Why says why a run departed from its recorded choices.
type Why int

const (
	// NotEnabled: the recorded step was not enabled; the lenient replay
	// took the recorded actor's first enabled step, else the previous
	// actor's, else the first enabled.
	NotEnabled Why = iota + 1
	// RunEnded: the run ended (a finding, or every actor done) before
	// the recorded choices did.
	RunEnded
	// PastEnd: the run went on past the last recorded choice; the lenient
	// replay continued the previous actor.
	PastEnd
)

// Departure is the first step at which a run did not take the recorded
// step.
type Departure struct {
	// Step is the step's index, from 0 (engine.ShownStep shows it).
	Step int
	// Recorded is the recorded step's label; empty for PastEnd.
	Recorded string
	// Taken is the label of the step the run took; empty for RunEnded.
	Taken string
	Why   Why
}

// Follow is how closely a run followed a recorded choice list, decision
// by decision: the lenient replay reads the recorded choice of the same
// index, so the decision followed it when it took the step of the
// recorded label.
type Follow struct {
	// Recorded and Steps are the recorded choices' number and the run's.
	Recorded, Steps int
	// Followed counts the recorded choices the run followed as recorded;
	// InARow those before the first departure.
	Followed, InARow int
	// First is the first departure; nil when the run took every recorded
	// step and ended where the recording did.
	First *Departure
}

// Compare compares the choices a run made with the recorded ones. A
// schedule file's choices have no negative index (schedfile refuses one),
// so the lenient replay took a step of another label only when the
// recorded label was not enabled: that departure is NotEnabled.
func Compare(recorded, ran []engine.Choice) Follow {
	f := Follow{Recorded: len(recorded), Steps: len(ran)}
	for i := 0; i < min(len(recorded), len(ran)); i++ {
		if recorded[i].Label != ran[i].Label {
			if f.First == nil {
				f.First = &Departure{Step: i, Recorded: recorded[i].Label, Taken: ran[i].Label, Why: NotEnabled}
			}
			continue
		}
		f.Followed++
		if f.First == nil {
			f.InARow++
		}
	}
	if f.First == nil {
		switch n := len(ran); {
		case n < len(recorded):
			f.First = &Departure{Step: n, Recorded: recorded[n].Label, Why: RunEnded}
		case n > len(recorded):
			f.First = &Departure{Step: len(recorded), Taken: ran[len(recorded)].Label, Why: PastEnd}
		}
	}
	return f
}

// Text renders f as the lines `migsim replay --knob` prints: how many
// recorded choices the run followed and its first departure, or that it
// made the recorded interleaving. end says how the run ended ("finding
// frozen-context at step 171", "no finding"), for a run that ended early.
func (f Follow) Text(end string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "followed %d of %s as recorded", f.Followed, plural.Count(f.Recorded, "recorded choice"))
	if f.First != nil && f.InARow != f.Followed {
		fmt.Fprintf(&b, " (the first %d in a row)", f.InARow)
	}
	fmt.Fprintf(&b, "; the run made %s\n", plural.Count(f.Steps, "step"))
	d := f.First
	if d == nil {
		b.WriteString("no departure: the run made the recorded interleaving, step for step\n")
		return b.String()
	}
	fmt.Fprintf(&b, "first departure at step %d: ", engine.ShownStep(d.Step))
	switch d.Why {
	case NotEnabled:
		fmt.Fprintf(&b, "recorded %s, took %s: the recorded step was not enabled\n", echo.Quote(d.Recorded), echo.Quote(d.Taken))
	case RunEnded:
		fmt.Fprintf(&b, "recorded %s: the run ended before it (%s)\n", echo.Quote(d.Recorded), end)
	case PastEnd:
		fmt.Fprintf(&b, "took %s: the run went on past the recorded choices\n", echo.Quote(d.Taken))
	}
	return b.String()
}
