package scenario

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/spec"
)

// ParseError is a scenario error with its position: a syntax error from
// ParseScenario, or a problem Check found.
type ParseError struct {
	File string
	Line int
	// Col is the 1-based byte column (0: the whole line).
	Col int
	Msg string
}

func (e *ParseError) Error() string {
	if e.Col > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// directives are the words that start an unindented line.
var directives = []string{"scenario", "question", "title", "explain", "requirements", "vfs", "queues",
	"set", "guest", "hypervisor", "peer", "expect", "explore"}

// ParseScenario parses a scenario file; file names it in errors. It checks
// the syntax (every line, its words, numbers and their limits, editions,
// knobs as NAME=VALUE, verdicts, budgets) and stops at the first error;
// Check then checks names and values against the world's vocabulary (the
// knobs against spec's) and reports every problem at once.
func ParseScenario(file string, src []byte) (*Scenario, error) {
	p := &scenarioParser{file: file, seen: map[string]int{}}
	sum := sha256.Sum256(src)
	s := &Scenario{File: file, Source: string(src), SourceHash: hex.EncodeToString(sum[:8]), VFs: 1, Queues: 1}
	var cur *Program
	// A byte-order mark some editors write at the start of a UTF-8 file
	// says nothing: it is skipped, and columns of the first line count
	// from after it, as the editor shows them.
	body := strings.TrimPrefix(string(src), byteOrderMark)
	for i, raw := range strings.Split(body, "\n") {
		line := i + 1
		if col, what := controlByte(raw); col > 0 {
			return nil, p.errAt(line, col, "%s at %d:%d: a scenario is text (inside a quoted string, write it as an escape such as \\x00)", what, line, col)
		}
		text := cutComment(raw)
		if strings.TrimSpace(text) == "" {
			continue
		}
		indented := text[0] == ' ' || text[0] == '\t'
		if !indented {
			if head, rest, _ := strings.Cut(text, " "); head == "title" || head == "explain" {
				cur = nil
				if head == "title" {
					if err := p.once("title", line); err != nil {
						return nil, err
					}
					s.Title = strings.TrimSpace(rest)
				} else {
					s.Explain = append(s.Explain, strings.TrimSpace(rest))
				}
				continue
			}
		}
		words, err := lexWords(text)
		if err != nil {
			return nil, p.wrap(line, err)
		}
		if indented {
			if cur == nil {
				return nil, p.errAt(line, words[0].col, "indented operation %s outside a guest, hypervisor or peer block", quote(words[0].text))
			}
			if !validName(words[0].text) {
				return nil, p.nameErr(line, words[0], "operation", "a verb")
			}
			args, err := parseArgs(words[1:], line)
			if err != nil {
				return nil, p.wrapf(line, err, "%s: ", clip(words[0].text))
			}
			cur.Ops = append(cur.Ops, Op{Verb: words[0].text, Args: args, Line: line, Col: words[0].col})
			continue
		}
		cur = nil
		if err := p.directive(s, &cur, words, line); err != nil {
			return nil, err
		}
	}
	if s.Name == "" {
		return nil, p.errAt(1, 0, "missing `scenario NAME` line")
	}
	for _, a := range s.Actors {
		if len(a.Ops) == 0 {
			return nil, p.errAt(a.Line, a.NameCol, "%s %s has no operations", a.Kind, a.Name)
		}
	}
	s.Hash = CanonicalHash(s)
	return s, nil
}

// CanonicalHash is the short hash of the scenario's parsed form (its
// Format output): what a schedule file records, so that comments, blank
// lines and spacing can change without making schedules stale.
func CanonicalHash(s *Scenario) string {
	sum := sha256.Sum256([]byte(s.Format()))
	return hex.EncodeToString(sum[:8])
}

type scenarioParser struct {
	file string
	// seen holds the line of each directive that may appear once.
	seen map[string]int
}

func (p *scenarioParser) errAt(line, col int, format string, args ...any) error {
	return &ParseError{File: p.file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// wrap turns a lexer error into a positioned ParseError.
func (p *scenarioParser) wrap(line int, err error) error {
	return p.wrapf(line, err, "")
}

func (p *scenarioParser) wrapf(line int, err error, prefix string, args ...any) error {
	var ce *colError
	if errors.As(err, &ce) {
		return p.errAt(line, ce.col, fmt.Sprintf(prefix, args...)+"%s", ce.msg)
	}
	return p.errAt(line, 0, fmt.Sprintf(prefix, args...)+"%v", err)
}

// nameErr is the error for a word that is not a valid name: what is wrong
// with it (a NUL or control byte, a byte-order mark, a character a name may
// not hold) and where.
func (p *scenarioParser) nameErr(line int, w word, what, want string) error {
	off, bad := nameProblem(w.text)
	col := w.col
	if !w.quoted {
		col += off
	}
	return p.errAt(line, col, "%s %s: %s at %d:%d (want %s of letters, digits, '-', '_', '.', ':' or '/')", what, quote(w.text), bad, line, col, want)
}

// once refuses a second line of a directive that may appear only once.
func (p *scenarioParser) once(what string, line int) error {
	if first, ok := p.seen[what]; ok {
		return p.errAt(line, 1, "%s: given twice (first at line %d)", what, first)
	}
	p.seen[what] = line
	return nil
}

func (p *scenarioParser) directive(s *Scenario, cur **Program, w []word, line int) error {
	rest := w[1:]
	head := w[0].text
	switch head {
	case "scenario", "question", "vfs", "queues":
		if err := p.once(head, line); err != nil {
			return err
		}
	}
	switch head {
	case "scenario":
		if len(rest) != 1 {
			return p.errAt(line, w[0].col, "scenario: want one name of letters, digits, '-', '_', '.', ':' or '/'")
		}
		if !validName(rest[0].text) {
			return p.nameErr(line, rest[0], "scenario: name", "a name")
		}
		s.Name = rest[0].text
	case "question":
		n, err := p.intArg(w, line, 0, MaxQuestion)
		if err != nil {
			return err
		}
		s.Question = n
	case "requirements":
		for _, r := range rest {
			s.Requirements = append(s.Requirements, r.text)
			s.RequirementPos = append(s.RequirementPos, Pos{line, r.col})
		}
	case "vfs":
		n, err := p.intArg(w, line, 1, MaxVFs)
		if err != nil {
			return err
		}
		s.VFs = n
	case "queues":
		n, err := p.intArg(w, line, 1, MaxQueues)
		if err != nil {
			return err
		}
		s.Queues = n
	case "set":
		args, err := parseArgs(rest, line)
		if err != nil {
			return p.wrapf(line, err, "set: ")
		}
		for _, a := range args {
			if a.Key == "" {
				return p.errAt(line, a.Pos.Col, "set: %s is not key=value", quote(a.Value))
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
		e, err := p.expect(w, line)
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
		if strings.HasPrefix(head, byteOrderMark) {
			return p.errAt(line, w[0].col, "byte-order mark (U+FEFF) at %d:%d: only the start of the file may hold one (two files joined?)", line, w[0].col)
		}
		return p.errAt(line, w[0].col, "unknown directive %s (want %s)%s", quote(head), strings.Join(directives, ", "), didYouMean(head, directives))
	}
	return nil
}

// intArg reads the one number after a directive, in [lo, hi].
func (p *scenarioParser) intArg(w []word, line, lo, hi int) (int, error) {
	what := w[0].text
	if len(w) != 2 {
		return 0, p.errAt(line, w[0].col, "%s: want one number %d..%d", what, lo, hi)
	}
	n, err := ParseNumber(w[1].text, int64(lo), int64(hi))
	if err != nil {
		return 0, p.errAt(line, w[1].col, "%s %s: %v", what, echo(w[1].text), err)
	}
	return int(n), nil
}

func (p *scenarioParser) program(w []word, line int) (*Program, error) {
	kind := map[string]ActorKind{"guest": ActorGuest, "hypervisor": ActorHypervisor, "peer": ActorPeer}[w[0].text]
	prog := &Program{Kind: kind, Name: w[0].text, Line: line, NameCol: w[0].col}
	rest := w[1:]
	if kind != ActorHypervisor && len(rest) > 0 && !strings.Contains(rest[0].text, "=") {
		if !validName(rest[0].text) {
			return nil, p.nameErr(line, rest[0], w[0].text+": name", "a name")
		}
		prog.Name, prog.NameCol = rest[0].text, rest[0].col
		rest = rest[1:]
	}
	args, err := parseArgs(rest, line)
	if err != nil {
		return nil, p.wrapf(line, err, "%s: ", w[0].text)
	}
	for _, a := range args {
		if a.Key == "edition" {
			if prog.Edition != 0 {
				return nil, p.errAt(line, a.Pos.Col, "%s: edition given twice", w[0].text)
			}
			e, err := parseEdition(a.Value)
			if err != nil {
				return nil, p.errAt(line, a.Pos.Col, "%s: %v", w[0].text, err)
			}
			prog.Edition = e
			continue
		}
		prog.Args = append(prog.Args, a)
	}
	return prog, nil
}

// parseEdition parses an edition name with a suggestion for a near miss.
func parseEdition(s string) (spec.Edition, error) {
	if e, err := spec.ParseEdition(s); err == nil {
		return e, nil
	}
	names := make([]string, len(spec.Editions))
	for i, e := range spec.Editions {
		names[i] = e.String()
	}
	return 0, fmt.Errorf("unknown edition %s (want %s)%s", quote(s), strings.Join(names, " or "), didYouMean(s, names))
}

// CheckKnob checks one key=value knob against spec's knobs, with a
// suggestion for a near miss.
func CheckKnob(kv string) error {
	name, value, ok := strings.Cut(kv, "=")
	if !ok {
		return fmt.Errorf("knob %s: want key=value", quote(kv))
	}
	var names []string
	for _, k := range spec.Knobs {
		names = append(names, k.Name)
		if k.Name != name {
			continue
		}
		for _, v := range k.Values {
			if v == value {
				return nil
			}
		}
		return fmt.Errorf("knob %s: unknown value %s (allowed: %s)%s", name, quote(value), strings.Join(k.Values, ", "), didYouMean(value, k.Values))
	}
	return fmt.Errorf("unknown knob %s (knobs: %s)%s", quote(name), strings.Join(names, ", "), didYouMean(name, names))
}

// verdictWords are the verdicts of an expect line.
var verdictWords = []string{"pass", "violation", "error", "n/a"}

// expect EDITION [knob=value …] [set:key=value …] [proof=N] [proof-bound=B] pass | violation ORACLE | error NAME | n/a [WORD] [-- note]
func (p *scenarioParser) expect(w []word, line int) (Expectation, error) {
	e := Expectation{Line: line}
	rest := w[1:]
	if len(rest) < 2 {
		return e, p.errAt(line, w[0].col, "expect: want EDITION [knob=value…] pass|violation ORACLE|error NAME|n/a")
	}
	ed, err := parseEdition(rest[0].text)
	if err != nil {
		return e, p.errAt(line, rest[0].col, "expect: %v", err)
	}
	e.Edition = ed
	i := 1
	for ; i < len(rest) && strings.Contains(rest[i].text, "="); i++ {
		if k, ok := strings.CutPrefix(rest[i].text, "set:"); ok {
			key, val, _ := strings.Cut(k, "=")
			if !validName(key) {
				return e, p.errAt(line, rest[i].col, "expect: set:%s: bad key %s", echo(k), quote(key))
			}
			e.Settings = append(e.Settings, Arg{Key: key, Value: val, Pos: Pos{line, rest[i].col + len("set:")}})
			continue
		}
		if key, val, _ := strings.Cut(rest[i].text, "="); key == "proof" || key == "proof-bound" {
			if err := e.setProof(key, val, rest[i].col); err != nil { // key is proof or proof-bound
				return e, p.errAt(line, rest[i].col, "expect: %s: %v", keyLabel(key, val, err), err)
			}
			continue
		}
		// Which knobs and values exist is Check's to say, with the file's
		// other problems; the syntax is the parser's.
		if key, val, _ := strings.Cut(rest[i].text, "="); !validName(key) || !validName(val) {
			return e, p.errAt(line, rest[i].col, "expect: knob %s: want NAME=VALUE (letters, digits, '-', '_', '.', ':' or '/')", quote(rest[i].text))
		}
		e.Knobs = append(e.Knobs, rest[i].text)
		e.KnobCols = append(e.KnobCols, rest[i].col)
	}
	if i >= len(rest) {
		return e, p.errAt(line, w[0].col, "expect: missing verdict (pass, violation ORACLE, error NAME or n/a)")
	}
	switch rest[i].text {
	case "pass":
		e.Verdict = VerdictPass
		i++
	case "n/a":
		// n/a WORD: the verb or mode the edition lacks, which the judge
		// checks the scenario's flow stops on.
		e.Verdict = VerdictNA
		i++
		if i < len(rest) && rest[i].text != "--" {
			e.Oracle, e.OracleCol = rest[i].text, rest[i].col
			i++
		}
	case "violation", "error":
		e.Verdict = VerdictViolation
		if rest[i].text == "error" {
			e.Verdict = VerdictError
		}
		if i+1 >= len(rest) || rest[i+1].text == "--" {
			return e, p.errAt(line, rest[i].col, "expect: %s needs a name", rest[i].text)
		}
		e.Oracle, e.OracleCol = rest[i+1].text, rest[i+1].col
		i += 2
	default:
		return e, p.errAt(line, rest[i].col, "expect: unknown verdict %s (want pass, violation, error or n/a)%s",
			quote(rest[i].text), didYouMean(rest[i].text, verdictWords))
	}
	if (e.Proof > 0 || e.ProofBound > 0) && e.Verdict != VerdictPass {
		return e, p.errAt(line, e.ProofCol, "%s", proofNotPass(e.Verdict))
	}
	if i < len(rest) {
		if rest[i].text != "--" {
			return e, p.errAt(line, rest[i].col, "expect: unexpected %s after the verdict (a note starts with --)", quote(rest[i].text))
		}
		notes := make([]string, 0, len(rest)-i-1)
		for _, n := range rest[i+1:] {
			notes = append(notes, n.text)
		}
		e.Note = strings.Join(notes, " ")
	}
	return e, nil
}

// proofNotPass is the error of proof= or proof-bound= on a row that is not
// a pass row.
func proofNotPass(v Verdict) string {
	return fmt.Sprintf("expect: proof= and proof-bound= are a pass row's (its proof); a %s row is cross-checked instead", v)
}

// setProof parses an expect line's proof=N (1..MaxSchedules) or
// proof-bound=B (DefaultProofBound..MaxBound), each at most once.
func (e *Expectation) setProof(key, val string, col int) error {
	var err error
	switch key {
	case "proof":
		if e.Proof > 0 {
			return fmt.Errorf("given twice")
		}
		e.Proof, err = boundedInt(val, 1, MaxSchedules)
	default:
		if e.ProofBound > 0 {
			return fmt.Errorf("given twice")
		}
		e.ProofBound, err = boundedInt(val, DefaultProofBound, MaxBound)
	}
	if err != nil {
		return err
	}
	if e.ProofCol == 0 {
		e.ProofCol = col
	}
	return nil
}

// budgetKeys are the keys of an explore line.
var budgetKeys = []string{"edition", "strategy", "schedules", "bound", "depth", "seed", "reduction", "proof", "proof-bound"}

// explore [edition=E] strategy=S schedules=N [bound=B] [depth=D] [seed=S] [reduction=R] [proof=N] [proof-bound=B]
func (p *scenarioParser) budget(rest []word, line int) (Budget, error) {
	b := Budget{Line: line, Strategy: "random", Schedules: 1, Depth: 3, Seed: 1}
	args, err := parseArgs(rest, line)
	if err != nil {
		return b, p.wrapf(line, err, "explore: ")
	}
	seen := map[string]bool{}
	var boundAt, depthAt, reductionAt, proofAt, proofBoundAt int
	b.Proof = DefaultProofRuns
	for _, a := range args {
		if a.Key == "" {
			return b, p.errAt(line, a.Pos.Col, "explore: %s is not key=value (keys: %s)", quote(a.Value), strings.Join(budgetKeys, ", "))
		}
		if seen[a.Key] {
			return b, p.errAt(line, a.Pos.Col, "explore: %s given twice", clip(a.Key))
		}
		seen[a.Key] = true
		var err error
		switch a.Key {
		case "edition":
			b.Edition, err = parseEdition(a.Value)
		case "strategy":
			switch a.Value {
			case "random", "pct", "dfs":
				b.Strategy = a.Value
			default:
				err = fmt.Errorf("unknown strategy %s (want random, pct or dfs)%s", quote(a.Value), didYouMean(a.Value, []string{"random", "pct", "dfs"}))
			}
		case "schedules":
			b.Schedules, err = boundedInt(a.Value, 1, MaxSchedules)
		case "bound":
			b.Bound, err = boundedInt(a.Value, -1, MaxBound)
			boundAt = a.Pos.Col
		case "depth":
			b.Depth, err = boundedInt(a.Value, 1, MaxDepth)
			depthAt = a.Pos.Col
		case "seed":
			b.Seed, err = parseUnsigned(a.Value)
		case "reduction":
			b.Reduction = a.Value
			reductionAt = a.Pos.Col
			if !slices.Contains(Reductions, a.Value) {
				err = fmt.Errorf("unknown reduction %s (want %s)%s", quote(a.Value), strings.Join(Reductions, ", "), didYouMean(a.Value, Reductions))
			}
		case "proof":
			b.Proof, err = boundedInt(a.Value, 0, MaxSchedules)
			proofAt = a.Pos.Col
		case "proof-bound":
			b.ProofBound, err = boundedInt(a.Value, DefaultProofBound, MaxBound)
			if b.ProofBound == DefaultProofBound {
				b.ProofBound = 0 // the default: formats to nothing and parses back the same
			}
			proofBoundAt = a.Pos.Col
		default:
			err = fmt.Errorf("unknown key %s (want %s)%s", quote(a.Key), strings.Join(budgetKeys, ", "), didYouMean(a.Key, budgetKeys))
		}
		if err != nil {
			return b, p.errAt(line, a.Pos.Col, "explore: %s: %v", keyLabel(clip(a.Key), a.Value, err), err)
		}
	}
	if boundAt > 0 && b.Strategy != "dfs" {
		return b, p.errAt(line, boundAt, "explore: bound: only dfs has a preemption bound (strategy %s ignores it)", b.Strategy)
	}
	if reductionAt > 0 && b.Strategy != "dfs" {
		return b, p.errAt(line, reductionAt, "explore: reduction: only dfs has a reduction (strategy %s ignores it)", b.Strategy)
	}
	if depthAt > 0 && b.Strategy != "pct" {
		return b, p.errAt(line, depthAt, "explore: depth: only pct has a depth (strategy %s ignores it)", b.Strategy)
	}
	if b.Strategy == "dfs" {
		if proofAt > 0 {
			return b, p.errAt(line, proofAt, "explore: proof: a dfs line proves its pass rows itself (proof= is for random and pct)")
		}
		if proofBoundAt > 0 {
			return b, p.errAt(line, proofBoundAt, "explore: proof-bound: a dfs line proves its pass rows at its own bound= (proof-bound= is for random and pct)")
		}
		b.Proof = 0
	}
	return b, nil
}

// boundedInt parses a number of the scenario language (ParseNumber) in
// [lo, hi].
func boundedInt(s string, lo, hi int) (int, error) {
	n, err := ParseNumber(s, int64(lo), int64(hi))
	return int(n), err
}

// keyLabel names a key=value of an explore or expect line in an error: the
// key, and its value as written when the value is a number that does not
// read ("schedules=0x"; "strategy" for other errors, which name the value
// themselves).
func keyLabel(key, val string, err error) string {
	var ne *NumberError
	if errors.As(err, &ne) {
		return key + "=" + echo(val)
	}
	return key
}
