package jsonpath

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// UnknownField says where in the JSON document b the object key name,
// which decoding b into a value of type t with DisallowUnknownFields
// reported as unknown (`json: unknown field "name"`), is: the first key of
// that name in an object whose Go type has no such field, as its path
// (choices[3].colour) and the byte offset of its opening quote.
// encoding/json names the key alone; a file of thousands of lines needs
// the place. ok is false when no such key is found (t does not describe b).
func UnknownField(b []byte, t reflect.Type, name string) (path string, off int64, ok bool) {
	// The frames of the objects and arrays being read, with the Go types
	// of their members (Frame).
	var stack []Frame
	// pathOf is the path of key last of the innermost object.
	pathOf := func(last string) string {
		if p := Path(stack[:len(stack)-1]); p != "" {
			return p + "." + last
		}
		return last
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	next := t // the type of the value the next token starts
	for {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return "", 0, false
		}
		top := len(stack) - 1
		if top >= 0 && !stack[top].Array && stack[top].want {
			if k, isKey := tok.(string); isKey {
				f := &stack[top]
				f.Key, f.want = k, false
				ft, known := memberType(f.typ, k)
				if !known && k == name {
					return pathOf(k), SkipSeparators(b, before), true
				}
				next = ft
				continue
			}
		}
		if top >= 0 && stack[top].Array && tok != json.Delim(']') {
			stack[top].N++
			next = stack[top].elem
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, Frame{want: true, typ: objectType(next)})
			continue
		case json.Delim('['):
			stack = append(stack, Frame{Array: true, elem: elemType(next)})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:top]
		}
		if top := len(stack) - 1; top >= 0 && !stack[top].Array {
			stack[top].want = true
		}
	}
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// decodesItself reports whether values of t decode by their own method,
// whose keys UnknownField cannot know (nil: no type known).
func decodesItself(t reflect.Type) bool {
	if t == nil {
		return true
	}
	return t.Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(jsonUnmarshaler) ||
		t.Implements(textUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler)
}

// objectType is the struct type a JSON object decodes into for a value of
// type t, nil when any key is known there (a map, an interface, a type
// that decodes itself).
func objectType(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if decodesItself(t) || t.Kind() != reflect.Struct {
		return nil
	}
	return t
}

// elemType is the type of a JSON array's elements for a value of type t.
func elemType(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if decodesItself(t) || (t.Kind() != reflect.Slice && t.Kind() != reflect.Array) {
		return nil
	}
	return t.Elem()
}

// memberType finds the field of struct type st (nil: any key) that the
// JSON key k decodes into, as encoding/json matches it: by its json name,
// or its Go name without one, exactly or else ignoring case, through
// embedded structs. known is false when st has no such field.
func memberType(st reflect.Type, k string) (ft reflect.Type, known bool) {
	if st == nil {
		return nil, true
	}
	var fold reflect.Type
	folded := false
	var walk func(st reflect.Type) bool
	walk = func(st reflect.Type) bool {
		for i := range st.NumField() {
			f := st.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			n, _, _ := strings.Cut(tag, ",")
			if f.Anonymous && n == "" {
				et := f.Type
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if et.Kind() == reflect.Struct && walk(et) {
					return true
				}
				continue
			}
			if !f.IsExported() {
				continue
			}
			if n == "" {
				n = f.Name
			}
			switch {
			case n == k:
				ft = f.Type
				return true
			case !folded && strings.EqualFold(n, k):
				fold, folded = f.Type, true
			}
		}
		return false
	}
	if walk(st) {
		return ft, true
	}
	return fold, folded
}

// UnknownFieldError rewrites err, an error of decoding b into a value of
// type t with DisallowUnknownFields, when it reports an unknown key: the
// error then names the key's path and byte offset (UnknownField), as
// `unknown field "colour" (choices[3].colour, byte offset 812)`. Any
// other error, or a key it cannot place, is returned as it is.
func UnknownFieldError(err error, b []byte, t reflect.Type) error {
	rest, isUnknown := strings.CutPrefix(err.Error(), "json: unknown field ")
	if !isUnknown {
		return err
	}
	name, qerr := strconv.Unquote(rest)
	if qerr != nil {
		return err
	}
	path, off, ok := UnknownField(b, t, name)
	if !ok {
		return err
	}
	if path == name {
		return fmt.Errorf("unknown field %q (byte offset %d)", name, off)
	}
	return fmt.Errorf("unknown field %q (%s, byte offset %d)", name, path, off)
}
