package jsonpath

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// FuzzLocate: no document and offset make the walkers panic; a start
// Locate gives is inside the document and not a separator, and an
// unknown key UnknownField places is at a quote.
func FuzzLocate(f *testing.F) {
	f.Add([]byte(`{"choices": [{"i": 0}, {"i": "x", "colour": 2}], "o": {"p": [[1]]}}`), int64(30), "colour")
	f.Add([]byte(`{"a": {"b": 1}}`), int64(7), "b")
	f.Add([]byte(`[1, `), int64(3), "")
	f.Fuzz(func(t *testing.T, b []byte, off int64, key string) {
		_, start := Locate(b, off, "fallback")
		if start != -1 && (start < 0 || start >= int64(len(b)) || SkipSeparators(b, start) != start) {
			t.Fatalf("start %d of %d bytes: %q", start, len(b), b)
		}
		type doc struct {
			Choices []struct {
				I int `json:"i"`
			} `json:"choices"`
		}
		if _, koff, ok := UnknownField(b, reflect.TypeFor[doc](), key); ok && (koff < 0 || koff >= int64(len(b)) || b[koff] != '"') {
			t.Fatalf("key %q at %d, not a quote: %q", key, koff, b)
		}
	})
}

// FuzzMismatchOf: for any document that decodes with a value of the wrong
// kind, also inside a value that decodes itself, MismatchOf names a place
// inside the document and two kinds, and never panics.
func FuzzMismatchOf(f *testing.F) {
	f.Add([]byte(`{"pad": [1, "x"]}`))
	f.Add([]byte(`{"pad": [1, 2, 3], "list": [{"s": {"i": [{"x": 1}, {"x": "a"}]}}]}`))
	f.Add([]byte(`{"list": [{"s": "str", "l": 5, "M": {"k": true}}], "tiny": 300}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var d struct {
			Pad  []int `json:"pad"`
			Tiny uint8 `json:"tiny"`
			List []struct {
				S selfDecoding `json:"s"`
				L label        `json:"l"`
				M map[string]int16
			} `json:"list"`
		}
		var te *json.UnmarshalTypeError
		if !errors.As(json.Unmarshal(b, &d), &te) {
			return
		}
		m := MismatchOf(b, te)
		if m.Offset < 0 || m.Offset > int64(len(b)) || m.Got == "" || m.Want == "" {
			t.Fatalf("%+v for %q", m, b)
		}
	})
}
