package engine

import (
	"errors"
	"fmt"
	"strings"

	"github.com/migsim/migsim/internal/echo"
	"github.com/migsim/migsim/internal/plural"
)

// ErrDiverged is wrapped by every replay divergence error.
var ErrDiverged = errors.New("replay diverged")

// ErrPastEnd is wrapped, with ErrDiverged, by the divergence of a strict
// replay whose run goes on past the last recorded choice: every recorded
// choice was followed, and the run did not end where the recorded one did.
var ErrPastEnd = errors.New("the run goes on past the recorded choices")

// pastEndError is a strict replay's run outliving its choice list.
type pastEndError struct {
	step, choices int
	enabled       string
}

func (e *pastEndError) Error() string {
	return fmt.Sprintf("engine: %v at step %d: recorded schedule has %s, run continues with enabled [%s]",
		ErrDiverged, e.step, plural.Count(e.choices, "choice"), e.enabled)
}

// Is makes the error ErrDiverged and ErrPastEnd.
func (e *pastEndError) Is(target error) bool { return target == ErrDiverged || target == ErrPastEnd }

// Replay follows a recorded choice list. Strict replay fails at the first
// step whose recorded label is not the enabled step at the recorded index,
// and when the run outlives the list. Lenient replay (used by the shrinker
// and by byte-driven fuzzing) never fails: it falls back deterministically.
type Replay struct {
	choices []Choice
	lenient bool
}

// NewReplay returns a strict replay of choices.
func NewReplay(choices []Choice) *Replay { return &Replay{choices: choices} }

// NewLenientReplay returns a replay that tolerates edited choice lists: a
// recorded label is looked up by index, then anywhere in the enabled list;
// if it is gone the pick falls back to the recorded actor's first enabled
// step, else to Decision.Continue. A negative index, or a decision past the
// end of the list, means Decision.Continue.
func NewLenientReplay(choices []Choice) *Replay { return &Replay{choices: choices, lenient: true} }

// Len returns the number of recorded choices.
func (r *Replay) Len() int { return len(r.choices) }

func (r *Replay) footprintBlind() {}

// Choose follows the recorded choice for d.Index.
func (r *Replay) Choose(d *Decision) (int, error) {
	en := d.Enabled
	if d.Index >= len(r.choices) {
		if r.lenient {
			return d.Continue(), nil
		}
		return 0, &pastEndError{step: ShownStep(d.Index), choices: len(r.choices), enabled: labels(en)}
	}
	c := r.choices[d.Index]
	if c.Index >= 0 && c.Index < len(en) && en[c.Index].Label == c.Label {
		return c.Index, nil
	}
	if !r.lenient {
		return 0, fmt.Errorf("engine: %w at step %d: recorded %d %s, enabled [%s]",
			ErrDiverged, ShownStep(d.Index), c.Index, echo.Quote(c.Label), labels(en))
	}
	if c.Index < 0 {
		return d.Continue(), nil
	}
	for i := range en {
		if en[i].Label == c.Label {
			return i, nil
		}
	}
	if i := firstOfActor(en, c.Actor); i >= 0 {
		return i, nil
	}
	return d.Continue(), nil
}

// labels joins the labels of steps for error messages, each cut as
// echo.Quote cuts a long one.
func labels(steps []Step) string {
	var b strings.Builder
	for i, s := range steps {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d %s", i, echo.Quote(s.Label))
	}
	return b.String()
}

// Bytes drives the picks from a byte string: decision i picks
// data[i] mod the number of enabled steps; past the end it continues the
// previous actor. It is the chooser behind FuzzSchedule.
type Bytes struct {
	data []byte
}

// NewBytes returns a byte-driven chooser.
func NewBytes(data []byte) *Bytes { return &Bytes{data: data} }

func (b *Bytes) footprintBlind() {}

// Choose picks data[d.Index] mod len(d.Enabled).
func (b *Bytes) Choose(d *Decision) (int, error) {
	if d.Index >= len(b.data) {
		return d.Continue(), nil
	}
	return int(b.data[d.Index]) % len(d.Enabled), nil
}
