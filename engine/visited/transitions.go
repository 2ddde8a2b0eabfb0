package visited

// Transition is where a step run from a state led.
type Transition struct {
	// Child is the state the step led to.
	Child Key
	// PrevOn is set when the step's actor had a step enabled there,
	// PrevFinished when it had finished.
	PrevOn, PrevFinished bool
}

// Transitions are the known transitions: for a state and a step
// (StepKey), the state the step led to, up to Cap of them. The zero
// Transitions knows none.
type Transitions struct {
	m map[transKey]Transition
}

type transKey struct {
	from Key
	step uint64
}

// Learn records that step, run from state from, led to tr (nothing once
// Cap transitions are known).
func (t *Transitions) Learn(from Key, step uint64, tr Transition) {
	if len(t.m) >= Cap {
		return
	}
	if t.m == nil {
		t.m = map[transKey]Transition{}
	}
	t.m[transKey{from, step}] = tr
}

// Lookup returns where step, run from state from, led, if it is known.
func (t *Transitions) Lookup(from Key, step uint64) (Transition, bool) {
	tr, ok := t.m[transKey{from, step}]
	return tr, ok
}
