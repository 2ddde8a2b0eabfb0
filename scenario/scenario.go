package scenario

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/migsim/migsim/spec"
)

// Scenario is one parsed scenario file: the world it declares (VFs, queues,
// settings), the programs of its actors, the verdicts it expects under each
// edition and knob set, and how much exploration proves them.
//
// The text format is line-oriented; see docs/scenarios.md. A scenario reads
// like the spec's own examples:
//
//	scenario flr-during-freeze
//	question 1
//	title FLR during freeze (guest starts FLR, owner freezes, FLR completes)
//	requirements DP-DEV-12 DRAFT-FRZ-02
//	vfs 1
//
//	guest vcpu0
//	  probe
//	  write sector=0 count=8 pattern=0xa1
//	  flr
//
//	expect draft-2023 pass
//	expect draft-2023 flr-vs-mode=complete-anyway violation frozen-context
//	explore strategy=pct schedules=2000
type Scenario struct {
	// File is where the scenario was read from (for error messages).
	File         string
	Name         string
	Question     int
	Title        string
	Explain      []string
	Requirements []string
	VFs          int
	Queues       int
	// Settings are world settings (`set key=value`), in file order.
	Settings []Arg
	Actors   []*Program
	Expect   []Expectation
	Explore  []Budget
	// Source is the file's bytes; Hash is a short content hash of them.
	Source string
	Hash   string
}

// ActorKind is the kind of an actor program.
type ActorKind uint8

// Actor kinds.
const (
	ActorGuest ActorKind = iota + 1
	ActorHypervisor
	ActorPeer
)

// String returns guest, hypervisor or peer.
func (k ActorKind) String() string {
	switch k {
	case ActorGuest:
		return "guest"
	case ActorHypervisor:
		return "hypervisor"
	case ActorPeer:
		return "peer"
	}
	return fmt.Sprintf("actor-%d", uint8(k))
}

// Program is the operation list of one actor. Edition, when set, limits the
// program to that edition (a scenario may give each edition its own
// hypervisor flow).
type Program struct {
	Kind    ActorKind
	Name    string
	Edition spec.Edition
	Args    []Arg
	Ops     []Op
	Line    int
}

// Op is one operation of an actor program: a verb and its arguments.
type Op struct {
	Verb string
	Args []Arg
	Line int
}

// Arg is one argument: key=value, or a bare word (Key empty).
type Arg struct {
	Key   string
	Value string
}

// String renders the argument as it is written in a scenario file.
func (a Arg) String() string {
	v := a.Value
	if v == "" || strings.ContainsAny(v, " \t\"#") {
		v = strconv.Quote(v)
	}
	if a.Key == "" {
		return v
	}
	return a.Key + "=" + v
}

// Verdict is what a scenario expects (or got) under one edition and knob set.
type Verdict uint8

// Verdicts.
const (
	// VerdictPass: no oracle fired within the stated budget.
	VerdictPass Verdict = iota + 1
	// VerdictViolation: an oracle fired (Expectation.Oracle names which).
	VerdictViolation
	// VerdictError: the flow stopped with a named error (Expectation.Oracle
	// holds the error's name), with no hang and no silent success.
	VerdictError
	// VerdictNA: the question does not apply to the edition.
	VerdictNA
)

// String returns pass, violation, error or n/a.
func (v Verdict) String() string {
	switch v {
	case VerdictPass:
		return "pass"
	case VerdictViolation:
		return "violation"
	case VerdictError:
		return "error"
	case VerdictNA:
		return "n/a"
	}
	return fmt.Sprintf("verdict-%d", uint8(v))
}

// Expectation is one `expect` line: under Edition with Knobs applied to its
// defaults (and Settings applied to the scenario's), the run gives Verdict;
// for a violation, Oracle names the oracle; for an error, the error's name;
// for n/a, the verb or mode word the edition lacks (the reason).
type Expectation struct {
	Edition  spec.Edition
	Knobs    []string
	Settings []Arg
	Verdict  Verdict
	Oracle   string
	Note     string
	Line     int
}

// Budget is one `explore` line: how a scenario proves its expectations.
type Budget struct {
	// Edition limits the budget to one edition (0: every edition).
	Edition   spec.Edition
	Strategy  string
	Schedules int
	// Bound is the preemption bound for dfs; Depth the d of pct.
	Bound int
	Depth int
	Seed  uint64
	Line  int
	// Reduction is dfs's reduction (`reduction=`): sleep (sleep sets, the
	// default when empty), dpor, none, or states (sleep sets with state
	// pruning: a state explored before is not explored again).
	Reduction string
}

// Reductions lists the values of an explore line's reduction=.
var Reductions = []string{"sleep", "dpor", "none", "states"}

// ParseError is a scenario syntax error with its position.
type ParseError struct {
	File string
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// ParseScenario parses a scenario file. file names it in errors.
func ParseScenario(file string, src []byte) (*Scenario, error) {
	p := &scenarioParser{file: file}
	sum := sha256.Sum256(src)
	s := &Scenario{File: file, Source: string(src), Hash: hex.EncodeToString(sum[:8]), VFs: 1, Queues: 1}
	var cur *Program
	for i, raw := range strings.Split(string(src), "\n") {
		line := i + 1
		text := stripComment(raw)
		if strings.TrimSpace(text) == "" {
			continue
		}
		indented := text[0] == ' ' || text[0] == '\t'
		if !indented {
			if head, rest, _ := strings.Cut(text, " "); head == "title" || head == "explain" {
				cur = nil
				if head == "title" {
					s.Title = strings.TrimSpace(rest)
				} else {
					s.Explain = append(s.Explain, strings.TrimSpace(rest))
				}
				continue
			}
		}
		words, err := splitWords(text)
		if err != nil {
			return nil, p.errf(line, "%v", err)
		}
		if indented {
			if cur == nil {
				return nil, p.errf(line, "indented operation %q outside a guest, hypervisor or peer block", words[0])
			}
			if !validName(words[0]) {
				return nil, p.errf(line, "operation %q: want a verb of letters, digits, '-', '_' or '.'", words[0])
			}
			args, err := parseArgs(words[1:])
			if err != nil {
				return nil, p.errf(line, "%s: %v", words[0], err)
			}
			cur.Ops = append(cur.Ops, Op{Verb: words[0], Args: args, Line: line})
			continue
		}
		cur = nil
		if err := p.directive(s, &cur, words, line); err != nil {
			return nil, err
		}
	}
	if s.Name == "" {
		return nil, p.errf(1, "missing `scenario NAME` line")
	}
	for _, a := range s.Actors {
		if len(a.Ops) == 0 {
			return nil, p.errf(a.Line, "%s %s has no operations", a.Kind, a.Name)
		}
	}
	return s, nil
}

type scenarioParser struct{ file string }

func (p *scenarioParser) errf(line int, format string, args ...any) error {
	return &ParseError{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

func (p *scenarioParser) directive(s *Scenario, cur **Program, w []string, line int) error {
	rest := w[1:]
	switch w[0] {
	case "scenario":
		if len(rest) != 1 || !validName(rest[0]) {
			return p.errf(line, "scenario: want one name of letters, digits, '-', '_' or '.'")
		}
		s.Name = rest[0]
	case "question":
		n, err := p.intArg(rest, line, "question")
		if err != nil {
			return err
		}
		s.Question = n
	case "requirements":
		s.Requirements = append(s.Requirements, rest...)
	case "vfs":
		n, err := p.intArg(rest, line, "vfs")
		if err != nil {
			return err
		}
		if n < 1 || n > 65535 {
			return p.errf(line, "vfs: %d outside 1..65535", n)
		}
		s.VFs = n
	case "queues":
		n, err := p.intArg(rest, line, "queues")
		if err != nil {
			return err
		}
		if n < 1 || n > 64 {
			return p.errf(line, "queues: %d outside 1..64", n)
		}
		s.Queues = n
	case "set":
		args, err := parseArgs(rest)
		if err != nil {
			return p.errf(line, "set: %v", err)
		}
		for _, a := range args {
			if a.Key == "" {
				return p.errf(line, "set: %q is not key=value", a.Value)
			}
		}
		s.Settings = append(s.Settings, args...)
	case "guest", "hypervisor", "peer":
		prog, err := p.program(w, line)
		if err != nil {
			return err
		}
		s.Actors = append(s.Actors, prog)
		*cur = prog
	case "expect":
		e, err := p.expect(rest, line)
		if err != nil {
			return err
		}
		s.Expect = append(s.Expect, e)
	case "explore":
		b, err := p.budget(rest, line)
		if err != nil {
			return err
		}
		s.Explore = append(s.Explore, b)
	default:
		return p.errf(line, "unknown directive %q (want scenario, question, title, explain, requirements, vfs, queues, set, guest, hypervisor, peer, expect, explore)", w[0])
	}
	return nil
}

func (p *scenarioParser) intArg(rest []string, line int, what string) (int, error) {
	if len(rest) != 1 {
		return 0, p.errf(line, "%s: want one number", what)
	}
	n, err := strconv.Atoi(rest[0])
	if err != nil {
		return 0, p.errf(line, "%s: %q is not a number", what, rest[0])
	}
	return n, nil
}

func (p *scenarioParser) program(w []string, line int) (*Program, error) {
	kind := map[string]ActorKind{"guest": ActorGuest, "hypervisor": ActorHypervisor, "peer": ActorPeer}[w[0]]
	prog := &Program{Kind: kind, Name: w[0], Line: line}
	rest := w[1:]
	if kind != ActorHypervisor && len(rest) > 0 && !strings.Contains(rest[0], "=") {
		if !validName(rest[0]) {
			return nil, p.errf(line, "%s: name %q: want letters, digits, '-', '_' or '.'", w[0], rest[0])
		}
		prog.Name = rest[0]
		rest = rest[1:]
	}
	args, err := parseArgs(rest)
	if err != nil {
		return nil, p.errf(line, "%s: %v", w[0], err)
	}
	for _, a := range args {
		if a.Key == "edition" {
			e, err := spec.ParseEdition(a.Value)
			if err != nil {
				return nil, p.errf(line, "%s: %v", w[0], err)
			}
			prog.Edition = e
			continue
		}
		prog.Args = append(prog.Args, a)
	}
	return prog, nil
}

// expect EDITION [knob=value …] [set:key=value …] pass | violation ORACLE | error NAME | n/a [WORD] [-- note]
func (p *scenarioParser) expect(rest []string, line int) (Expectation, error) {
	e := Expectation{Line: line}
	if len(rest) < 2 {
		return e, p.errf(line, "expect: want EDITION [knob=value…] pass|violation ORACLE|error NAME|n/a")
	}
	ed, err := spec.ParseEdition(rest[0])
	if err != nil {
		return e, p.errf(line, "expect: %v", err)
	}
	e.Edition = ed
	i := 1
	r := spec.DefaultRules(ed)
	for ; i < len(rest) && strings.Contains(rest[i], "="); i++ {
		if k, ok := strings.CutPrefix(rest[i], "set:"); ok {
			key, val, _ := strings.Cut(k, "=")
			e.Settings = append(e.Settings, Arg{Key: key, Value: val})
			continue
		}
		if err := r.Parse(rest[i]); err != nil {
			return e, p.errf(line, "expect: %v", err)
		}
		e.Knobs = append(e.Knobs, rest[i])
	}
	if i >= len(rest) {
		return e, p.errf(line, "expect: missing verdict (pass, violation ORACLE, error NAME or n/a)")
	}
	switch rest[i] {
	case "pass":
		e.Verdict = VerdictPass
		i++
	case "n/a":
		// n/a WORD: the verb or mode the edition lacks, which the judge
		// checks the scenario's flow stops on.
		e.Verdict = VerdictNA
		i++
		if i < len(rest) && rest[i] != "--" {
			e.Oracle = rest[i]
			i++
		}
	case "violation", "error":
		e.Verdict = VerdictViolation
		if rest[i] == "error" {
			e.Verdict = VerdictError
		}
		if i+1 >= len(rest) || rest[i+1] == "--" {
			return e, p.errf(line, "expect: %s needs a name", rest[i])
		}
		e.Oracle = rest[i+1]
		i += 2
	default:
		return e, p.errf(line, "expect: unknown verdict %q (want pass, violation, error or n/a)", rest[i])
	}
	if i < len(rest) {
		if rest[i] != "--" {
			return e, p.errf(line, "expect: unexpected %q after the verdict (a note starts with --)", rest[i])
		}
		e.Note = strings.Join(rest[i+1:], " ")
	}
	return e, nil
}

// explore [edition=E] strategy=S schedules=N [bound=B] [depth=D] [seed=S] [reduction=R]
func (p *scenarioParser) budget(rest []string, line int) (Budget, error) {
	b := Budget{Line: line, Strategy: "random", Schedules: 1, Depth: 3, Seed: 1}
	args, err := parseArgs(rest)
	if err != nil {
		return b, p.errf(line, "explore: %v", err)
	}
	for _, a := range args {
		var err error
		switch a.Key {
		case "edition":
			b.Edition, err = spec.ParseEdition(a.Value)
		case "strategy":
			switch a.Value {
			case "random", "pct", "dfs":
				b.Strategy = a.Value
			default:
				err = fmt.Errorf("unknown strategy %q (want random, pct or dfs)", a.Value)
			}
		case "schedules":
			b.Schedules, err = strconv.Atoi(a.Value)
			if err == nil && b.Schedules < 1 {
				err = fmt.Errorf("schedules must be at least 1")
			}
		case "bound":
			b.Bound, err = strconv.Atoi(a.Value)
		case "depth":
			b.Depth, err = strconv.Atoi(a.Value)
		case "seed":
			b.Seed, err = strconv.ParseUint(a.Value, 0, 64)
		case "reduction":
			b.Reduction = a.Value
			if !slices.Contains(Reductions, a.Value) {
				err = fmt.Errorf("unknown reduction %q (want %s)", a.Value, strings.Join(Reductions, ", "))
			}
		default:
			err = fmt.Errorf("unknown key %q (want edition, strategy, schedules, bound, depth, seed, reduction)", a.Key)
		}
		if err != nil {
			return b, p.errf(line, "explore: %s: %v", a.Key, err)
		}
	}
	return b, nil
}

func stripComment(s string) string {
	inQuote := false
	for i, r := range s {
		switch {
		case r == '"':
			inQuote = !inQuote
		case r == '#' && !inQuote:
			return strings.TrimRight(s[:i], " \t\r")
		}
	}
	return strings.TrimRight(s, " \t\r")
}

// splitWords splits on blanks, keeping "quoted strings" (with Go escapes)
// together, also after key=.
func splitWords(s string) ([]string, error) {
	var out []string
	i := 0
	for i < len(s) {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i >= len(s) {
			break
		}
		start := i
		var b strings.Builder
		for i < len(s) && s[i] != ' ' && s[i] != '\t' {
			if s[i] == '"' {
				q, err := strconv.QuotedPrefix(s[i:])
				if err != nil {
					return nil, fmt.Errorf("column %d: unterminated or malformed quoted string", i+1)
				}
				u, _ := strconv.Unquote(q)
				b.WriteString(u)
				i += len(q)
				continue
			}
			b.WriteByte(s[i])
			i++
		}
		_ = start
		out = append(out, b.String())
	}
	return out, nil
}

// validName reports whether s is a non-empty name of letters, digits, '-',
// '_', '.', ':' or '/'.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		ok := r == '-' || r == '_' || r == '.' || r == ':' || r == '/' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}

func parseArgs(words []string) ([]Arg, error) {
	args := make([]Arg, 0, len(words))
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			args = append(args, Arg{Value: w})
			continue
		}
		if !validName(k) {
			return nil, fmt.Errorf("%q: bad key %q", w, k)
		}
		args = append(args, Arg{Key: k, Value: v})
	}
	return args, nil
}

// Lookup returns the value of key among args.
func Lookup(args []Arg, key string) (string, bool) {
	for _, a := range args {
		if a.Key == key {
			return a.Value, true
		}
	}
	return "", false
}
