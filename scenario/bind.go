package scenario

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Context is what arguments are checked against besides their spec: the
// scenario's VF and queue counts and the world's hosts. A zero count or an
// empty host list leaves that kind unchecked beyond its syntax.
type Context struct {
	VFs, Queues int
	Hosts       []string
}

// Values are the arguments of one operation (or one block's attributes)
// checked against their specs: every declared argument, given or at its
// default, in the order of the specs. The world binds an operation every
// time it runs one, so Values is one small slice searched by name, not maps.
type Values struct {
	args []boundArg
}

// boundArg is one declared argument's value.
type boundArg struct {
	name, val string
	given     bool
}

// find returns the named argument, or nil for one not declared.
func (v Values) find(name string) *boundArg {
	for i := range v.args {
		if v.args[i].name == name {
			return &v.args[i]
		}
	}
	return nil
}

// Str returns the argument's value ("" for an optional one without a
// default that was not given).
func (v Values) Str(name string) string {
	if a := v.find(name); a != nil {
		return a.val
	}
	return ""
}

// Int returns the argument's value as an integer (Bind checked it parses).
func (v Values) Int(name string) int64 {
	n, _ := ReadNumber(v.Str(name), math.MinInt64, math.MaxInt64)
	return n
}

// Given reports whether the argument was written (not defaulted).
func (v Values) Given(name string) bool {
	a := v.find(name)
	return a != nil && a.given
}

// argError is a problem with one argument (or word) at a position.
type argError struct {
	pos Pos
	msg string
}

func (e *argError) Error() string { return e.msg }

// Bind checks op's arguments against verb: positional words in order, each
// key known and given once, every value of its kind and in range, every
// required argument present. It returns the values with defaults applied,
// and the first problem (Check reports them all: bindArgs).
// The world runs an operation with the values Bind returns, and Check runs
// Bind at load, so a scenario that loads runs as it was checked.
//
// A binding that succeeds is kept for the process (bind_cache.go); the
// verbs must not change once bound with.
func Bind(verb *VerbSpec, op Op, ctx Context) (Values, error) {
	k := newBindKey(verb, -1, 0, op, ctx)
	if v, ok := keptBinding(k, op); ok {
		return v, nil
	}
	v, err := firstProblem(bindVerb(verb, op, ctx))
	if err == nil {
		keepBinding(k, op, v)
	}
	return v, err
}

// bindVerb binds op's arguments to verb and, when they bind, runs the
// verb's own Check on them.
func bindVerb(verb *VerbSpec, op Op, ctx Context) (Values, []*argError) {
	at := Pos{op.Line, op.Col}
	v, probs := bindArgs(verb.Name, verb.Args, op.Args, ctx, at)
	if r := verb.Resume; r != nil && len(probs) == 0 {
		from, until := slices.Index(r.Points, v.Str(r.From)), slices.Index(r.Points, v.Str(r.Until))
		if from >= 0 && until >= 0 && until <= from {
			probs = []*argError{{pos: argPos(op, r.Until), msg: fmt.Sprintf("%s: %s=%s is not after %s=%s (the points in order: %s)",
				verb.Name, r.Until, v.Str(r.Until), r.From, v.Str(r.From), strings.Join(r.Points, ", "))}}
		}
	}
	if len(probs) == 0 && verb.Check != nil {
		if msg := verb.Check(v, ctx); msg != "" {
			probs = []*argError{{pos: at, msg: verb.Name + ": " + msg}}
		}
	}
	return v, probs
}

// argPos is where op's argument key is written, or op's own place when
// it is not: an error about one argument points at it.
func argPos(op Op, key string) Pos {
	for _, a := range op.Args {
		if a.Key == key {
			return a.Pos
		}
	}
	return Pos{op.Line, op.Col}
}

// BindAttrs checks a block's key=value attributes against specs, as Bind
// does.
func BindAttrs(what string, specs []ArgSpec, args []Arg, ctx Context, at Pos) (Values, error) {
	return firstProblem(bindArgs(what, specs, args, ctx, at))
}

// firstProblem returns the values and the first of the problems, or nil.
func firstProblem(v Values, probs []*argError) (Values, error) {
	if len(probs) > 0 {
		return v, probs[0]
	}
	return v, nil
}

// bindArgs binds args to specs and returns every problem, in the order of
// the arguments (a missing argument last): one edit of the line fixes
// them all (docs/scenarios.md, "Checked at load"). Without a problem it
// allocates nothing but the values, for the world binds an operation every
// time it runs one.
func bindArgs(what string, specs []ArgSpec, args []Arg, ctx Context, at Pos) (Values, []*argError) {
	v := Values{args: make([]boundArg, len(specs))}
	for i := range specs {
		v.args[i].name = specs[i].Name
	}
	var probs []*argError
	// stray says a word or key fits no spec: it may be the required
	// argument misspelt, so a missing one is not reported besides it.
	stray := false
	next := 0 // the next positional spec to fill
	for _, a := range args {
		si := -1
		if a.Key == "" {
			for next < len(specs) && !specs[next].Positional {
				next++
			}
			if next >= len(specs) {
				probs = append(probs, &argError{pos: a.Pos, msg: fmt.Sprintf("%s: unexpected word %s (usage: %s)", what, quote(a.Value), usage(what, specs))})
				stray = true
				continue
			}
			si = next
			next++
		} else {
			for i := range specs {
				if !specs[i].Positional && specs[i].Name == a.Key {
					si = i
				}
			}
			if si < 0 {
				probs = append(probs, &argError{pos: a.Pos, msg: unknownKey(what, a.Key, specs)})
				stray = true
				continue
			}
			if v.args[si].given {
				probs = append(probs, &argError{pos: a.Pos, msg: fmt.Sprintf("%s: %s given twice", what, clip(a.Key))})
				continue
			}
		}
		s := &specs[si]
		// A bad value still gives the argument: it is reported as bad,
		// not also as missing, and a second one as given twice.
		v.args[si].given = true
		val, err := bindValue(s, a.Value, ctx)
		if err != nil {
			probs = append(probs, &argError{pos: a.Pos, msg: fmt.Sprintf("%s: %s %v", what, argLabel(s, a), err)})
			continue
		}
		v.args[si].val = val
	}
	for i := range specs {
		s := &specs[i]
		if v.args[i].given {
			continue
		}
		if s.Required && !stray {
			probs = append(probs, &argError{pos: at, msg: fmt.Sprintf("%s: missing %s (usage: %s)", what, requiredLabel(s), usage(what, specs))})
			continue
		}
		v.args[i].val = s.Default
	}
	return v, probs
}

// unknownKey says that key is not an argument of what, and which are.
func unknownKey(what, key string, specs []ArgSpec) string {
	var keys []string
	for i := range specs {
		if !specs[i].Positional {
			keys = append(keys, specs[i].Name)
		}
	}
	msg := fmt.Sprintf("%s: unknown argument %s=", what, clip(key))
	if len(keys) == 0 {
		return msg + fmt.Sprintf(" (%s takes no key=value arguments)", what)
	}
	return msg + fmt.Sprintf(" (want %s)%s", strings.Join(keys, ", "), didYouMean(key, keys))
}

func usage(what string, specs []ArgSpec) string {
	v := VerbSpec{Name: what, Args: specs}
	return v.Usage()
}

func argLabel(s *ArgSpec, a Arg) string {
	if s.Positional {
		return fmt.Sprintf("%s %s:", s.Name, quote(a.Value))
	}
	return fmt.Sprintf("%s=%s:", a.Key, echo(a.Value))
}

func requiredLabel(s *ArgSpec) string {
	if s.Positional {
		return s.Name
	}
	return s.Name + "=" + s.placeholder()
}

// bindValue checks one value against its spec and returns it.
func bindValue(s *ArgSpec, val string, ctx Context) (string, error) {
	switch s.Kind {
	case ArgInt:
		return val, intInRange(val, s.Min, s.Max)
	case ArgWord:
		for _, w := range s.Values {
			if w == val || (s.Fold && strings.EqualFold(w, val)) {
				return val, nil
			}
		}
		if s.AllowInt {
			if _, ok := ReadNumber(val, math.MinInt64, math.MaxInt64); ok {
				return val, intInRange(val, s.Min, s.Max)
			}
		}
		// errorList names every admin STATUS/QUALIFIER (fails=) by one
		// phrase, as an expect line's error does: 64 combinations would
		// bury the names a person looks for.
		want := errorList(s.Values)
		if s.AllowInt {
			want += fmt.Sprintf(", or a number %d..%d", s.Min, s.Max)
		}
		hint := didYouMean(val, s.Values)
		if hint == "" {
			// Another edition's spelling of the word (stop, stopped) is
			// too far for a typo but shares its stem.
			if w := stemOf(val, s.Values); w != "" {
				hint = "; did you mean " + w + "?"
			}
		}
		return "", fmt.Errorf("want one of %s%s", want, hint)
	case ArgName:
		if long := longName(val); long != "" && validChars(val) {
			return "", errors.New(long)
		}
		if !validName(val) {
			off, bad := nameProblem(val)
			return "", fmt.Errorf("%s at byte %d of the value (want a name of ASCII letters, digits, '-', '_', '.', ':' or '/')", bad, off)
		}
	case ArgHost:
		if len(ctx.Hosts) > 0 && !contains(ctx.Hosts, val) {
			return "", fmt.Errorf("unknown host %s (hosts: %s)%s", echo(val), strings.Join(ctx.Hosts, ", "), didYouMean(val, ctx.Hosts))
		}
	case ArgText:
		if val == "" {
			return "", fmt.Errorf("want a value")
		}
		if len(val) > MaxText {
			return "", fmt.Errorf("%d bytes long; a value is at most %d bytes", len(val), MaxText)
		}
	case ArgHex:
		n, err := hexLen(val)
		if err != nil {
			return "", err
		}
		if int64(n) < s.Min || int64(n) > s.Max {
			return "", fmt.Errorf("%d bytes, want %d..%d", n, s.Min, s.Max)
		}
	case ArgVF:
		// A count of 0 is unknown (a scenario whose vfs did not parse):
		// the language's limit, which no vfs line stated.
		if ctx.VFs == 0 {
			return val, intInRange(val, 1, MaxVFs)
		}
		if err := intInRange(val, 1, int64(ctx.VFs)); err != nil {
			return "", fmt.Errorf("%v (the scenario has vfs %d)", err, ctx.VFs)
		}
	case ArgQueue:
		if ctx.Queues == 0 { // unknown, as a VF count of 0
			return val, intInRange(val, 0, MaxQueues-1)
		}
		if err := intInRange(val, 0, int64(ctx.Queues)-1); err != nil {
			return "", fmt.Errorf("%v (the scenario has queues %d: 0..%d)", err, ctx.Queues, ctx.Queues-1)
		}
	}
	return val, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// intInRange checks that s is a number (ParseNumber) in lo..hi.
func intInRange(s string, lo, hi int64) error {
	_, err := ParseNumber(s, lo, hi)
	return err
}

// hexLen returns how many bytes the hex digits of s hold.
func hexLen(s string) (int, error) {
	if len(s)%2 != 0 {
		return 0, fmt.Errorf("want hex digits in pairs")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return 0, fmt.Errorf("want hex digits (%q is not one)", c)
		}
	}
	return len(s) / 2, nil
}
