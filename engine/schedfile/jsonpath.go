package schedfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// pathFrame is a JSON object or array being read, token by token: the key
// of an object's current member (want: the next string is a key), or the
// count of an array's elements started (n, the current one's index plus
// one). typ and elem are the Go types of an object's members and an
// array's elements, for UnknownField (nil: any member is known; jsonPath
// leaves them nil).
type pathFrame struct {
	array bool
	want  bool
	key   string
	n     int
	typ   reflect.Type
	elem  reflect.Type
}

// framePath is the path of the current member of the innermost frame of
// stack, outermost first: choices[3].i ("" for an empty stack). jsonPath
// and UnknownField name a place with it.
func framePath(stack []pathFrame) string {
	var sb strings.Builder
	for _, f := range stack {
		switch {
		case f.array:
			fmt.Fprintf(&sb, "[%d]", f.n-1)
		case sb.Len() > 0:
			sb.WriteString("." + f.key)
		default:
			sb.WriteString(f.key)
		}
	}
	return sb.String()
}

// jsonPath returns the path, as choices[3].i, of the value of the JSON
// document b that ends at byte offset off (where encoding/json reports a
// scalar of the wrong type) or whose opening '{' or '[' does (where it
// reports an object or an array of the wrong type), or field (the
// decoder's own name for it, which leaves out array indices) when no value
// is there. The offset names one value, so a key that the document repeats
// (encoding/json keeps the last one's value, and reports the first error
// of any) is named where the decoder found the error.
func jsonPath(b []byte, off int64, field string) string {
	path := field
	walkValues(b, func(stack []pathFrame, _ json.Token, _, end int64) bool {
		if end < off {
			return false
		}
		if p := framePath(stack); p != "" {
			path = p
		}
		return true
	})
	return path
}

// walkValues reads the JSON document b token by token and calls visit at
// the end of every value (a scalar, or an object or array just closed)
// with the frames around it (framePath(stack) is its path), its token
// ('}' or ']' for a closed one) and the byte offsets before its token and
// after it (before may still hold the separators that precede it); and
// likewise at the start of every object or array, with its opening token
// ('{' or '[') and the frames around it. It stops when visit returns true
// or at the document's end or first error.
func walkValues(b []byte, visit func(stack []pathFrame, tok json.Token, before, end int64) bool) {
	var stack []pathFrame
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	for {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return
		}
		top := len(stack) - 1
		if top >= 0 && !stack[top].array && stack[top].want {
			if k, ok := tok.(string); ok {
				stack[top].key, stack[top].want = k, false
				continue
			}
		}
		if top >= 0 && stack[top].array && tok != json.Delim(']') {
			stack[top].n++
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if visit(stack, tok, before, dec.InputOffset()) {
				return
			}
			stack = append(stack, pathFrame{want: tok == json.Delim('{'), array: tok == json.Delim('[')})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:top]
		}
		if visit(stack, tok, before, dec.InputOffset()) {
			return
		}
		if top := len(stack) - 1; top >= 0 && !stack[top].array {
			stack[top].want = true
		}
	}
}
