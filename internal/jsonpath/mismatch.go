package jsonpath

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// Mismatch is a value of the wrong JSON kind, as a reader of the document
// names it: where it is (its full path and the offset of its first byte),
// the JSON kind it has and the JSON kind the field takes. The readers of
// schedule files, shard summaries and device descriptions word their
// errors with it, so that all of them say "got JSON string, want number"
// and none names a Go type.
type Mismatch struct {
	// Path is the value's path, array indexes included (choices[3].i).
	Path string
	// Offset is the byte offset of the value's first byte, or where the
	// decoder reported the error when no value is there.
	Offset int64
	// Got is the JSON kind of the value: "string", "number", "boolean",
	// "array", "object" or "null", a number with its text when the
	// decoder gave it ("number -1": a number out of the field's range).
	Got string
	// Want is the JSON kind the field takes (Kind), for an integer field
	// with its range: "number (integer 0..255)".
	Want string
}

// MismatchOf says where in the JSON document b the value that te (an
// error of decoding b) reports is, and names both kinds as JSON does.
//
// encoding/json reports the offset just past a scalar, or past an
// object's or array's opening delimiter, relative to the value it was
// decoding when the error arose: the document itself, except where a type
// decodes itself (an UnmarshalJSON method that decodes its bytes with
// encoding/json again, as a schedule embedded in a shard summary does).
// There the offset counts from the start of that value; MismatchOf finds
// the value by the decoder's field name (which has the path's keys without
// its indexes) and the kind of value found, and adds its offset.
func MismatchOf(b []byte, te *json.UnmarshalTypeError) Mismatch {
	m := Mismatch{Got: ValueKind(te.Value), Want: want(te.Type)}
	if path, start, ok := placeAt(b, 0, te); ok {
		m.Path, m.Offset = path, start
		return m
	}
	// The offset counts from a value that decodes itself: try every
	// object and array whose keys are the field's or begin them,
	// outermost first.
	var bases []int64
	Walk(b, func(stack []Frame, tok json.Token, before, _ int64) bool {
		if tok == json.Delim('{') || tok == json.Delim('[') {
			if f := fieldOf(Path(stack)); f != "" && (strings.EqualFold(f, te.Field) || strings.HasPrefix(strings.ToLower(te.Field), strings.ToLower(f)+".")) {
				bases = append(bases, SkipSeparators(b, before))
			}
		}
		return false
	})
	for _, base := range bases {
		if path, start, ok := placeAt(b, base, te); ok {
			m.Path, m.Offset = path, start
			return m
		}
	}
	// A scalar in the place of a value that decodes itself: its decoder
	// counts the offset from the scalar's first byte (just past a number
	// or a literal), so the scalar at the field's path whose length is
	// that offset is the one.
	found := false
	Walk(b, func(stack []Frame, tok json.Token, before, end int64) bool {
		if _, delim := tok.(json.Delim); delim {
			return false
		}
		p, start := Path(stack), SkipSeparators(b, before)
		if start < end && end-start == te.Offset && strings.EqualFold(fieldOf(p), te.Field) && sameKind(b[start], te.Value) {
			m.Path, m.Offset, found = p, start, true
		}
		return found
	})
	if found {
		return m
	}
	// A field name that is not the path's keys (a map's value, whose key
	// the decoder leaves out; a field of an embedded struct pointer, whose
	// Go name it puts in): the value at the offset, as the decoder counts
	// it, else the decoder's own name and offset.
	path, start := Locate(b, te.Offset, te.Field)
	if start < 0 {
		start = te.Offset
	}
	m.Path, m.Offset = path, start
	return m
}

// placeAt reports the path and start of the value te reports when its
// offset counts from the value that starts at base in b: ok when the value
// there has te's field name and kind.
func placeAt(b []byte, base int64, te *json.UnmarshalTypeError) (path string, start int64, ok bool) {
	var prefix string
	sub := b
	if base > 0 {
		var raw json.RawMessage
		if json.NewDecoder(bytes.NewReader(b[base:])).Decode(&raw) != nil {
			return "", 0, false
		}
		sub = b[base : base+int64(len(raw))]
		prefix = At(b, base+1, "")
	}
	p, s := Locate(sub, te.Offset, "")
	if s < 0 || !sameKind(sub[s], te.Value) {
		return "", 0, false
	}
	if prefix != "" {
		if p == "" || p[0] == '[' {
			p = prefix + p
		} else {
			p = prefix + "." + p
		}
	}
	if !strings.EqualFold(fieldOf(p), te.Field) {
		return "", 0, false
	}
	return p, base + s, true
}

// ValueKind words encoding/json's name of a JSON value's kind
// (UnmarshalTypeError.Value) as JSON does: "boolean" for its "bool";
// any other ("string", "number 1.5", …) as it is.
func ValueKind(value string) string {
	if value == "bool" {
		return "boolean"
	}
	return value
}

// fieldOf is path without its array indexes, as encoding/json names a
// field: choices[3].i is choices.i.
func fieldOf(path string) string {
	var sb strings.Builder
	skip := false
	for _, c := range path {
		switch {
		case c == '[':
			skip = true
		case c == ']':
			skip = false
		case !skip:
			sb.WriteRune(c)
		}
	}
	return sb.String()
}

// sameKind reports whether the value whose first byte is c has the JSON
// kind value (encoding/json's UnmarshalTypeError.Value: "string",
// "number 1.5", "bool", …).
func sameKind(c byte, value string) bool {
	kind, _, _ := strings.Cut(value, " ")
	switch c {
	case '"':
		return kind == "string"
	case '{':
		return kind == "object"
	case '[':
		return kind == "array"
	case 't', 'f':
		return kind == "bool"
	case 'n':
		return kind == "null"
	}
	return kind == "number"
}

// want is Kind of t, for an integer type with its range.
func want(t reflect.Type) string {
	k := Kind(t)
	if k != "number" || decodesItself(t) {
		return k
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		bits := t.Bits()
		if bits == 64 {
			return "number (integer -2^63..2^63-1)"
		}
		return fmt.Sprintf("number (integer %d..%d)", int64(-1)<<(bits-1), int64(1)<<(bits-1)-1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		bits := t.Bits()
		if bits == 64 {
			return "number (integer 0..2^64-1)"
		}
		return fmt.Sprintf("number (integer 0..%d)", uint64(1)<<bits-1)
	}
	return k
}

// KindDeclarer is a type that decodes itself from JSON (an UnmarshalJSON
// method) and says which JSON kind it takes, so that an error naming
// the field says so (Kind): a 64-bit value written as a hex string says
// "string", where its Go kind would say "number".
type KindDeclarer interface {
	// JSONKind is "string", "number", "boolean", "array" or "object".
	JSONKind() string
}

var (
	kindDeclarer = reflect.TypeFor[KindDeclarer]()
	numberType   = reflect.TypeFor[json.Number]()
)

// Kind names the JSON value a Go value of type t decodes from: "string",
// "number", "boolean", "array" or "object". A type that decodes itself
// takes what it declares (KindDeclarer); one that decodes from text (an
// UnmarshalText method, and no UnmarshalJSON) takes a string; json.Number
// takes a number. Any other, whose method may take anything, and an
// interface are named by the Go type.
func Kind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == numberType:
		return "number"
	case reflect.PointerTo(t).Implements(kindDeclarer):
		return reflect.New(t).Interface().(KindDeclarer).JSONKind()
	case reflect.PointerTo(t).Implements(jsonUnmarshaler):
		return t.String()
	case reflect.PointerTo(t).Implements(textUnmarshaler):
		return "string"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			return "string" // base64, as encoding/json writes []byte
		}
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return t.String()
}

// Unnamed lists the fields of a document decoded into a value of type t,
// by their paths (choices[].i), whose JSON kind Kind cannot name: a type
// that decodes itself and declares no kind (KindDeclarer), an interface
// other than any. A reader whose documents have none names every value of
// the wrong kind as JSON does; its tests check that with Unnamed. Fields
// that take any value (any, json.RawMessage) are left out, and so are
// the insides of a type that decodes itself.
func Unnamed(t reflect.Type) []string {
	var out []string
	seen := map[reflect.Type]bool{}
	var walk func(path string, t reflect.Type)
	walk = func(path string, t reflect.Type) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t == rawType || (t.Kind() == reflect.Interface && t.NumMethod() == 0) {
			return
		}
		switch Kind(t) {
		case "string", "number", "boolean", "array", "object":
		default:
			out = append(out, path)
			return
		}
		if decodesItself(t) || seen[t] {
			return
		}
		seen[t] = true
		defer delete(seen, t)
		switch t.Kind() {
		case reflect.Slice, reflect.Array:
			if Kind(t) == "array" {
				walk(path+"[]", t.Elem())
			}
		case reflect.Map:
			walk(path+"{}", t.Elem())
		case reflect.Struct:
			for i := range t.NumField() {
				f := t.Field(i)
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				if name == "-" || (!f.IsExported() && !f.Anonymous) {
					continue
				}
				switch {
				case f.Anonymous && name == "":
					walk(path, f.Type)
					continue
				case name == "":
					name = f.Name
				}
				if path != "" {
					name = path + "." + name
				}
				walk(name, f.Type)
			}
		}
	}
	walk("", t)
	return out
}

var rawType = reflect.TypeFor[json.RawMessage]()
