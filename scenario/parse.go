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
// knobs as NAME=VALUE, verdicts, budgets); Check then checks names and
// values against the world's vocabulary (the knobs against spec's). A
// problem that leaves the rest of the file readable (a bad value of a
// header directive, a directive given twice, a bad set, expect or explore
// line, a block without operations) is recorded and the parse goes on;
// any other stops it there. The error is a *ParseError for one problem, a
// *CheckError listing them in file order for more. ParseAndCheck reports
// them together with Check's.
func ParseScenario(file string, src []byte) (*Scenario, error) {
	s, probs := parse(file, src)
	if len(probs) > 0 {
		return nil, problemsError(probs)
	}
	return s, nil
}

// ParseAndCheck parses a scenario file (ParseScenario) and checks it
// against v (Check), and reports every problem of both at once, in file
// order (docs/scenarios.md, "Checked at load"): a problem of the syntax
// that leaves the rest readable does not hide the rest's. A check that
// depends on what such a problem left unread is skipped (see parse). The
// error is a *ParseError or a *CheckError, as ParseScenario's.
func ParseAndCheck(file string, src []byte, v *Vocabulary) (*Scenario, error) {
	s, probs := parse(file, src)
	if s == nil {
		return nil, problemsError(probs)
	}
	if err := check(s, v, 0, probs); err != nil {
		return nil, err
	}
	return s, nil
}

// problemsError is the error of a parse's problems: the one, or a
// *CheckError listing them.
func problemsError(probs []*ParseError) error {
	if len(probs) == 1 {
		return probs[0]
	}
	return &CheckError{Problems: probs}
}

// parse parses a scenario file and returns it with its problems, in file
// order. The scenario is nil when a problem stopped the parse; with
// problems that did not, it is what the rest of the file says, for Check
// to check, and nothing else may use it. What a problem left unread is
// marked so that the checks that depend on it are skipped: a bad or
// repeated vfs or queues leaves VFs or Queues 0 (Context's "unchecked"),
// an expect line whose edition is unknown has Edition 0, and a broken
// explore line is left out and sets unreadExplore.
func parse(file string, src []byte) (*Scenario, []*ParseError) {
	p := &scenarioParser{file: file, seen: map[string]int{}}
	sum := sha256.Sum256(src)
	s := &Scenario{File: file, Source: string(src), SourceHash: hex.EncodeToString(sum[:8]), VFs: 1, Queues: 1}
	var cur *Program
	content := false // a line that is neither blank nor only a comment
	// A byte-order mark some editors write at the start of a UTF-8 file
	// says nothing: it is skipped, and columns of the first line count
	// from after it, as the editor shows them.
	body := strings.TrimPrefix(string(src), byteOrderMark)
	for i, raw := range strings.Split(body, "\n") {
		line := i + 1
		if col, what := controlByte(raw); col > 0 {
			return p.stop(p.errAt(line, col, "%s at %d:%d: a scenario is text (inside a quoted string, write it as an escape such as \\x00)", what, line, col))
		}
		text := cutComment(raw)
		if strings.TrimSpace(text) == "" {
			continue
		}
		content = true
		indented := text[0] == ' ' || text[0] == '\t'
		if !indented {
			if head, rest, _ := strings.Cut(text, " "); head == "title" || head == "explain" {
				cur = nil
				p.prose(s, head, rest, text, line)
				continue
			}
		}
		words, err := lexWords(text)
		if err != nil {
			return p.stop(p.wrap(line, err))
		}
		if indented {
			if cur == nil {
				return p.stop(p.errAt(line, words[0].col, "indented operation %s outside a guest, hypervisor or peer block", quote(words[0].text)))
			}
			if !validName(words[0].text) {
				return p.stop(p.nameErr(line, words[0], "operation", "a verb"))
			}
			// An operation left out would make Check's other findings
			// about its block unreliable (a block without operations, an
			// await nobody signals): the parse stops, with every bad key
			// of the line.
			args, bad := parseArgs(words[1:], line)
			if len(bad) > 0 {
				p.keepCols(line, bad, "%s: ", clip(words[0].text))
				return nil, sortProblems(p.probs)
			}
			cur.Ops = append(cur.Ops, Op{Verb: words[0].text, Args: args, Line: line, Col: words[0].col})
			continue
		}
		p.block, cur = cur, nil
		if !p.directive(s, &cur, words, line) {
			return nil, sortProblems(p.probs)
		}
	}
	p.checkExplain(s)
	// A scenario line that is there but broken has been reported.
	if _, named := p.seen["scenario"]; !named && !content {
		p.keep(p.errAt(1, 0, "the file holds no scenario (it is empty, or only blank lines and comments): a scenario starts with a `scenario NAME` line"))
	} else if !named {
		p.keep(p.errAt(1, 0, "missing `scenario NAME` line"))
	}
	for _, a := range s.Actors {
		if len(a.Ops) == 0 {
			p.keep(p.errAt(a.Line, a.NameCol, "%s %s has no operations", a.Kind, a.Name))
		}
	}
	if len(p.probs) > 0 {
		return s, sortProblems(p.probs)
	}
	s.Hash = CanonicalHash(s)
	return s, nil
}

// sortProblems sorts problems into file order (line, then column; stable,
// so that problems at one position keep the order they were found in).
func sortProblems(probs []*ParseError) []*ParseError {
	slices.SortStableFunc(probs, func(a, b *ParseError) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Col - b.Col
	})
	return probs
}

// CanonicalHash is the short hash of the scenario's parsed form (its
// Format output): what a schedule file records, so that comments, blank
// lines and spacing can change without making schedules stale.
func CanonicalHash(s *Scenario) string {
	sum := sha256.Sum256([]byte(s.Format()))
	return hex.EncodeToString(sum[:8])
}

// RunHash is the short hash of what a run of the scenario depends on: its
// parsed form without the prose (title, question, explain lines) and
// without the expect and explore lines, which say what to run and what to
// expect but not how a run goes. A run is built from the scenario's VFs,
// queues, settings and actors and from the edition, knobs and settings a
// schedule records itself, so a schedule file (format 4 on) records this
// hash: rewording an explanation or adding a row does not make the
// scenario's schedules stale, while any change to an actor does. The
// requirements stay in: a finding's report names them.
func RunHash(s *Scenario) string {
	c := *s
	c.Question, c.Title, c.Explain, c.Expect, c.Explore = 0, "", nil, nil, nil
	sum := sha256.Sum256([]byte(c.Format()))
	return hex.EncodeToString(sum[:8])
}

type scenarioParser struct {
	file string
	// seen holds the line of each directive that may appear once.
	seen map[string]int
	// probs are the problems found so far, in the order found.
	probs []*ParseError
	// block is the actor block an unindented line follows directly (nil
	// after any other line): an unknown directive there may be one of its
	// operations written without the indent.
	block *Program
	// explain counts the bytes of the explain lines read so far, and
	// explainPast is where they first passed MaxExplain (line 0: not).
	explain                 int
	explainPast, explainCol int
}

// keep records a problem (a *ParseError from errAt and its kin).
func (p *scenarioParser) keep(err error) {
	var pe *ParseError
	if !errors.As(err, &pe) {
		pe = &ParseError{File: p.file, Msg: err.Error()}
	}
	p.probs = append(p.probs, pe)
}

// keepCols records problems at columns of line, each message after prefix.
func (p *scenarioParser) keepCols(line int, bad []*colError, prefix string, args ...any) {
	for _, ce := range bad {
		p.keep(p.wrapf(line, ce, prefix, args...))
	}
}

// stop records the problem that stops the parse and returns parse's
// result for it.
func (p *scenarioParser) stop(err error) (*Scenario, []*ParseError) {
	p.keep(err)
	return nil, sortProblems(p.probs)
}

// fail records the problem that stops the parse and returns false, for
// directive.
func (p *scenarioParser) fail(err error) bool {
	p.keep(err)
	return false
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
	if validChars(w.text) { // too long
		return p.errAt(line, w.col, "%s %s at %d:%d: %s", what, quote(w.text), line, w.col, longName(w.text))
	}
	off, bad := nameProblem(w.text)
	col := w.col
	if !w.quoted {
		col += off
	}
	return p.errAt(line, col, "%s %s: %s at %d:%d (want %s of ASCII letters, digits, '-', '_', '.', ':' or '/')", what, quote(w.text), bad, line, col, want)
}

// once records a second line of a directive that may appear only once as
// a problem and returns false for it: the line is left out.
func (p *scenarioParser) once(what string, line int) bool {
	if first, ok := p.seen[what]; ok {
		p.keep(p.errAt(line, 1, "%s: given twice (first at line %d)", what, first))
		return false
	}
	p.seen[what] = line
	return true
}

// directive reads one unindented line. A problem that leaves the rest of
// the file readable is recorded (keep) and the line left out, or the part
// of it the problem is in; it returns false when a problem stops the parse
// (recorded with fail).
func (p *scenarioParser) directive(s *Scenario, cur **Program, w []word, line int) bool {
	rest := w[1:]
	head := w[0].text
	switch head {
	case "scenario", "question", "vfs", "queues":
		if !p.once(head, line) {
			// Which of two counts the author meant is unknown: the
			// checks against it are skipped (0 leaves Context's count
			// unchecked).
			switch head {
			case "vfs":
				s.VFs = 0
			case "queues":
				s.Queues = 0
			}
			return true
		}
	}
	switch head {
	case "scenario":
		if len(rest) != 1 {
			p.keep(p.errAt(line, w[0].col, "scenario: want one name of ASCII letters, digits, '-', '_', '.', ':' or '/'"))
			return true
		}
		if !validName(rest[0].text) {
			p.keep(p.nameErr(line, rest[0], "scenario: name", "a name"))
			return true
		}
		s.Name = rest[0].text
	case "question":
		n, err := p.intArg(w, line, 0, MaxQuestion)
		if err != nil {
			p.keep(err)
			return true
		}
		s.Question = n
	case "requirements":
		for _, r := range rest {
			s.Requirements = append(s.Requirements, r.text)
			s.RequirementPos = append(s.RequirementPos, Pos{line, r.col})
		}
	case "vfs":
		// A bad count leaves VFs 0: the VF references are checked against
		// the language's limit only, not against a count nobody wrote.
		n, err := p.intArg(w, line, 1, MaxVFs)
		if err != nil {
			p.keep(err)
		}
		s.VFs = n
	case "queues":
		// As vfs: a bad count leaves Queues 0, and queue references are
		// checked against the language's limit only.
		n, err := p.intArg(w, line, 1, MaxQueues)
		if err != nil {
			p.keep(err)
		}
		s.Queues = n
	case "set":
		// Every bad word of the line is reported; the good settings are
		// kept and checked (no other setting's check needs a key that is
		// not a name, or a word without a value).
		args, bad := parseArgs(rest, line)
		p.keepCols(line, bad, "set: ")
		for _, a := range args {
			if a.Key == "" {
				p.keep(p.errAt(line, a.Pos.Col, "set: %s is not key=value", quote(a.Value)))
				continue
			}
			s.Settings = append(s.Settings, a)
		}
	case "guest", "hypervisor", "peer":
		// A block left out would make its operations unreadable: the
		// parse stops.
		prog, ok := p.program(w, line)
		if !ok {
			return false
		}
		s.Actors = append(s.Actors, prog)
		*cur = prog
	case "expect":
		// A broken expect line is left out: the other rows and the
		// programs are checked as without it (the editions the programs
		// are checked under are those of the rows that remain).
		e, err := p.expect(w, line)
		if err != nil {
			p.keep(err)
			return true
		}
		s.Expect = append(s.Expect, e)
	case "explore":
		b, ok := p.budget(rest, line, w[0].col)
		if !ok {
			// Which budget a row runs under (BudgetFor) depends on the
			// line left out: Check skips its checks of the rows' proofs.
			s.unreadExplore = true
			return true
		}
		s.Explore = append(s.Explore, b)
	default:
		if strings.HasPrefix(head, byteOrderMark) {
			return p.fail(p.errAt(line, w[0].col, "byte-order mark (U+FEFF) at %d:%d: only the start of the file may hold one (two files joined?)", line, w[0].col))
		}
		// An unknown directive may be a misspelt block header: the
		// operations after it would be unreadable.
		hint := didYouMean(head, directives)
		if strings.HasPrefix(head, "{") && len(s.Actors) == 0 && len(p.seen) == 0 {
			hint = "; the file reads as JSON, not as a scenario (migsim replay reads a schedule file, migsim merge a shard summary)"
		} else if hint == "" && p.block != nil {
			hint = fmt.Sprintf("; an operation of the block at line %d? operation lines are indented", p.block.Line)
		}
		return p.fail(p.errAt(line, w[0].col, "unknown directive %s (want %s)%s", quote(head), strings.Join(directives, ", "), hint))
	}
	return true
}

// intArg reads the one number after a directive, in [lo, hi].
func (p *scenarioParser) intArg(w []word, line, lo, hi int) (int, error) {
	what := w[0].text
	if len(w) > 2 {
		return 0, p.errAt(line, w[2].col, "%s: %s after the number: want one number %d..%d", what, quote(w[2].text), lo, hi)
	}
	if len(w) != 2 {
		return 0, p.errAt(line, w[0].col, "%s: want one number %d..%d", what, lo, hi)
	}
	n, err := ParseNumber(w[1].text, int64(lo), int64(hi))
	if err != nil {
		return 0, p.errAt(line, w[1].col, "%s %s: %v", what, echo(w[1].text), err)
	}
	return int(n), nil
}

// program reads a block's first line; false when a problem (recorded)
// stops the parse: a block that cannot be read makes its operations
// unreadable.
func (p *scenarioParser) program(w []word, line int) (*Program, bool) {
	kind := map[string]ActorKind{"guest": ActorGuest, "hypervisor": ActorHypervisor, "peer": ActorPeer}[w[0].text]
	prog := &Program{Kind: kind, Name: w[0].text, Line: line, NameCol: w[0].col}
	rest := w[1:]
	if kind != ActorHypervisor && len(rest) > 0 && !strings.Contains(rest[0].text, "=") {
		if !validName(rest[0].text) {
			return nil, p.fail(p.nameErr(line, rest[0], w[0].text+": name", "a name"))
		}
		prog.Name, prog.NameCol = rest[0].text, rest[0].col
		rest = rest[1:]
	}
	args, bad := parseArgs(rest, line)
	if len(bad) > 0 {
		p.keepCols(line, bad, "%s: ", w[0].text)
		return nil, false
	}
	for _, a := range args {
		if a.Key == "edition" {
			if prog.Edition != 0 {
				return nil, p.fail(p.errAt(line, a.Pos.Col, "%s: edition given twice", w[0].text))
			}
			e, err := parseEdition(a.Value)
			if err != nil {
				return nil, p.fail(p.errAt(line, a.Pos.Col, "%s: %v", w[0].text, err))
			}
			prog.Edition = e
			continue
		}
		prog.Args = append(prog.Args, a)
	}
	return prog, true
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
func CheckKnob(kv string) error { return checkKnob(kv, nil) }

// CheckKnobFor is CheckKnob for a knob of edition ed: an unknown knob's
// error lists and suggests ed's knobs only. Whether a known knob applies
// to ed is spec.CheckKnobApplies's to say.
func CheckKnobFor(kv string, ed spec.Edition) error {
	return checkKnob(kv, spec.KnobNamesFor(ed))
}

// checkKnob is CheckKnob with the knobs an unknown one is told of (nil:
// every knob).
func checkKnob(kv string, of []string) error {
	name, value, ok := strings.Cut(kv, "=")
	if k, known := knobNamed(name); !ok && known {
		return fmt.Errorf("knob %s without a value: want %s=VALUE (allowed: %s)", k.Name, k.Name, strings.Join(k.Values, ", "))
	}
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
	if of != nil {
		names = of
	}
	return fmt.Errorf("unknown knob %s (knobs: %s)%s", quote(name), strings.Join(names, ", "), didYouMean(name, names))
}

// knobNamed returns the spec knob called name, if there is one.
func knobNamed(name string) (spec.Knob, bool) {
	for _, k := range spec.Knobs {
		if k.Name == name {
			return k, true
		}
	}
	return spec.Knob{}, false
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
		// The rest of the line is read and kept with Edition 0, so that
		// its oracle, knobs and settings are checked too; the checks that
		// depend on the edition skip it (Check's runEditions and
		// expectationProof).
		p.keep(p.errAt(line, rest[0].col, "expect: %v", err))
	}
	e.Edition = ed
	i := 1
	for ; i < len(rest) && strings.Contains(rest[i].text, "="); i++ {
		if k, ok := strings.CutPrefix(rest[i].text, "set:"); ok {
			key, val, _ := strings.Cut(k, "=")
			if !validChars(key) {
				return e, p.errAt(line, rest[i].col, "expect: set:%s: bad key %s", echo(k), quote(key))
			}
			if long := longName(key); long != "" {
				return e, p.errAt(line, rest[i].col, "expect: set: key %s: %s", quote(key), long)
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
		if key, val, _ := strings.Cut(rest[i].text, "="); !validChars(key) || !validChars(val) {
			return e, p.errAt(line, rest[i].col, "expect: knob %s: want NAME=VALUE (ASCII letters, digits, '-', '_', '.', ':' or '/')", quote(rest[i].text))
		} else if long := longName(key); long != "" {
			return e, p.errAt(line, rest[i].col, "expect: knob key %s: %s", quote(key), long)
		} else if long := longName(val); long != "" {
			return e, p.errAt(line, rest[i].col, "expect: knob %s=: value %s: %s", key, quote(val), long)
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
		if k, ok := knobNamed(rest[i].text); ok {
			// A knob written without its value would otherwise read as an
			// unknown verdict, which hides what the line lacks.
			return e, p.errAt(line, rest[i].col, "expect: knob %s without a value: write %s=VALUE (allowed: %s) before the verdict",
				k.Name, k.Name, strings.Join(k.Values, ", "))
		}
		return e, p.errAt(line, rest[i].col, "expect: unknown verdict %s (want pass, violation, error or n/a)%s",
			quote(rest[i].text), didYouMean(rest[i].text, verdictWords))
	}
	if (e.Proof > 0 || e.ProofBound > 0) && e.Verdict != VerdictPass {
		return e, p.errAt(line, e.ProofCol, "%s", proofNotPass(e.Verdict))
	}
	if i < len(rest) {
		if rest[i].text != "--" {
			if strings.Contains(rest[i].text, "=") {
				// A knob, set: or proof= written last, as a flag might be.
				return e, p.errAt(line, rest[i].col, "expect: %s after the verdict: knobs, set: settings, proof= and proof-bound= come before it (expect EDITION [knob=value…] VERDICT [-- note])", quote(rest[i].text))
			}
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
//
// Every problem of the line is recorded (keep), in file order once sorted;
// false when there was one. col is the directive's column, where a
// missing schedules= (and a dfs line's missing bound=) is reported: a line
// without it (a line cut short, or one that meant a default) would explore
// a single schedule, or give a dfs search a budget of one run (or no
// preemption), and say nothing of it.
func (p *scenarioParser) budget(rest []word, line, col int) (Budget, bool) {
	b := Budget{Line: line, Strategy: "random", Schedules: 1, Depth: 3, Seed: 1}
	before := len(p.probs)
	args, bad := parseArgs(rest, line)
	p.keepCols(line, bad, "explore: ")
	seen := map[string]bool{}
	var boundAt, depthAt, reductionAt, proofAt, proofBoundAt int
	strategyBad := false
	b.Proof = DefaultProofRuns
	for _, a := range args {
		if a.Key == "" {
			p.keep(p.errAt(line, a.Pos.Col, "explore: %s is not key=value (keys: %s)", quote(a.Value), strings.Join(budgetKeys, ", ")))
			continue
		}
		if seen[a.Key] {
			p.keep(p.errAt(line, a.Pos.Col, "explore: %s given twice", clip(a.Key)))
			continue
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
				strategyBad = true
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
			p.keep(p.errAt(line, a.Pos.Col, "explore: %s: %v", keyLabel(clip(a.Key), a.Value, err), err))
		}
	}
	if !seen["schedules"] {
		p.keep(p.errAt(line, col, "explore: schedules= missing: want schedules=N (1..%d): the schedules a random or pct line runs, a dfs line's run budget", MaxSchedules))
	}
	// Which keys the strategy takes depends on the strategy: with an
	// unknown one, the keys are not checked against it.
	if strategyBad {
		return b, false
	}
	if boundAt > 0 && b.Strategy != "dfs" {
		p.keep(p.errAt(line, boundAt, "explore: bound: only dfs has a preemption bound (strategy %s ignores it)", b.Strategy))
	}
	if reductionAt > 0 && b.Strategy != "dfs" {
		p.keep(p.errAt(line, reductionAt, "explore: reduction: only dfs has a reduction (strategy %s ignores it)", b.Strategy))
	}
	if depthAt > 0 && b.Strategy != "pct" {
		p.keep(p.errAt(line, depthAt, "explore: depth: only pct has a depth (strategy %s ignores it)", b.Strategy))
	}
	if b.Strategy == "dfs" {
		if !seen["bound"] {
			p.keep(p.errAt(line, col, "explore: bound= missing: a dfs line wants bound=B (-1..%d, -1 for none), its preemption bound: without one it would search no preemption at all (bound 0) and prove its pass rows there", MaxBound))
		}
		if proofAt > 0 {
			p.keep(p.errAt(line, proofAt, "explore: proof: a dfs line proves its pass rows itself (proof= is for random and pct)"))
		}
		if proofBoundAt > 0 {
			p.keep(p.errAt(line, proofBoundAt, "explore: proof-bound: a dfs line proves its pass rows at its own bound= (proof-bound= is for random and pct)"))
		}
		b.Proof = 0
	}
	return b, len(p.probs) == before
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
