package scenario

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/spec"
)

// CheckError lists every problem found in a scenario at load, in file
// order: Check's, and those of ParseScenario that did not stop the parse.
type CheckError struct {
	Problems []*ParseError
}

// MaxReportedProblems bounds the problems a CheckError lists: a file of
// thousands of bad lines (a scenario may be 4 MiB) would otherwise give an
// error of tens of megabytes that nobody reads past its first screen. The
// rest are counted: the last line says how many more there are.
const MaxReportedProblems = 100

// Error lists the first MaxReportedProblems problems, one a line, each
// with its file:line:col, and then, when there are more, a line that
// counts them.
func (e *CheckError) Error() string {
	n := min(len(e.Problems), MaxReportedProblems)
	lines := make([]string, n, n+1)
	for i, p := range e.Problems[:n] {
		lines[i] = p.Error()
	}
	if more := len(e.Problems) - n; more > 0 {
		prefix := ""
		if f := e.Problems[0].File; f != "" {
			prefix = f + ": "
		}
		lines = append(lines, fmt.Sprintf("%s… and %s (%d in all; the first %d are listed, in file order)",
			prefix, plural.Count(more, "more problem"), len(e.Problems), n))
	}
	return strings.Join(lines, "\n")
}

// Check checks every name and value of s against the vocabulary: settings
// (known, typed, ranged), requirement IDs, actor names (unique, not
// reserved) and attributes, at most one hypervisor program per edition,
// every operation of every program under each edition it runs in (the
// editions of the scenario's expectations; its own edition= when it has
// one), VF and queue references against vfs and queues, awaited names that
// something signals, and the oracle, error and setting names of every
// expectation. The error is a *CheckError with file:line:col and a
// suggestion for near misses.
func Check(s *Scenario, v *Vocabulary) error {
	return check(s, v, 0, nil)
}

// CheckEdition is Check, plus the programs that run under ed checked under
// ed (for a run the scenario's expectations do not name, e.g. explore
// --spec).
func CheckEdition(s *Scenario, v *Vocabulary, ed spec.Edition) error {
	return check(s, v, ed, nil)
}

type checker struct {
	s     *Scenario
	v     *Vocabulary
	ctx   Context
	probs []*ParseError
	seen  map[string]bool
	// sigs are the names signalled under each edition, once looked up
	// (signalsUnder).
	sigs map[spec.Edition]*signalNames
	// who names the programs that signal each name (signallers).
	who map[string][]string
}

// check checks s with the problems parse found in it (parsed), and reports
// them all together, in file order.
func check(s *Scenario, v *Vocabulary, extra spec.Edition, parsed []*ParseError) error {
	c := &checker{s: s, v: v, ctx: Context{VFs: s.VFs, Queues: s.Queues, Hosts: v.Hosts}, seen: map[string]bool{}}
	for _, pe := range parsed {
		c.seen[pe.Error()] = true
		c.probs = append(c.probs, pe)
	}
	c.addAll(v.checkSettings(nil, s.Settings))
	c.requirements()
	runs := c.runEditions(extra)
	c.actors(runs)
	c.signals(runs)
	c.awaitCycles(runs)
	for i := range s.Expect {
		c.expectation(&s.Expect[i])
	}
	c.sameRows()
	c.sameExplores()
	if len(c.probs) == 0 {
		return nil
	}
	return &CheckError{Problems: sortProblems(c.probs)}
}

// add records a problem (once: a program checked under two editions
// reports a shared problem once).
func (c *checker) add(err error) {
	if err == nil {
		return
	}
	var ae *argError
	pe := &ParseError{File: c.s.File, Msg: err.Error()}
	if errors.As(err, &ae) {
		pe.Line, pe.Col, pe.Msg = ae.pos.Line, ae.pos.Col, ae.msg
	}
	if key := pe.Error(); !c.seen[key] {
		c.seen[key] = true
		c.probs = append(c.probs, pe)
	}
}

// addAll records every problem of a list, as add does.
func (c *checker) addAll(probs []*argError) {
	for _, ae := range probs {
		c.add(ae)
	}
}

func (c *checker) addf(pos Pos, format string, args ...any) {
	c.add(&argError{pos: pos, msg: fmt.Sprintf(format, args...)})
}

func (c *checker) requirements() {
	var ids []string
	for _, r := range spec.Requirements() {
		ids = append(ids, r.ID)
	}
	for i, id := range c.s.Requirements {
		if _, ok := spec.LookupRequirement(id); ok {
			continue
		}
		var pos Pos
		if i < len(c.s.RequirementPos) {
			pos = c.s.RequirementPos[i]
		}
		c.addf(pos, "requirements: unknown requirement ID %s (migsim spec lists them)%s", echo(id), didYouMean(id, ids))
	}
}

// runEditions are the editions the scenario runs under: those of its
// expectations that run (not n/a), and extra. None means the programs are
// checked against every edition's verbs at once.
func (c *checker) runEditions(extra spec.Edition) []spec.Edition {
	var eds []spec.Edition
	add := func(e spec.Edition) {
		for _, x := range eds {
			if x == e {
				return
			}
		}
		eds = append(eds, e)
	}
	for _, e := range c.s.Expect {
		// Edition 0: a row whose edition parse could not read.
		if e.Verdict != VerdictNA && e.Edition != 0 {
			add(e.Edition)
		}
	}
	if extra != 0 {
		add(extra)
	}
	return eds
}

// editionsOf are the editions program p is checked under: its own
// edition=, or the editions the scenario runs under. An edition the
// scenario only expects n/a under is none of them (docs/scenarios.md,
// "Expectations"): its rows state that the flow uses a word the edition
// lacks. A program with no edition left to run under is checked against
// every edition's verbs at once (0), which still catches what no edition
// accepts.
func (c *checker) editionsOf(p *Program, runs []spec.Edition) []spec.Edition {
	if p.Edition != 0 && (slices.Contains(runs, p.Edition) || !c.onlyNA(p.Edition)) {
		return []spec.Edition{p.Edition}
	}
	if p.Edition != 0 || len(runs) == 0 {
		return []spec.Edition{0}
	}
	return runs
}

// onlyNA reports whether the scenario expects n/a under ed and nothing
// else (every row of ed is n/a, and there is one).
func (c *checker) onlyNA(ed spec.Edition) bool {
	na := false
	for _, e := range c.s.Expect {
		if e.Edition == ed {
			if e.Verdict != VerdictNA {
				return false
			}
			na = true
		}
	}
	return na
}

// firstActors are the first blocks of one name (or the hypervisor's
// programs), in file order: the first of any edition and the first of
// each edition (0: a block without edition=).
type firstActors struct {
	any  *Program
	byEd map[spec.Edition]*Program
}

// overlapping returns the first block recorded before p that runs under
// an edition p runs under (either has no edition=, or both the same), nil
// if none.
func (f *firstActors) overlapping(p *Program) *Program {
	switch {
	case f == nil:
		return nil
	case p.Edition == 0:
		return f.any
	}
	q, r := f.byEd[0], f.byEd[p.Edition]
	if q == nil || (r != nil && r.Line < q.Line) {
		return r
	}
	return q
}

// add records p as a block of its name.
func (f *firstActors) add(p *Program) {
	if f.any == nil {
		f.any = p
	}
	if f.byEd[p.Edition] == nil {
		f.byEd[p.Edition] = p
	}
}

// actors checks the blocks' names and programs. A block that clashes with
// earlier ones is reported once, against the first of them, found by name
// and edition: n blocks of one name cost n-1 problems and n look-ups, not
// a problem and a comparison per pair (a file of a few kilobytes of
// "guest g" blocks would take minutes and gigabytes).
func (c *checker) actors(runs []spec.Edition) {
	hv := &firstActors{byEd: map[spec.Edition]*Program{}}
	named := map[string]*firstActors{}
	for _, p := range c.s.Actors {
		at := Pos{p.Line, p.NameCol}
		if p.Kind == ActorHypervisor {
			if q := hv.overlapping(p); q != nil {
				c.addf(at, "a second hypervisor program for the same edition (the first is at line %d; give each edition=)", q.Line)
			}
			hv.add(p)
		} else {
			f := named[p.Name]
			if q := f.overlapping(p); q != nil {
				c.addf(at, "%s %s: the name is taken by the %s at line %d", p.Kind, clip(p.Name), q.Kind, q.Line)
			}
			if f == nil {
				f = &firstActors{byEd: map[spec.Edition]*Program{}}
				named[p.Name] = f
			}
			f.add(p)
		}
		if p.Kind != ActorHypervisor && contains(c.v.Reserved, p.Name) {
			c.addf(at, "%s %s: the name is reserved (for the hypervisor's steps)", p.Kind, clip(p.Name))
		}
		c.program(p, runs)
	}
}

func (c *checker) program(p *Program, runs []spec.Edition) {
	at := Pos{p.Line, p.NameCol}
	var attrs []ArgSpec
	switch p.Kind {
	case ActorGuest:
		attrs = c.v.GuestAttrs
	case ActorPeer:
		attrs = c.v.PeerAttrs
	case ActorHypervisor:
		attrs = c.v.HypervisorAttrs
	}
	vals, probs := bindArgs(p.Kind.String(), attrs, p.Args, c.ctx, at)
	// Every problem at once (docs/scenarios.md, "Checked at load"): a bad
	// attribute does not hide the block's operations, which are checked
	// with the driver the block names, if any.
	c.addAll(probs)
	var tables []VerbTable
	switch p.Kind {
	case ActorGuest:
		var name string
		if len(probs) == 0 {
			name = vals.Str("driver")
		} else {
			name, _ = Lookup(p.Args, "driver")
		}
		if name == "" {
			name = c.v.DefaultDriver
		}
		d, ok := c.v.Driver(name)
		if !ok {
			c.addf(at, "guest %s: no guest driver %s", clip(p.Name), quote(name))
			return
		}
		tables = []VerbTable{d.Verbs, c.v.GuestVerbs}
	case ActorPeer:
		tables = []VerbTable{c.v.Peer}
	case ActorHypervisor:
		tables = []VerbTable{c.v.Hypervisor}
	}
	eds := c.editionsOf(p, runs)
	for _, op := range p.Ops {
		c.opUnder(p, op, tables, eds)
	}
	c.resumes(p, tables)
}

// opUnder checks one operation under each of eds. A problem found the same
// under every edition is reported once, as it does not depend on the
// edition; one found under some editions only names the edition it was
// found under.
func (c *checker) opUnder(p *Program, op Op, tables []VerbTable, eds []spec.Edition) {
	probs := make([][]*argError, len(eds))
	named := make([]bool, len(eds))
	for i, ed := range eds {
		probs[i], named[i] = c.op(p, op, tables, ed)
	}
	everywhere := func(ae *argError) bool {
		for _, other := range probs {
			if !slices.ContainsFunc(other, func(x *argError) bool { return *x == *ae }) {
				return false
			}
		}
		return true
	}
	for i, list := range probs {
		for _, ae := range list {
			if len(eds) > 1 && !named[i] && !everywhere(ae) {
				ae.msg += fmt.Sprintf(" (under %s)", eds[i])
			}
			c.add(ae)
		}
	}
}

// op returns the problems of one operation under ed (0: under any
// edition); named says their messages name ed already.
func (c *checker) op(p *Program, op Op, tables []VerbTable, ed spec.Edition) (probs []*argError, named bool) {
	at := Pos{op.Line, op.Col}
	problem := func(format string, args ...any) []*argError {
		return []*argError{{pos: at, msg: fmt.Sprintf(format, args...)}}
	}
	var cands []*VerbSpec
	for _, t := range tables {
		cands = append(cands, t.Lookup(op.Verb, ed)...)
	}
	if len(cands) == 0 {
		var elsewhere []*VerbSpec
		var names []string
		for _, t := range tables {
			elsewhere = append(elsewhere, t.Lookup(op.Verb, 0)...)
			names = append(names, t.Names(ed)...)
		}
		if len(elsewhere) > 0 {
			return problem("%s: not a %s operation (%s has it); this %s program runs under %s (give the block edition=, use that edition's verbs, or expect `%s n/a %s` where the edition lacking it is the point)",
				clip(op.Verb), ed, editionNames(elsewhere[0].Editions), p.Kind, ed, ed, clip(op.Verb)), true
		}
		return problem("unknown %s operation %s (want %s)%s", p.Kind, clip(op.Verb), strings.Join(names, ", "), didYouMean(op.Verb, names)), false
	}
	// The problems of the verb's first form, every one of the line
	// (docs/scenarios.md, "Checked at load"), unless another form binds.
	var first []*argError
	for i, v := range cands {
		_, probs := bindVerb(v, op, c.ctx)
		if len(probs) == 0 {
			return nil, false
		}
		if i == 0 {
			first = probs
		}
	}
	return first, false
}

func editionNames(eds []spec.Edition) string {
	names := make([]string, len(eds))
	for i, e := range eds {
		names[i] = e.String()
	}
	return strings.Join(names, ", ")
}

func (c *checker) expectation(e *Expectation) {
	first := map[string]Pos{}
	for i, k := range e.Knobs {
		pos := Pos{Line: e.Line}
		if i < len(e.KnobCols) {
			pos.Col = e.KnobCols[i]
		}
		if err := CheckKnobFor(k, e.Edition); err != nil {
			c.addf(pos, "expect: %v", err)
			continue
		}
		// A knob given twice would silently take its last value: the row
		// would not be the one the line seems to state.
		name, _, _ := strings.Cut(k, "=")
		if prev, dup := first[name]; dup {
			c.addf(pos, "expect: knob %s given twice (first at %s)", name, posText(prev))
			continue
		}
		first[name] = pos
		// A knob that does not apply to the edition changes nothing in
		// its runs: the row would judge another row again under a name
		// that claims a configuration the edition lacks.
		if e.Edition != 0 {
			if err := spec.CheckKnobApplies(e.Edition, name); err != nil {
				c.addf(pos, "expect: %v", err)
			}
		}
	}
	at := Pos{e.Line, e.OracleCol}
	switch e.Verdict {
	case VerdictViolation:
		if !contains(c.v.Oracles, e.Oracle) {
			c.addf(at, "expect: unknown oracle %s (oracles: %s)%s", echo(e.Oracle), strings.Join(c.v.Oracles, ", "), didYouMean(e.Oracle, c.v.Oracles))
		}
	case VerdictError:
		if !contains(c.v.Errors, e.Oracle) {
			c.addf(at, "expect: unknown error name %s (errors: %s)%s", echo(e.Oracle), errorList(c.v.Errors), didYouMean(e.Oracle, c.v.Errors))
		}
	}
	probs := c.v.checkSettings(c.s.Settings, e.Settings)
	for _, ae := range probs {
		ae.msg = "expect: set:" + strings.TrimPrefix(ae.msg, "set ")
	}
	c.addAll(probs)
	for _, a := range e.Settings {
		if a.Key == "hv-await" {
			c.checkAwaitSetting(a, e.Edition)
		}
	}
	c.expectationProof(e)
}

// expectationProof checks a row's own proof= and proof-bound= against its
// explore line: not on a dfs line (which proves its pass rows itself), not
// a bound alone where the line proves nothing (proof=0).
func (c *checker) expectationProof(e *Expectation) {
	if e.Proof == 0 && e.ProofBound == 0 {
		return
	}
	// Which explore line the row runs under depends on its edition and on
	// every explore line: with one parse could not read, the row's
	// budget is unknown.
	if e.Edition == 0 || c.s.unreadExplore {
		return
	}
	at := Pos{e.Line, e.ProofCol}
	if e.Verdict != VerdictPass {
		c.addf(at, "%s", proofNotPass(e.Verdict))
		return
	}
	switch b := c.s.BudgetFor(e.Edition); {
	case b.Strategy == "dfs":
		c.addf(at, "expect: proof: the %s rows' explore line is dfs, which proves its pass rows itself (proof= and proof-bound= are for random and pct lines)", e.Edition)
	case e.Proof == 0 && b.Proof == 0:
		c.addf(at, "expect: proof-bound: the %s rows' explore line has proof=0 (no proof): give the row its own proof= too", e.Edition)
	}
}

// errorList shortens the list of error names for a message: the named
// errors, and the admin statuses as STATUS/QUALIFIER.
func errorList(names []string) string {
	var out []string
	admin := false
	for _, n := range names {
		if strings.Contains(n, "/") {
			admin = true
			continue
		}
		out = append(out, n)
	}
	if admin {
		out = append(out, "an admin STATUS/QUALIFIER such as EINVAL/INVALID_FIELD")
	}
	return strings.Join(out, ", ")
}
