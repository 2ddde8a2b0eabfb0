package scenario

import (
	"fmt"
	"math"
	"strings"

	"github.com/migsim/migsim/spec"
)

// The vocabulary of a scenario: which hosts, settings, actor attributes,
// operations and their arguments, oracle and error names a world accepts.
// This package defines its shape and checks scenarios against it (Check);
// the world supplies the tables (world/vocab.Vocabulary), each next to the code
// that runs it, so a verb is checked at load exactly as it runs.

// ArgKind says what values an argument takes.
type ArgKind uint8

// Argument kinds.
const (
	// ArgInt is an integer in [Min, Max], decimal or with a 0x/0o/0b prefix.
	ArgInt ArgKind = iota + 1
	// ArgWord is one of Values (case-insensitively when Fold); with
	// AllowInt, an integer in [Min, Max] too.
	ArgWord
	// ArgName is a name: letters, digits, '-', '_', '.', ':' or '/', at
	// most MaxName bytes.
	ArgName
	// ArgHost is a host of the vocabulary (src, dst, dst2).
	ArgHost
	// ArgVF is a VF of the scenario: 1..vfs.
	ArgVF
	// ArgQueue is a request queue of the scenario: 0..queues-1.
	ArgQueue
	// ArgHex is bytes in hex digits, Min..Max bytes.
	ArgHex
	// ArgText is any non-empty word of at most MaxText bytes (a
	// SettingSpec's Check reads it).
	ArgText
)

// ArgSpec describes one argument of an operation, an actor or a setting.
type ArgSpec struct {
	// Name is the key of a key=value argument, or the placeholder of a
	// positional one (HOST, MODE), which docs and errors show.
	Name string
	// Positional arguments are bare words, in the order of the table.
	Positional bool
	Kind       ArgKind
	// Min and Max bound an ArgInt (or an ArgWord with AllowInt).
	Min, Max int64
	// Values are the words of an ArgWord; Fold compares them ignoring case.
	Values   []string
	Fold     bool
	AllowInt bool
	// Required arguments must be given; Default is the value of an
	// optional one that is not ("" for none).
	Required bool
	Default  string
	// Doc says what the argument means, for docs and `migsim gen`.
	Doc string
}

// VerbSpec describes one operation of an actor's program.
type VerbSpec struct {
	Name string
	Args []ArgSpec
	// Editions limits the verb to those editions (nil: every edition).
	Editions []spec.Edition
	Doc      string
	// Check, when set, judges the bound values together against the
	// context (a value that is valid alone and not with the scenario's
	// queues); it returns "" when they fit. Bind and the check at load
	// both run it.
	Check func(v Values, ctx Context) string
	// Resume, when set, names the verb's two arguments that cut it in
	// parts (docs/scenarios.md, "Guest operations": `probe until=POINT`,
	// later `probe from=POINT`).
	Resume *Resume
}

// Resume names the arguments of a verb that runs in parts: Until stops it
// at a named point, From goes on from one. At load, a From other than its
// default must continue the point the same block's previous operation of
// the verb stopped at, and Until must come after From.
type Resume struct {
	From, Until string
	// Points are the points in the order the verb passes them; an
	// operation's Until must come after its From.
	Points []string
}

// In reports whether the verb exists under ed (0: under some edition).
func (v *VerbSpec) In(ed spec.Edition) bool {
	if ed == 0 || len(v.Editions) == 0 {
		return true
	}
	for _, e := range v.Editions {
		if e == ed {
			return true
		}
	}
	return false
}

// Usage renders the verb as a usage line: "mode HOST MODE [vf=N]".
func (v *VerbSpec) Usage() string {
	parts := []string{v.Name}
	for _, a := range v.Args {
		var s string
		switch {
		case a.Positional:
			s = a.Name
			if a.Kind == ArgWord && len(a.Values) > 0 && len(a.Values) <= 4 {
				s = strings.Join(a.Values, "|")
			}
		default:
			s = a.Name + "=" + a.placeholder()
		}
		if !a.Required {
			s = "[" + s + "]"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func (a *ArgSpec) placeholder() string {
	switch a.Kind {
	case ArgWord:
		if len(a.Values) <= 4 {
			return strings.Join(a.Values, "|")
		}
		return "WORD"
	case ArgName:
		return "NAME"
	case ArgHost:
		return "HOST"
	case ArgHex:
		return "HEX"
	}
	return "N"
}

// VerbTable is the verbs of one actor kind or guest driver.
type VerbTable []VerbSpec

// Names returns the distinct verb names (of ed; 0: of any edition), in
// table order.
func (t VerbTable) Names(ed spec.Edition) []string {
	var out []string
	for i := range t {
		if !t[i].In(ed) {
			continue
		}
		dup := false
		for _, n := range out {
			dup = dup || n == t[i].Name
		}
		if !dup {
			out = append(out, t[i].Name)
		}
	}
	return out
}

// Lookup returns the verbs named name that exist under ed (0: under any
// edition); more than one when an edition-specific verb has a form per
// edition.
func (t VerbTable) Lookup(name string, ed spec.Edition) []*VerbSpec {
	var out []*VerbSpec
	for i := range t {
		if t[i].Name == name && t[i].In(ed) {
			out = append(out, &t[i])
		}
	}
	return out
}

// Has reports whether Lookup(name, ed) finds a verb, without building the
// list.
func (t VerbTable) Has(name string, ed spec.Edition) bool {
	for i := range t {
		if t[i].Name == name && t[i].In(ed) {
			return true
		}
	}
	return false
}

// Bind checks op against the verbs of t that exist under ed and returns
// its arguments, bound as the first form of the verb that accepts them
// (Bind). The error says whether the verb is another edition's, unknown,
// or what its first form refused.
//
// A binding that succeeds is kept for the process (bind_cache.go); the
// verbs must not change once bound with.
func (t VerbTable) Bind(op Op, ed spec.Edition, ctx Context) (Values, error) {
	var k bindKey
	if len(t) > 0 {
		k = newBindKey(&t[0], len(t), ed, op, ctx)
		if v, ok := keptBinding(k, op); ok {
			return v, nil
		}
	}
	v, err := t.bind(op, ed, ctx)
	if err == nil && len(t) > 0 {
		keepBinding(k, op, v)
	}
	return v, err
}

func (t VerbTable) bind(op Op, ed spec.Edition, ctx Context) (Values, error) {
	if !t.Has(op.Verb, ed) {
		if t.Has(op.Verb, 0) {
			return Values{}, fmt.Errorf("%s: not a %s operation", op.Verb, ed)
		}
		return Values{}, fmt.Errorf("unknown operation %q (want %s)", op.Verb, strings.Join(t.Names(ed), ", "))
	}
	var first error
	for i := range t {
		v := &t[i]
		if v.Name != op.Verb || !v.In(ed) {
			continue
		}
		vals, err := firstProblem(bindVerb(v, op, ctx)) // Bind, which the table's caller keeps
		if err == nil {
			return vals, nil
		}
		if first == nil {
			first = err
		}
	}
	return Values{}, first
}

// IntArg reads an integer argument of op, def when it is absent; for an
// operation already bound (VerbTable.Bind), whose values are in range.
func IntArg(op Op, key string, def int) (int, error) {
	v, ok := Lookup(op.Args, key)
	if !ok {
		return def, nil
	}
	n, err := ParseNumber(v, math.MinInt64, math.MaxInt64)
	if err != nil {
		return 0, fmt.Errorf("%s: %s=%s: %w", op.Verb, key, echo(v), err)
	}
	return int(n), nil
}

// SettingSpec describes one world setting (`set key=value`, an
// expectation's set:key=value, the command line's --set).
type SettingSpec struct {
	// Key is the setting's key; with Prefix, every key starting with it
	// (src-param-NAME).
	Key    string
	Prefix bool
	// Arg checks the value (its Name is ignored).
	Arg ArgSpec
	// Check, when set, checks what the table cannot: key is the full key,
	// settings every setting in effect (the last of a key wins).
	Check func(key, value string, settings []Arg) error
	Doc   string
}

// DriverVocab is one guest driver's vocabulary.
type DriverVocab struct {
	// Name is what `guest NAME driver=…` names.
	Name string
	// Verbs is the driver's workload language.
	Verbs VerbTable
	Doc   string
}

// Vocabulary is everything a scenario may name. The world supplies it;
// the caller adds the oracle names (they come from the oracle registry).
type Vocabulary struct {
	// Hosts are the hosts operations may address.
	Hosts []string
	// Drivers are the guest drivers; DefaultDriver is the one a guest
	// without driver= runs (the driver of the VF's device type).
	Drivers       []DriverVocab
	DefaultDriver string
	// GuestVerbs are the verbs every guest has besides its driver's
	// (timing and synchronisation).
	GuestVerbs VerbTable
	Hypervisor VerbTable
	Peer       VerbTable
	// GuestAttrs, PeerAttrs and HypervisorAttrs are the key=value
	// attributes of each block's first line (edition= is the parser's).
	GuestAttrs, PeerAttrs, HypervisorAttrs []ArgSpec
	// Reserved are names no guest or peer may take (the hypervisor's).
	Reserved []string
	Settings []SettingSpec
	// Oracles are the names `expect … violation NAME` accepts; Errors the
	// names `expect … error NAME` accepts.
	Oracles []string
	Errors  []string
}

// Driver returns the named driver's vocabulary.
func (v *Vocabulary) Driver(name string) (*DriverVocab, bool) {
	for i := range v.Drivers {
		if v.Drivers[i].Name == name {
			return &v.Drivers[i], true
		}
	}
	return nil, false
}

// Setting returns the spec of a setting key.
func (v *Vocabulary) Setting(key string) (*SettingSpec, bool) {
	for i := range v.Settings {
		s := &v.Settings[i]
		if (!s.Prefix && s.Key == key) || (s.Prefix && strings.HasPrefix(key, s.Key) && len(key) > len(s.Key)) {
			return s, true
		}
	}
	return nil, false
}

// SettingKeys lists the setting keys (a prefix as "src-param-NAME").
func (v *Vocabulary) SettingKeys() []string {
	out := make([]string, len(v.Settings))
	for i, s := range v.Settings {
		out[i] = s.Key
		if s.Prefix {
			out[i] += "NAME"
		}
	}
	return out
}

// CheckSettings checks key=value settings (a scenario's `set` lines, an
// expectation's set:, the command line's --set) against the vocabulary:
// known keys, typed and ranged values, no key twice. base are settings
// already in effect (the scenario's, under an expectation's); they are not
// checked again but count for settings whose meaning depends on another.
// The error is the first problem (Check reports them all: checkSettings).
func (v *Vocabulary) CheckSettings(base, settings []Arg) error {
	if probs := v.checkSettings(base, settings); len(probs) > 0 {
		return probs[0]
	}
	return nil
}

// checkSettings is CheckSettings with every problem, in the order of the
// settings.
func (v *Vocabulary) checkSettings(base, settings []Arg) []*argError {
	all := append(append([]Arg{}, base...), settings...)
	seen := map[string]Arg{}
	var probs []*argError
	for _, a := range settings {
		if prev, dup := seen[a.Key]; dup {
			msg := fmt.Sprintf("setting %s given twice", clip(a.Key))
			if prev.Pos.Line > 0 {
				msg += fmt.Sprintf(" (first at %s)", posText(prev.Pos))
			} // else a command line's --set, or built in code: no file position to name
			probs = append(probs, &argError{pos: a.Pos, msg: msg})
			continue
		}
		seen[a.Key] = a
		if err := v.checkSetting(a, all); err != nil {
			probs = append(probs, err)
		}
	}
	return probs
}

func (v *Vocabulary) checkSetting(a Arg, all []Arg) *argError {
	s, ok := v.Setting(a.Key)
	if !ok {
		keys := v.SettingKeys()
		return &argError{pos: a.Pos, msg: fmt.Sprintf("unknown setting %s (settings: %s)%s", clip(a.Key), strings.Join(keys, ", "), didYouMean(a.Key, keys))}
	}
	spec := s.Arg
	spec.Name = a.Key
	if _, err := bindValue(&spec, a.Value, Context{Hosts: v.Hosts}); err != nil {
		return &argError{pos: a.Pos, msg: fmt.Sprintf("set %s=%s: %v", a.Key, echo(a.Value), err)}
	}
	if s.Check != nil {
		if err := s.Check(a.Key, a.Value, all); err != nil {
			return &argError{pos: a.Pos, msg: fmt.Sprintf("set %s=%s: %v", a.Key, echo(a.Value), err)}
		}
	}
	return nil
}

func posText(p Pos) string {
	if p.Col > 0 {
		return fmt.Sprintf("%d:%d", p.Line, p.Col)
	}
	return fmt.Sprintf("line %d", p.Line)
}
