// Package jsonpath names a place in a JSON document the way a user reads
// it, by its full path with array indexes (choices[3].i) and its byte
// offset, where encoding/json names a value of the wrong type by its
// struct fields alone (choices.i) and an unknown key by its name alone.
// The readers of schedule files, shard summaries and device descriptions
// word their errors with it.
package jsonpath

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// Frame is a JSON object or array being read, token by token: the key
// of an object's current member (Key; want: the next string is a key), or
// the count of an array's elements started (N, the current one's index
// plus one). typ and elem are the Go types of an object's members and an
// array's elements, for UnknownField (nil: any member is known; Walk
// leaves them nil).
type Frame struct {
	Array bool
	Key   string
	N     int
	want  bool
	typ   reflect.Type
	elem  reflect.Type
}

// Path is the path of the current member of the innermost frame of
// stack, outermost first: choices[3].i ("" for an empty stack). At and
// UnknownField name a place with it.
func Path(stack []Frame) string {
	var sb strings.Builder
	for _, f := range stack {
		switch {
		case f.Array:
			fmt.Fprintf(&sb, "[%d]", f.N-1)
		case sb.Len() > 0:
			sb.WriteString("." + f.Key)
		default:
			sb.WriteString(f.Key)
		}
	}
	return sb.String()
}

// At returns the path, as choices[3].i, of the value of the JSON
// document b that ends at byte offset off (where encoding/json reports a
// scalar of the wrong type) or whose opening '{' or '[' does (where it
// reports an object or an array of the wrong type), or field (the
// decoder's own name for it, which leaves out array indices) when no value
// is there. The offset names one value, so a key that the document repeats
// (encoding/json keeps the last one's value, and reports the first error
// of any) is named where the decoder found the error.
func At(b []byte, off int64, field string) string {
	path, _ := Locate(b, off, field)
	return path
}

// Locate returns what At does, and the byte offset where that value
// starts (its first byte, past the separators before it), or -1 when no
// value is there or the offset is a closing '}' or ']'.
func Locate(b []byte, off int64, field string) (path string, start int64) {
	path, start = field, -1
	Walk(b, func(stack []Frame, tok json.Token, before, end int64) bool {
		if end < off {
			return false
		}
		if p := Path(stack); p != "" {
			path = p
		}
		if tok != json.Delim('}') && tok != json.Delim(']') {
			start = SkipSeparators(b, before)
		}
		return true
	})
	return path, start
}

// SkipSeparators returns the offset of the first byte at or after off in
// b that is not white space, ',' or ':': json.Decoder.Token leaves the
// separators before a value unread, so the offset before a token may
// still hold them.
func SkipSeparators(b []byte, off int64) int64 {
	for off < int64(len(b)) && strings.IndexByte(" \t\r\n,:", b[off]) >= 0 {
		off++
	}
	return off
}

// Walk reads the JSON document b token by token and calls visit at
// the end of every value (a scalar, or an object or array just closed)
// with the frames around it (Path(stack) is its path), its token
// ('}' or ']' for a closed one) and the byte offsets before its token and
// after it (before may still hold the separators that precede it); and
// likewise at the start of every object or array, with its opening token
// ('{' or '[') and the frames around it. It stops when visit returns true
// or at the document's end or first error.
func Walk(b []byte, visit func(stack []Frame, tok json.Token, before, end int64) bool) {
	var stack []Frame
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	for {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return
		}
		top := len(stack) - 1
		if top >= 0 && !stack[top].Array && stack[top].want {
			if k, ok := tok.(string); ok {
				stack[top].Key, stack[top].want = k, false
				continue
			}
		}
		if top >= 0 && stack[top].Array && tok != json.Delim(']') {
			stack[top].N++
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if visit(stack, tok, before, dec.InputOffset()) {
				return
			}
			stack = append(stack, Frame{want: tok == json.Delim('{'), Array: tok == json.Delim('[')})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:top]
		}
		if visit(stack, tok, before, dec.InputOffset()) {
			return
		}
		if top := len(stack) - 1; top >= 0 && !stack[top].Array {
			stack[top].want = true
		}
	}
}

// IsNull reports whether b holds the JSON literal null alone (spaces
// around it allowed): encoding/json decodes it into a struct as nothing,
// without an error, so a reader that wants an object says so itself
// rather than report the fields null left out.
func IsNull(b []byte) bool { return string(bytes.TrimSpace(b)) == "null" }
