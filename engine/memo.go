package engine

import (
	"errors"
	"fmt"
	"slices"
	"unsafe"

	"github.com/migsim/migsim/engine/stream"
	"github.com/migsim/migsim/internal/slab"
)

// DefaultMemoNodes caps the memo's tree when MemoConfig.MaxNodes is zero.
// A node costs 112 bytes, plus 48 per enabled step of a decision (the step
// and its child), 16 per drawn word of a draw or 48 for a leaf's result:
// the node cap alone bounds the tree to about 60 MB only while decisions
// average under 2.5 enabled steps, so MaxBytes bounds it too.
const DefaultMemoNodes = 250_000

// DefaultMemoBytes caps the memo's tree when MemoConfig.MaxBytes is zero:
// 8 MiB of nodes, enabled steps, children, draws, leaves and the labels
// of the steps (each distinct label kept once), whatever the decisions'
// width. The process pays up to five times what the tree keeps, as the
// collector lets the heap grow to five times what is live
// (internal/gcpolicy). The trees that answer most schedules are small
// (flr-during-freeze under pct: 17,089 nodes, about 3 MB, answer 3,572 of
// 4,000 schedules); vm-p2p-doorbells' runs of 255 decisions fill 8 MiB
// with 44,282 nodes, where the node cap alone let its tree keep 45 MB
// and the process grow past 300 MB.
const DefaultMemoBytes = 8 << 20

// DefaultMemoDropAfter is the number of schedules after which a memo that
// has answered none of them is dropped (MemoConfig.DropAfter): the first
// round of 256 cannot hit (its walks come before its runs); none of the
// second's 256 walks meeting a remembered run bounds the hit rate well
// below what walking and remembering cost (a fifth of the time in a
// world of long runs).
const DefaultMemoDropAfter = 512

// DefaultMemoVerify re-executes about one memo hit in this many.
const DefaultMemoVerify = 256

// MemoConfig configures the decision-tree memo of random and pct
// exploration (ExploreConfig.Memo).
//
// The memo is a tree of every run executed so far: a node per decision
// (the enabled steps the chooser saw and, per pick, the child) and per raw
// draw the system made from its seed's streams (per drawn word, the
// child); a path ends in a leaf holding the run's result. Before running
// schedule i the explorer walks the tree with schedule i's chooser —
// asking it for a pick at every decision node and drawing at every draw
// node from schedule i's own streams — and runs the system only when the
// walk leaves the tree; a walk that reaches a leaf reuses its result.
//
// Soundness: a run's behaviour must be a function of its choices and of
// the words it draws from Streams.Workload and Streams.Fault (the System
// contract). Draws are part of the key, so systems that draw are memoised
// per drawn value, not per seed. A factory whose systems read Streams.Seed
// directly (beyond building streams from it) or depend on anything outside
// the run (wall clock, files, external processes) must not use the memo.
//
// Results do not depend on the memo: every Summary field but Elapsed,
// Executed and Memo is the same with it on or off, for any Jobs. A
// round's walks all come before its runs, and the tree takes the runs in
// schedule order, so which schedules hit does not depend on Jobs either.
type MemoConfig struct {
	// MaxNodes caps the tree (zero: DefaultMemoNodes). At the cap the tree
	// stops growing: runs it already holds are still reused, new ones are
	// executed and not remembered (Summary.Memo.Full).
	MaxNodes int
	// MaxBytes caps the tree's estimated size in bytes (zero:
	// DefaultMemoBytes), as MaxNodes caps its nodes: what a node, its
	// enabled steps and children, its draws or its leaf cost, and the
	// bytes of each distinct step label once (the tree keeps one copy of
	// each label, not the run's).
	MaxBytes int64
	// DropAfter drops the tree once the exploration has run at least
	// DropAfter schedules, counted at the end of a round of them, and the
	// memo answered none (zero: DefaultMemoDropAfter; negative: never):
	// the runs of a system with too many interleavings to meet one twice
	// only cost the memo its walks and its memory. Whether it drops
	// depends on the hits alone, which do not depend on Jobs; results do
	// not depend on it (Summary.Memo.Dropped says it did).
	DropAfter int
	// VerifyEvery re-executes about one hit in VerifyEvery (chosen by
	// schedule index) and fails the exploration when the run does not
	// reproduce the remembered result: it catches systems that are not
	// deterministic. Zero means DefaultMemoVerify; negative never.
	VerifyEvery int
}

// MemoStats describes the memo's work in an exploration.
type MemoStats struct {
	// Hits counts schedules answered from the tree; Verified the hits
	// re-executed as a check.
	Hits, Verified int
	// Nodes is the size of the tree at the end (when it was dropped);
	// Full is set when it reached MaxNodes or MaxBytes.
	Nodes int
	Full  bool
	// Dropped is set when the tree was dropped for want of hits
	// (MemoConfig.DropAfter): the schedules after it ran without the memo.
	Dropped bool `json:",omitempty"`
}

// memoNode is one node of the tree: a decision, a draw, or a leaf.
type memoNode struct {
	kind eventKind
	// decision: Decision fields and a child per pick (nil: not run yet).
	prev, adv int32
	now       VTime
	enabled   []Step
	kids      []*memoNode
	// draw: the stream and a child per drawn word.
	stream StreamID
	draws  []memoDraw
	// leaf: the run's result.
	leaf *memoLeaf
}

type memoDraw struct {
	value uint64
	node  *memoNode
}

// memoLeaf is a remembered run's result, without its seed and choices
// (the walk rebuilds those).
type memoLeaf struct {
	steps       int
	preemptions int
	now         VTime
	finding     *Finding
	traceHash   uint64
	interleave  uint64
}

func leafOf(res *Result) *memoLeaf {
	l := &memoLeaf{steps: len(res.Choices), preemptions: res.Preemptions, now: res.Now,
		traceHash: res.TraceHash, interleave: res.Interleaving}
	if res.Finding != nil {
		f := *res.Finding
		l.finding = &f
	}
	return l
}

// sameAs reports how a re-executed run differs from the leaf, or "".
func (l *memoLeaf) sameAs(res *Result) string { return l.diff(leafOf(res)) }

// diff reports how run r differs from the remembered l, or "".
func (l *memoLeaf) diff(r *memoLeaf) string {
	switch {
	case r.steps != l.steps:
		return fmt.Sprintf("%d steps, remembered %d", r.steps, l.steps)
	case r.traceHash != l.traceHash:
		return fmt.Sprintf("trace hash %s, remembered %s", FormatHash(r.traceHash), FormatHash(l.traceHash))
	case oracleOf(r.finding) != oracleOf(l.finding):
		return fmt.Sprintf("finding %q, remembered %q", oracleOf(r.finding), oracleOf(l.finding))
	case r.finding != nil && r.finding.Message != l.finding.Message:
		return fmt.Sprintf("finding message %q, remembered %q", r.finding.Message, l.finding.Message)
	}
	return ""
}

// result rebuilds the run's Result from the leaf. A failing run the
// caller may report gets a finding of its own and its choices, from the
// walk w that reached the leaf; any other failing run shares the leaf's
// finding, which nothing may change, and has no choices.
func (l *memoLeaf) result(seed uint64, m *memo, w *memoWalk, report bool) Result {
	res := Result{Seed: seed, Preemptions: l.preemptions, Now: l.now, TraceHash: l.traceHash, Interleaving: l.interleave}
	switch {
	case l.finding == nil:
	case report:
		f := *l.finding
		f.Reqs, f.Actors = slices.Clone(f.Reqs), slices.Clone(f.Actors)
		res.Finding = &f
		res.Choices = m.choices(w)
	default:
		res.Finding = l.finding
	}
	return res
}

// memo is the tree. Walks may run concurrently; inserts must not overlap
// them (the explorer inserts after a round's walks, in schedule order: as
// the runs end with one job, after the round with more).
type memo struct {
	cfg   MemoConfig
	root  *memoNode
	nodes int
	// bytes estimates the tree's size (MemoConfig.MaxBytes).
	bytes int64
	full  bool
	// labels keeps one copy of each label of the tree's steps.
	labels map[string]string
	// The nodes, their enabled steps and their children, from slabs.
	nodeSlab slab.Slab[memoNode]
	stepSlab slab.Slab[Step]
	kidSlab  slab.Slab[*memoNode]
}

func newMemo(cfg MemoConfig) *memo {
	if cfg.MaxNodes <= 0 {
		cfg.MaxNodes = DefaultMemoNodes
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMemoBytes
	}
	if cfg.DropAfter == 0 {
		cfg.DropAfter = DefaultMemoDropAfter
	}
	if cfg.VerifyEvery == 0 {
		cfg.VerifyEvery = DefaultMemoVerify
	}
	return &memo{cfg: cfg, labels: map[string]string{}}
}

// What the parts of the tree cost (MemoConfig.MaxBytes).
const (
	memoNodeBytes = int64(unsafe.Sizeof(memoNode{}))
	// An enabled step and its child.
	memoStepBytes = int64(unsafe.Sizeof(Step{}) + unsafe.Sizeof((*memoNode)(nil)))
	memoDrawBytes = int64(unsafe.Sizeof(memoDraw{}))
	memoLeafBytes = int64(unsafe.Sizeof(memoLeaf{}) + unsafe.Sizeof(Finding{}))
)

// dropAfter reports whether the memo is to be dropped once done schedules
// have run with hits answered by it.
func (m *memo) dropAfter(done, hits int) bool {
	return m.cfg.DropAfter > 0 && done >= m.cfg.DropAfter && hits == 0
}

// room reports whether the tree may take the node of event k of log (a
// leaf past the last event), and sets full when it may not.
func (m *memo) room(log *eventLog, k int) bool {
	if m.nodes >= m.cfg.MaxNodes || m.bytes+m.nodeCost(log, k) > m.cfg.MaxBytes {
		m.full = true
	}
	return !m.full
}

// nodeCost estimates what the node of event k of log costs, with the
// labels it would add to the tree.
func (m *memo) nodeCost(log *eventLog, k int) int64 {
	c := memoNodeBytes
	switch {
	case k == len(log.events):
		c += memoLeafBytes
	case log.events[k].kind == evDraw:
		c += memoDrawBytes
	default:
		for _, st := range log.enabled(&log.events[k]) {
			c += memoStepBytes
			if _, ok := m.labels[st.Label]; !ok {
				c += int64(len(st.Label))
			}
		}
	}
	return c
}

// label returns the tree's copy of l, keeping l if it has none.
func (m *memo) label(l string) string {
	if k, ok := m.labels[l]; ok {
		return k
	}
	m.labels[l] = l
	return l
}

// verify reports whether a hit of schedule i is re-executed as a check.
func (m *memo) verify(i int) bool {
	return m.cfg.VerifyEvery > 0 && SplitMix64(uint64(i)^0x6d656d6f)%uint64(m.cfg.VerifyEvery) == 0
}

// memoWalk is a worker's walk state, reused between schedules.
type memoWalk struct {
	streams stream.Walk
	picks   []int
	// draws holds, per draw node passed, the index of the child taken, so
	// that choices can be rebuilt without storing them on every walk.
	draws []int
	d     Decision
}

// walk follows the tree with ch and the streams of seed. It returns the
// leaf when the run is remembered; otherwise the node where the walk left
// the tree (nil when the tree is empty) and that node's event index. The
// picks made on the way are in w.picks (choices: m.choices).
func (m *memo) walk(w *memoWalk, seed uint64, ch Chooser) (*memoLeaf, *memoNode, int, error) {
	w.streams.Reset(seed)
	w.picks, w.draws = w.picks[:0], w.draws[:0]
	n, ev := m.root, 0
	d := &w.d
	for n != nil {
		var next *memoNode
		switch n.kind {
		case evLeaf:
			return n.leaf, nil, ev, nil
		case evDecision:
			*d = Decision{Index: len(w.picks), Now: n.now, Enabled: n.enabled, Prev: int(n.prev), Advances: int(n.adv)}
			i, err := ch.Choose(d)
			d.Enabled = nil
			if err != nil {
				return nil, nil, 0, err
			}
			if i < 0 || i >= len(n.enabled) {
				return nil, nil, 0, fmt.Errorf("engine: step %d: chooser picked %d of %d enabled steps", ShownStep(d.Index), i, len(n.enabled))
			}
			w.picks = append(w.picks, i)
			next = n.kids[i]
		case evDraw:
			v, ok := w.streams.Next(n.stream)
			if !ok {
				return nil, nil, 0, fmt.Errorf("engine: memo: draw from unknown stream %s", n.stream)
			}
			for j, k := range n.draws {
				if k.value == v {
					next = k.node
					w.draws = append(w.draws, j)
					break
				}
			}
		}
		if next == nil {
			return nil, n, ev, nil
		}
		n, ev = next, ev+1
	}
	return nil, nil, 0, nil
}

// choices rebuilds the choices of the path the last walk w took to a leaf.
func (m *memo) choices(w *memoWalk) []Choice {
	cs := make([]Choice, 0, len(w.picks))
	n, p, q := m.root, 0, 0
	for n != nil && n.kind != evLeaf {
		if n.kind == evDraw {
			n = n.draws[w.draws[q]].node
			q++
			continue
		}
		i := w.picks[p]
		p++
		s := &n.enabled[i]
		prev := int(n.prev)
		cs = append(cs, Choice{Index: i, Actor: s.Actor, Label: s.Label, Footprint: s.Footprint,
			Preempt: prev >= 0 && s.Actor != prev && firstOfActor(n.enabled, prev) >= 0})
		n = n.kids[i]
	}
	return cs
}

// ErrNotDeterministic is wrapped by the memo's determinism errors: the
// same choices ran differently (a step's effects or the enabled steps
// differ from an earlier run's). Callers test for it with errors.Is.
var ErrNotDeterministic = errors.New("the system is not deterministic (or depends on its seed outside its streams)")

// exploreAdvice adds to an exploration's determinism error what to do.
func exploreAdvice(err error) error {
	if errors.Is(err, ErrNotDeterministic) {
		return fmt.Errorf("%w: explore without the memo", err)
	}
	return err
}

// insert adds an executed run to the tree: log holds its events and
// (log.leaf) its result; its first log.from events are in the tree, and
// at is the node of event log.from (nil when the tree was empty; log.from
// is then 0). At MaxNodes the tree stops growing. A run that contradicts
// the tree is an error, which counts its events from log.from.
func (m *memo) insert(at *memoNode, log *eventLog) error {
	leaf := log.leaf
	n, k := at, log.from
	if n == nil {
		if m.root == nil {
			if !m.room(log, 0) {
				return nil
			}
			m.root = m.newNode(log, 0, leaf)
		}
		n = m.root
	}
	from := k
	for {
		if msg := n.matches(log, k); msg != "" {
			return fmt.Errorf("engine: memo: event %d: %s: %w", k-from, msg, ErrNotDeterministic)
		}
		if n.kind == evLeaf {
			if diff := n.leaf.diff(leaf); diff != "" {
				return fmt.Errorf("engine: memo: the same path ran twice: %s: %w", diff, ErrNotDeterministic)
			}
			return nil
		}
		e := &log.events[k]
		next := n.child(e.value)
		if next == nil {
			if !m.room(log, k+1) {
				return nil
			}
			next = m.newNode(log, k+1, leaf)
			if n.kind == evDecision {
				n.kids[e.value] = next
			} else {
				n.draws = append(n.draws, memoDraw{value: e.value, node: next})
			}
		}
		n, k = next, k+1
	}
}

// newNode builds the node of event k (a leaf past the last event).
func (m *memo) newNode(log *eventLog, k int, leaf *memoLeaf) *memoNode {
	m.nodes++
	m.bytes += m.nodeCost(log, k)
	n := &m.nodeSlab.Take(1)[0]
	if k == len(log.events) {
		n.kind, n.leaf = evLeaf, leaf
		return n
	}
	e := &log.events[k]
	if e.kind == evDraw {
		n.kind, n.stream = evDraw, e.stream
		return n
	}
	src := log.enabled(e)
	en := m.stepSlab.Take(len(src))
	copy(en, src)
	for i := range en {
		en[i].Label = m.label(en[i].Label)
	}
	*n = memoNode{kind: evDecision, prev: e.prev, adv: e.adv, now: e.now, enabled: en, kids: m.kidSlab.Take(len(en))}
	return n
}

// matches checks that event k of log is the event the node remembers.
func (n *memoNode) matches(log *eventLog, k int) string {
	if k == len(log.events) {
		if n.kind != evLeaf {
			return "the run ended where an earlier run went on"
		}
		return ""
	}
	e := &log.events[k]
	switch {
	case n.kind == evLeaf:
		return "the run went on where an earlier run ended"
	case n.kind != e.kind:
		return "a draw where an earlier run decided, or the reverse"
	case n.kind == evDraw && n.stream != e.stream:
		return fmt.Sprintf("a draw from stream %s where an earlier run drew from %s", e.stream, n.stream)
	case n.kind == evDecision:
		en := log.enabled(e)
		if len(en) != len(n.enabled) || int(e.value) >= len(en) {
			return fmt.Sprintf("%d enabled steps where an earlier run had %d", len(en), len(n.enabled))
		}
		for i := range en {
			if en[i].Label != n.enabled[i].Label || en[i].Actor != n.enabled[i].Actor {
				return fmt.Sprintf("enabled[%d] is %q where an earlier run had %q", i, en[i].Label, n.enabled[i].Label)
			}
		}
	}
	return ""
}

func (n *memoNode) child(v uint64) *memoNode {
	if n.kind == evDecision {
		return n.kids[v]
	}
	for _, k := range n.draws {
		if k.value == v {
			return k.node
		}
	}
	return nil
}

// recheck re-executes a remembered run along the picks of the walk that
// reached its leaf and fails with a determinism error when the run differs
// from the leaf (or cannot be run along them). The run is built, never
// started from the Runner's copy at the first choice point (fork_sampled.go):
// a check must run the forced prefix again too.
func recheck(r *Runner, f Factory, seed uint64, picks []int, leaf *memoLeaf) (Result, error) {
	sf := r.sampled
	if sf != nil {
		sf.stats.Replayed++ // built from the start, as a run without a copy
		r.sampled = nil
		defer func() { r.sampled = sf }()
	}
	res, err := r.RunSeed(f, seed, &pathChooser{picks: picks})
	if err != nil {
		return res, fmt.Errorf("memo check: %w: %w", err, ErrNotDeterministic)
	}
	if diff := leaf.sameAs(&res); diff != "" {
		return res, fmt.Errorf("memo check: re-executed run has %s: %w", diff, ErrNotDeterministic)
	}
	return res, nil
}

// runMiss runs a schedule whose walk left the tree at node at (its event
// ev; at is nil when the tree is empty): the walk's picks, then ch. Unless
// log is nil (the caller passes nil when the tree is full) it records the
// run in log and returns log, its from and leaf set, for insert; log must
// then stay untouched until insert has taken what it keeps.
func (m *memo) runMiss(r *Runner, log *eventLog, f Factory, seed uint64, picks []int, ch Chooser, at *memoNode, ev int) (Result, *eventLog, error) {
	pc := &prefixChooser{picks: picks, ch: ch}
	if log == nil {
		res, err := r.RunSeed(f, seed, pc)
		return res, nil, err
	}
	r.log = log
	res, err := r.RunSeed(f, seed, pc)
	r.log = nil
	if err != nil {
		return res, nil, err
	}
	if at == nil {
		ev = 0
	}
	log.from, log.leaf = ev, leafOf(&res)
	return res, log, nil
}

// prefixChooser replays the picks a memo walk already made, then asks the
// strategy's chooser (which has seen exactly those decisions).
type prefixChooser struct {
	picks []int
	ch    Chooser
}

func (p *prefixChooser) Choose(d *Decision) (int, error) {
	if d.Index < len(p.picks) {
		if i := p.picks[d.Index]; i >= len(d.Enabled) {
			return 0, fmt.Errorf("engine: memo: step %d: %d enabled steps where an earlier run had more: %w", ShownStep(d.Index), len(d.Enabled), ErrNotDeterministic)
		}
		return p.picks[d.Index], nil
	}
	return p.ch.Choose(d)
}

// errPastPath stops a verification run that outlives the remembered path.
var errPastPath = errors.New("the run went on past the remembered path")

// pathChooser replays a remembered path and nothing more.
type pathChooser struct{ picks []int }

func (p *pathChooser) Choose(d *Decision) (int, error) {
	if d.Index < len(p.picks) {
		return p.picks[d.Index], nil
	}
	return 0, errPastPath
}
