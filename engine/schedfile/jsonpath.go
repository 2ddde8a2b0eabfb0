package schedfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// jsonPath returns the path, as choices[3].i, of the value of the JSON
// document b that ends at byte offset off (where encoding/json reports a
// value of the wrong type), or field (the decoder's own name for it, which
// leaves out array indices) when no value ends there.
func jsonPath(b []byte, off int64, field string) string {
	// A frame is an object or array being read: the key of its current
	// member (want: the next string is a key), or its current element.
	type frame struct {
		array bool
		want  bool
		key   string
		n     int
	}
	var stack []frame
	path := func() string {
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
			stack = append(stack, frame{want: true})
			continue
		case json.Delim('['):
			stack = append(stack, frame{array: true})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:top]
		}
		// A value ended: a scalar, or the object or array just closed.
		if dec.InputOffset() >= off {
			if p := path(); p != "" {
				return p
			}
			return field
		}
		if top := len(stack) - 1; top >= 0 && !stack[top].array {
			stack[top].want = true
		}
	}
}
