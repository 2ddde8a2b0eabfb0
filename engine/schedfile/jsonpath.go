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
// value of the wrong type), or field (the decoder's own name for it, which
// leaves out array indices) when no value ends there.
func jsonPath(b []byte, off int64, field string) string {
	var stack []pathFrame
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			return field
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
		case json.Delim('{'):
			stack = append(stack, pathFrame{want: true})
			continue
		case json.Delim('['):
			stack = append(stack, pathFrame{array: true})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:top]
		}
		// A value ended: a scalar, or the object or array just closed.
		if dec.InputOffset() >= off {
			if p := framePath(stack); p != "" {
				return p
			}
			return field
		}
		if top := len(stack) - 1; top >= 0 && !stack[top].array {
			stack[top].want = true
		}
	}
}
