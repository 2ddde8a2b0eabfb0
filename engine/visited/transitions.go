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
// (StepKey), the state the step led to, up to their cap of them
// (NewTransitions). The zero Transitions knows none, with DefaultCap.
type Transitions struct {
	m     map[transKey]Transition
	limit int
}

// NewTransitions returns Transitions that know none and learn up to limit
// (DefaultCap when limit is not positive).
func NewTransitions(limit int) Transitions { return Transitions{limit: limit} }

// Cap returns how many transitions t knows at most.
func (t *Transitions) Cap() int { return capOr(t.limit) }

// Len returns how many transitions t knows.
func (t *Transitions) Len() int { return len(t.m) }

// Full reports whether t knows Cap transitions: it learns no more.
func (t *Transitions) Full() bool { return len(t.m) >= t.Cap() }

type transKey struct {
	from Key
	step uint64
}

// Learn records that step, run from state from, led to tr (nothing once
// Full).
func (t *Transitions) Learn(from Key, step uint64, tr Transition) {
	if t.Full() {
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
