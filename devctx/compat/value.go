package compat

import (
	"fmt"
	"strconv"
	"strings"
)

// ParamType is the type of a compatibility parameter (docs/compat.md,
// "Header layout"): bool, int or str. Its numeric value is the wire encoding.
type ParamType uint8

// Parameter types.
const (
	ParamBool ParamType = 1
	ParamInt  ParamType = 2
	ParamStr  ParamType = 3
)

var paramTypeNames = map[ParamType]string{ParamBool: "bool", ParamInt: "int", ParamStr: "str"}

// String returns bool, int, str or type(n).
func (t ParamType) String() string {
	if n, ok := paramTypeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("type(%d)", uint8(t))
}

// Valid reports whether t is one of the three parameter types.
func (t ParamType) Valid() bool { return t >= ParamBool && t <= ParamStr }

// ParseParamType parses bool, int or str.
func ParseParamType(s string) (ParamType, error) {
	for _, t := range []ParamType{ParamBool, ParamInt, ParamStr} {
		if t.String() == s {
			return t, nil
		}
	}
	return 0, fmt.Errorf("devctx: unknown parameter type %q (want bool, int or str)", s)
}

// Value is a typed parameter value. Only the field matching Type is
// meaningful; the others stay zero so that values compare with ==.
type Value struct {
	Type ParamType
	Bool bool
	Int  int64
	Str  string
}

// BoolValue returns a bool value.
func BoolValue(b bool) Value { return Value{Type: ParamBool, Bool: b} }

// IntValue returns an int value.
func IntValue(i int64) Value { return Value{Type: ParamInt, Int: i} }

// StrValue returns a str value.
func StrValue(s string) Value { return Value{Type: ParamStr, Str: s} }

// String renders the value as it appears in messages: true, 8, "four".
func (v Value) String() string {
	switch v.Type {
	case ParamBool:
		return strconv.FormatBool(v.Bool)
	case ParamInt:
		return strconv.FormatInt(v.Int, 10)
	case ParamStr:
		return strconv.Quote(v.Str)
	}
	return "<invalid>"
}

// Param is one (name, type, value) entry of a header's parameter list.
type Param struct {
	Name  string
	Value Value
}

// String renders name=value.
func (p Param) String() string { return p.Name + "=" + p.Value.String() }

// Allowed is one entry of a destination's allowed-value list: a single
// value (Lo == Hi) or, for int parameters, the inclusive range Lo-Hi.
type Allowed struct {
	Lo, Hi Value
}

// AllowValue returns an entry that admits exactly v.
func AllowValue(v Value) Allowed { return Allowed{Lo: v, Hi: v} }

// AllowRange returns an entry that admits the ints lo..hi inclusive.
func AllowRange(lo, hi int64) Allowed { return Allowed{Lo: IntValue(lo), Hi: IntValue(hi)} }

// Contains reports whether v is admitted by the entry.
func (a Allowed) Contains(v Value) bool {
	if v.Type != a.Lo.Type {
		return false
	}
	if v.Type == ParamInt {
		return a.Lo.Int <= v.Int && v.Int <= a.Hi.Int
	}
	return v == a.Lo
}

// String renders 8 or 1-4.
func (a Allowed) String() string {
	if a.Lo == a.Hi {
		return a.Lo.String()
	}
	return a.Lo.String() + "-" + a.Hi.String()
}

// ParseAllowed parses one allowed entry of type t: for int "8" or the range
// "1-4" (negative bounds are written "-3--1"); for bool true or false; for
// str the string itself.
func ParseAllowed(t ParamType, s string) (Allowed, error) {
	switch t {
	case ParamBool:
		b, err := strconv.ParseBool(s)
		if err != nil || (s != "true" && s != "false") {
			return Allowed{}, fmt.Errorf("devctx: allowed %q: not a bool (want true or false)", s)
		}
		return AllowValue(BoolValue(b)), nil
	case ParamStr:
		return AllowValue(StrValue(s)), nil
	case ParamInt:
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return AllowValue(IntValue(i)), nil
		}
		// Split at the first '-' that is not a leading sign.
		if cut := strings.Index(s[min(1, len(s)):], "-"); cut >= 0 {
			cut += min(1, len(s))
			lo, err1 := strconv.ParseInt(s[:cut], 10, 64)
			hi, err2 := strconv.ParseInt(s[cut+1:], 10, 64)
			if err1 == nil && err2 == nil {
				if lo > hi {
					return Allowed{}, fmt.Errorf("devctx: allowed %q: range is empty (%d > %d)", s, lo, hi)
				}
				return AllowRange(lo, hi), nil
			}
		}
		return Allowed{}, fmt.Errorf("devctx: allowed %q: not an int or an int range lo-hi", s)
	}
	return Allowed{}, fmt.Errorf("devctx: allowed %q: invalid parameter type %s", s, t)
}

// formatAllowed joins allowed entries with ", " ("1-4, 8").
func formatAllowed(as []Allowed) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.String()
	}
	return strings.Join(parts, ", ")
}
