package scenario

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/spec"
)

// runsUnder reports whether program p runs under edition ed (0: under
// some edition): a block with edition= runs only under that edition.
func runsUnder(p *Program, ed spec.Edition) bool {
	return ed == 0 || p.Edition == 0 || p.Edition == ed
}

// signalNames are the names the programs that run under one edition
// signal: in file order, each once, and as a set.
type signalNames struct {
	list []string
	set  map[string]bool
}

// signalsUnder returns the names the programs that run under ed signal
// (0: every program), computed once per edition: a check per await that
// looked them up again, each in a list, took minutes for a file of a few
// kilobytes of distinct signals and awaits.
func (c *checker) signalsUnder(ed spec.Edition) *signalNames {
	if sn, ok := c.sigs[ed]; ok {
		return sn
	}
	sn := &signalNames{set: map[string]bool{}}
	for _, p := range c.s.Actors {
		if !runsUnder(p, ed) {
			continue
		}
		for _, op := range p.Ops {
			if op.Verb == "signal" && len(op.Args) == 1 && op.Args[0].Key == "" && !sn.set[op.Args[0].Value] {
				sn.set[op.Args[0].Value] = true
				sn.list = append(sn.list, op.Args[0].Value)
			}
		}
	}
	if c.sigs == nil {
		c.sigs = map[spec.Edition]*signalNames{}
	}
	c.sigs[ed] = sn
	return sn
}

// maxListed is how many names or programs a message lists before it says
// how many there are in all: a list per problem of everything the scenario
// holds grows with the square of its size.
const maxListed = 16

// clipList joins items with sep, the first maxListed of them and the count
// of all when there are more.
func clipList(items []string, sep string) string {
	if len(items) <= maxListed {
		return strings.Join(items, sep)
	}
	return strings.Join(items[:maxListed], sep) + fmt.Sprintf("%s… (%d in all)", sep, len(items))
}

// namesOrNone is orNone with the list clipped (clipList).
func namesOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return clipList(names, ", ")
}

// signallers names the programs that signal name, for a message: "the
// hypervisor program for draft-2023 signals it at line 40". The programs'
// first signal of each name are gathered once, for every problem that
// asks.
func (c *checker) signallers(name string) string {
	if c.who == nil {
		c.who = map[string][]string{}
		for _, p := range c.s.Actors {
			done := map[string]bool{}
			for _, op := range p.Ops {
				if op.Verb != "signal" || len(op.Args) != 1 || op.Args[0].Key != "" || done[op.Args[0].Value] {
					continue
				}
				done[op.Args[0].Value] = true
				w := "the " + p.Kind.String()
				if p.Kind != ActorHypervisor {
					w += " " + clip(p.Name)
				}
				if p.Edition != 0 {
					w += " program for " + p.Edition.String()
				}
				c.who[op.Args[0].Value] = append(c.who[op.Args[0].Value], fmt.Sprintf("%s signals it at line %d", w, op.Line))
			}
		}
	}
	return clipList(c.who[name], "; ")
}

// maxSuggestFrom is the most signalled names a missing one is compared
// with for a suggestion: a scenario has a handful; comparing each of
// thousands of awaits with thousands of names takes minutes.
const maxSuggestFrom = 256

// suggestSignal is didYouMean among names, none past maxSuggestFrom.
func suggestSignal(got string, names []string) string {
	if len(names) > maxSuggestFrom {
		return ""
	}
	return didYouMean(got, names)
}

// signals checks that every awaited name is signalled by some actor that
// runs under the same edition (an await nobody answers can only end in a
// hang): an await of a program is checked under each edition the
// scenario runs under (runs) that the program runs under, the default
// flow's hv-await setting under each edition whose flow is the default
// one (no hypervisor program of its own). With no edition to run under,
// any actor's signal answers.
func (c *checker) signals(runs []spec.Edition) {
	all := c.signalsUnder(0)
	check := func(name string, pos Pos, what string, eds []spec.Edition) {
		if !all.set[name] {
			c.addf(pos, "%s %s: no actor signals %s (signals: %s)%s", what, echo(name), echo(name), namesOrNone(all.list), suggestSignal(name, all.list))
			return
		}
		var missing []string
		var under []string
		for _, ed := range eds {
			if names := c.signalsUnder(ed); !names.set[name] {
				missing = append(missing, ed.String())
				under = names.list
			}
		}
		if len(missing) == 0 {
			return
		}
		signals := ""
		if len(missing) == 1 {
			signals = fmt.Sprintf("signals under %s: %s; ", missing[0], namesOrNone(under))
		}
		c.addf(pos, "%s %s: no actor signals it under %s (%s%s)", what, echo(name),
			strings.Join(missing, " or "), signals, c.signallers(name))
	}
	for _, p := range c.s.Actors {
		var eds []spec.Edition
		for _, ed := range runs {
			if runsUnder(p, ed) {
				eds = append(eds, ed)
			}
		}
		for _, op := range p.Ops {
			if op.Verb == "await" && len(op.Args) == 1 && op.Args[0].Key == "" {
				check(op.Args[0].Value, op.Args[0].Pos, "await", eds)
			}
		}
	}
	var flow []spec.Edition // editions whose hypervisor runs the default flow
	for _, ed := range runs {
		if !slices.ContainsFunc(c.s.Actors, func(p *Program) bool { return p.Kind == ActorHypervisor && runsUnder(p, ed) }) {
			flow = append(flow, ed)
		}
	}
	for _, a := range c.s.Settings {
		if a.Key == "hv-await" {
			check(a.Value, a.Pos, "set hv-await:", flow)
		}
	}
}

// checkAwaitSetting checks an expect line's set:hv-await= (the default
// flow's first await in that row): some actor that runs under the row's
// edition signals it.
func (c *checker) checkAwaitSetting(a Arg, ed spec.Edition) {
	if p := c.awaitSettingProblem(ed, a.Value); p != "" {
		c.addf(a.Pos, "expect: set:%s", p)
	}
}

// CheckAwaitSetting checks an hv-await=NAME a run of s under ed is given
// beside the scenario's own settings (explore's --set): some actor that
// runs under ed signals NAME, as an expect line's set:hv-await= must. The
// error names the signals there are.
func CheckAwaitSetting(s *Scenario, ed spec.Edition, name string) error {
	c := &checker{s: s, seen: map[string]bool{}}
	if p := c.awaitSettingProblem(ed, name); p != "" {
		return errors.New(p)
	}
	return nil
}

// awaitSettingProblem says what is wrong with hv-await=name under ed
// ("hv-await=NAME: no actor signals …"), or "" when an actor that runs
// under ed signals it: the names signalled anywhere and a suggestion when
// none signals it, else the programs of other editions that do.
func (c *checker) awaitSettingProblem(ed spec.Edition, name string) string {
	if c.signalsUnder(ed).set[name] {
		return ""
	}
	all := c.signalsUnder(0)
	if ed == 0 || !all.set[name] {
		return fmt.Sprintf("hv-await=%s: no actor signals %s (signals: %s)%s", echo(name), echo(name), namesOrNone(all.list), suggestSignal(name, all.list))
	}
	return fmt.Sprintf("hv-await=%s: no actor signals it under %s (%s)", echo(name), ed, c.signallers(name))
}

// awaitCycles reports the awaits no schedule gets past: signal and await
// order the programs by themselves, whatever the devices do, so an actor
// that awaits a name whose every signal comes after an await that is
// itself never passed (two actors each awaiting what the other signals
// next, say) blocks on every schedule. Under each edition the scenario
// runs under (runs; none: every program), the programs run as far as the
// signals let them, to a fixed point; each program left at an await is a
// problem there, naming every program left blocked. An edition where an
// awaited name has no signal at all is left to signals, which reports it.
func (c *checker) awaitCycles(runs []spec.Edition) {
	eds := runs
	if len(eds) == 0 {
		eds = []spec.Edition{0}
	}
	type problem struct {
		pos Pos
		msg string
	}
	var order []problem
	under := map[problem][]spec.Edition{}
	for _, ed := range eds {
		for _, p := range c.stuckAwaits(ed) {
			pr := problem{p.pos, p.msg}
			if _, ok := under[pr]; !ok {
				order = append(order, pr)
			}
			under[pr] = append(under[pr], ed)
		}
	}
	for _, pr := range order {
		msg := pr.msg
		if e := under[pr]; len(e) < len(eds) {
			msg += " (under " + editionNames(e) + ")"
		}
		c.addf(pr.pos, "%s", msg)
	}
}

// stuckAwait is an await no schedule of one edition gets past.
type stuckAwait struct {
	pos Pos
	msg string
}

// stuckAwaits runs the programs that run under ed (0: every program) as
// far as their signals let them and returns, for each one left at an
// await, a problem at that await naming every program left blocked.
func (c *checker) stuckAwaits(ed spec.Edition) []stuckAwait {
	var progs []*Program
	for _, p := range c.s.Actors {
		if runsUnder(p, ed) {
			progs = append(progs, p)
		}
	}
	named := c.signalsUnder(ed)
	awaited := func(op Op) (string, bool) {
		if op.Verb == "await" && len(op.Args) == 1 && op.Args[0].Key == "" {
			return op.Args[0].Value, true
		}
		return "", false
	}
	// Each program runs until an await of a name not yet signalled; a
	// signal wakes the programs waiting for it. One pass over every
	// program per signal took as many passes as programs for a chain of
	// awaits written last to first.
	pc := make([]int, len(progs))
	signalled := map[string]bool{}
	waiting := map[string][]int{}
	ready := make([]int, len(progs))
	for i := range ready {
		ready[i] = i
	}
	for len(ready) > 0 {
		i := ready[len(ready)-1]
		ready = ready[:len(ready)-1]
		for p := progs[i]; pc[i] < len(p.Ops); pc[i]++ {
			op := p.Ops[pc[i]]
			if name, ok := awaited(op); ok && !signalled[name] {
				waiting[name] = append(waiting[name], i)
				break
			}
			if op.Verb == "signal" && len(op.Args) == 1 && op.Args[0].Key == "" && !signalled[op.Args[0].Value] {
				signalled[op.Args[0].Value] = true
				ready = append(ready, waiting[op.Args[0].Value]...)
				delete(waiting, op.Args[0].Value)
			}
		}
	}
	var blocked []string
	var at []stuckAwait
	for i, p := range progs {
		if pc[i] == len(p.Ops) {
			continue
		}
		op := p.Ops[pc[i]]
		name, _ := awaited(op)
		if !named.set[name] {
			return nil // never signalled under ed: signals reports it
		}
		who := p.Kind.String()
		if p.Kind != ActorHypervisor {
			who += " " + clip(p.Name)
		}
		blocked = append(blocked, fmt.Sprintf("%s blocked at line %d (await %s)", who, op.Line, echo(name)))
		at = append(at, stuckAwait{pos: op.Args[0].Pos, msg: "await " + echo(name)})
	}
	for i := range at {
		at[i].msg += ": no schedule gets past it, the scenario's awaits deadlock: " + clipList(blocked, "; ")
	}
	return at
}
