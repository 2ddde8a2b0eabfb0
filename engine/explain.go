package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
)

// DefaultExplainRuns bounds the runs one Explain may spend.
const DefaultExplainRuns = 2000

// ExplainConfig configures Explain.
type ExplainConfig struct {
	// MaxRuns bounds the runs; zero means DefaultExplainRuns.
	MaxRuns int
	// MaxSteps bounds each run (RunConfig.MaxSteps).
	MaxSteps int
}

// Order is an ordering a finding needs: step Before ran before step
// After (indices into the explained run), and with the two the other way
// round, the rest of the run kept in its recorded order as far as it
// could be, the finding went away.
type Order struct {
	Before int `json:"before"`
	After  int `json:"after"`
	// Moved is the step Explain moved (Before or After): hastened ahead
	// of Before when it is After, delayed past After when it is Before.
	Moved int `json:"moved"`
	// Instead is the oracle of the finding the reversed run had instead
	// ("" for none).
	Instead string `json:"instead,omitempty"`
	// kept and gone are the two runs that show the order: Before ran
	// before After and the finding stayed; After ran before Before and it
	// went (tests replay them).
	kept, gone []Choice
}

// Explanation says which orderings of a failing run its finding needs
// (Explain).
type Explanation struct {
	// Orders are the orderings found, by Before then After: one per pair
	// of labels, and none that another implies through program order (a
	// step of the same actor as its Before ran no earlier, and one of the
	// same actor as its After no later).
	Orders []Order `json:"orders"`
	// Steps counts the steps before the finding (the finding's included);
	// Checked those Explain moved both ways before its budget or its
	// context ran out.
	Steps   int `json:"steps"`
	Checked int `json:"checked"`
	// Runs counts the runs spent.
	Runs int `json:"runs"`
	// Interrupted is set when the context ended the explanation early.
	Interrupted bool `json:"interrupted,omitempty"`
}

// Text renders the one-line summary.
func (e *Explanation) Text() string {
	scope := fmt.Sprintf("each of %d steps moved both ways", e.Steps)
	if e.Checked < e.Steps {
		scope = fmt.Sprintf("%d of %d steps moved both ways, nearest the finding first", e.Checked, e.Steps)
	}
	switch {
	case len(e.Orders) == 0:
		return fmt.Sprintf("no ordering of two steps found: every move kept the finding (%s, %d runs)", scope, e.Runs)
	case len(e.Orders) == 1:
		return fmt.Sprintf("the finding needs 1 ordering; reversed, it goes away (%s, %d runs)", scope, e.Runs)
	}
	return fmt.Sprintf("the finding needs %d orderings; reversing any one, it goes away (%s, %d runs)", len(e.Orders), scope, e.Runs)
}

// Explain finds the orderings a failing run res of seed needs. It moves
// each step before the finding's, nearest the finding first: hastened (run
// as soon as it is enabled, every other step in its recorded order as far
// as the run allows) and delayed (run only when nothing else is). When a
// move makes the finding go away, a bisection over where the move starts
// finds the step it must not pass: two runs, the step placed just before
// and just after that other step, one without the finding and one with it.
// That pair is an Order. Both runs of every Order reported are run, not
// inferred. res must have a finding.
func Explain(ctx context.Context, f Factory, seed uint64, res Result, cfg ExplainConfig) (Explanation, error) {
	if res.Finding == nil {
		return Explanation{}, errors.New("engine: explain: the run has no finding")
	}
	if cfg.MaxRuns <= 0 {
		cfg.MaxRuns = DefaultExplainRuns
	}
	cs := res.Choices
	end := min(max(res.Finding.Step, 0), len(cs)-1)
	x := &explainer{ctx: ctx, f: f, seed: seed, oracle: res.Finding.Oracle, max: cfg.MaxRuns,
		r: NewRunner(RunConfig{MaxSteps: cfg.MaxSteps}), cs: cs[:end+1]}
	x.index()
	ex := Explanation{Steps: end + 1}
	seen := map[[2]string]bool{}
	add := func(o Order, ok bool) {
		if !ok {
			return
		}
		k := [2]string{cs[o.Before].Label, cs[o.After].Label}
		if !seen[k] {
			seen[k] = true
			ex.Orders = append(ex.Orders, o)
		}
	}
	for j := end; j >= 0 && x.more(); j-- {
		h, hok, err := x.hasten(j)
		if err != nil {
			return ex, err
		}
		d, dok, err := x.delay(j)
		if err != nil {
			return ex, err
		}
		if x.cut {
			break // a move of j ran out of budget: j is not checked
		}
		add(h, hok)
		add(d, dok)
		ex.Checked++
	}
	ex.Orders = x.strongest(ex.Orders)
	slices.SortFunc(ex.Orders, func(a, b Order) int {
		if a.Before != b.Before {
			return a.Before - b.Before
		}
		return a.After - b.After
	})
	ex.Runs = x.runs
	ex.Interrupted = ctx.Err() != nil && ex.Checked < ex.Steps
	return ex, nil
}

// strongest drops the orders another one implies through program order:
// (a, b) when there is (a2, b2) with a2 a later step of a's actor (or a
// itself) and b2 an earlier step of b's actor (or b itself), since a runs
// before a2 and b2 before b. Moving a guest's first step past b moves its
// whole program, so only its last step that must precede b says
// something.
func (x *explainer) strongest(os []Order) []Order {
	var out []Order
	for i, o := range os {
		implied := false
		for k, p := range os {
			if k == i || x.cs[p.Before].Actor != x.cs[o.Before].Actor || x.cs[p.After].Actor != x.cs[o.After].Actor {
				continue
			}
			if p.Before >= o.Before && p.After <= o.After {
				implied = true
				break
			}
		}
		if !implied {
			out = append(out, o)
		}
	}
	return out
}

// explainer runs the moves of one Explain.
type explainer struct {
	ctx    context.Context
	f      Factory
	seed   uint64
	oracle string
	max    int
	runs   int
	// cut is set when a move needed a run the budget or the context did
	// not allow.
	cut bool
	r   *Runner
	cs  []Choice
	// pos[a][n] is the index in cs of actor a's n-th step; ord[i] is
	// cs[i]'s n.
	pos [][]int
	ord []int
}

func (x *explainer) index() {
	x.ord = make([]int, len(x.cs))
	for i, c := range x.cs {
		for len(x.pos) <= c.Actor {
			x.pos = append(x.pos, nil)
		}
		x.ord[i] = len(x.pos[c.Actor])
		x.pos[c.Actor] = append(x.pos[c.Actor], i)
	}
}

func (x *explainer) more() bool { return x.runs < x.max && x.ctx.Err() == nil }

// next reports whether another run is allowed, and marks the explanation
// cut when it is not.
func (x *explainer) next() bool {
	if !x.more() {
		x.cut = true
		return false
	}
	return true
}

// move is one run of a move of step target: from decision at on when
// hastening, before decision at when delaying.
type move struct {
	target int
	hasten bool
	at     int
}

// outcome is a moved run: where the target ran (-1: not at all) and
// whether the finding stayed.
type outcome struct {
	placed int
	kept   bool
	other  string
	cs     []Choice
}

func (x *explainer) run(m move) (outcome, error) {
	x.runs++
	ch := &orderReplay{x: x, m: m, done: make([]int, len(x.pos))}
	got, err := x.r.RunSeed(x.f, x.seed, ch)
	if err != nil {
		return outcome{}, fmt.Errorf("engine: explain: step %d moved: %w", m.target, err)
	}
	o := outcome{placed: -1, cs: slices.Clone(got.Choices)}
	t := x.cs[m.target]
	n := 0
	for i, c := range got.Choices {
		if c.Actor == t.Actor {
			if n == x.ord[m.target] {
				if c.Label == t.Label {
					o.placed = i
				}
				break
			}
			n++
		}
	}
	o.kept = got.Finding != nil && got.Finding.Oracle == x.oracle
	if got.Finding != nil && !o.kept {
		o.other = got.Finding.Oracle
	}
	return o, nil
}

// hasten moves step j as early as it can run. When that loses the
// finding, it bisects the decision the hastening starts at: at lo the
// finding goes, at hi it stays, until they are adjacent; the step that
// ran just before j in the run from hi is the one j must follow.
func (x *explainer) hasten(j int) (Order, bool, error) {
	if !x.next() {
		return Order{}, false, nil
	}
	early, err := x.run(move{target: j, hasten: true, at: 0})
	if err != nil || early.kept || early.placed < 0 || early.placed >= j {
		return Order{}, false, err
	}
	// Gone from early.placed (the same run as from 0), kept from j (the
	// recording).
	loRun, hiRun, ok, err := x.bisect(j, true, early.placed, j, early, x.recording(j))
	if !ok || err != nil {
		return Order{}, false, err
	}
	// The run from hi ran j after the step the run from lo ran it before.
	if loRun.placed < 0 || hiRun.placed <= 0 {
		return Order{}, false, nil
	}
	before := x.recorded(hiRun.cs[hiRun.placed-1], hiRun.cs, hiRun.placed-1)
	if before < 0 || before >= j || !ranAfter(loRun.cs, loRun.placed, x.cs[before], x.ord[before]) {
		return Order{}, false, nil
	}
	return Order{Before: before, After: j, Moved: j, Instead: loRun.other, kept: hiRun.cs, gone: loRun.cs}, true, nil
}

// delay moves step j as late as it can run. When that loses the finding,
// it bisects the decision the delay ends at: until lo the finding stays,
// until hi it goes; the step that ran just before j in the run until hi
// is the one j must precede.
func (x *explainer) delay(j int) (Order, bool, error) {
	if !x.next() {
		return Order{}, false, nil
	}
	late, err := x.run(move{target: j, at: math.MaxInt})
	if err != nil || late.kept || late.placed <= j {
		return Order{}, false, err
	}
	// Kept until j (the recording), gone until late.placed (the same run
	// as delayed to the end).
	loRun, hiRun, ok, err := x.bisect(j, false, j, late.placed, x.recording(j), late)
	if !ok || err != nil {
		return Order{}, false, err
	}
	if hiRun.placed <= 0 || loRun.placed < 0 {
		return Order{}, false, nil
	}
	after := x.recorded(hiRun.cs[hiRun.placed-1], hiRun.cs, hiRun.placed-1)
	if after <= j || !ranAfter(loRun.cs, loRun.placed, x.cs[after], x.ord[after]) {
		return Order{}, false, nil
	}
	return Order{Before: j, After: after, Moved: j, Instead: hiRun.other, kept: loRun.cs, gone: hiRun.cs}, true, nil
}

// recording is the explained run as the outcome of a move of step j that
// did not move it.
func (x *explainer) recording(j int) outcome {
	return outcome{placed: j, kept: true, cs: x.cs}
}

// bisect narrows the decisions lo < hi a move of step j starts at
// (hastening) or ends at (delaying), whose runs are loRun and hiRun and
// differ in keeping the finding, to two adjacent ones, and returns their
// runs; ok is false when the budget or the context cut it short.
func (x *explainer) bisect(j int, hasten bool, lo, hi int, loRun, hiRun outcome) (outcome, outcome, bool, error) {
	for hi-lo > 1 {
		if !x.next() {
			return loRun, hiRun, false, nil
		}
		mid := lo + (hi-lo)/2
		o, err := x.run(move{target: j, hasten: hasten, at: mid})
		if err != nil {
			return loRun, hiRun, false, err
		}
		if o.kept == hiRun.kept {
			hi, hiRun = mid, o
		} else {
			lo, loRun = mid, o
		}
	}
	return loRun, hiRun, true, nil
}

// recorded returns the index in the explained run of the step c, the
// step at index i of run cs: the same actor's step with the same ordinal
// and label, or -1.
func (x *explainer) recorded(c Choice, cs []Choice, i int) int {
	n := 0
	for _, d := range cs[:i] {
		if d.Actor == c.Actor {
			n++
		}
	}
	if c.Actor >= len(x.pos) || n >= len(x.pos[c.Actor]) {
		return -1
	}
	k := x.pos[c.Actor][n]
	if x.cs[k].Label != c.Label {
		return -1
	}
	return k
}

// ranAfter reports whether run cs ran the step of c's actor with ordinal
// n, labelled as c is, after index i.
func ranAfter(cs []Choice, i int, c Choice, n int) bool {
	for k, d := range cs {
		if d.Actor != c.Actor {
			continue
		}
		if n == 0 {
			return k > i && d.Label == c.Label
		}
		n--
	}
	return false
}

// orderReplay follows the explained run's order as far as a run allows:
// at every decision it picks the enabled step whose actor's next step
// came earliest in the recording (a step of the recorded label before
// another of the same actor), except for the move's target: hastened, it
// is picked whenever enabled from decision at on; delayed, it is picked
// before decision at only when nothing else is enabled. Without a move
// it reproduces the recording.
type orderReplay struct {
	x    *explainer
	m    move
	done []int
}

func (o *orderReplay) footprintBlind() {}

// Choose implements Chooser.
func (o *orderReplay) Choose(d *Decision) (int, error) {
	x, t := o.x, o.x.cs[o.m.target]
	unrecorded := 2 * (len(x.cs) + d.Index + 1) // after every recorded step
	best, bestKey := 0, 0
	for i, s := range d.Enabled {
		for len(o.done) <= s.Actor {
			o.done = append(o.done, 0)
		}
		n := o.done[s.Actor]
		key := unrecorded
		if s.Actor < len(x.pos) && n < len(x.pos[s.Actor]) {
			k := x.pos[s.Actor][n]
			key = 2 * k
			if x.cs[k].Label != s.Label {
				key++
			}
			if s.Actor == t.Actor && n == x.ord[o.m.target] && s.Label == t.Label {
				switch {
				case o.m.hasten && d.Index >= o.m.at:
					key = -1
				case !o.m.hasten && d.Index < o.m.at:
					key = 2*unrecorded + 1
				}
			}
		}
		if i == 0 || key < bestKey {
			best, bestKey = i, key
		}
	}
	o.done[d.Enabled[best].Actor]++
	return best, nil
}
