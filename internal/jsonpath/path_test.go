package jsonpath

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
)

// At names the value that ends at an offset, or whose opening
// delimiter does, by its full path, array indices included, and falls back
// to the decoder's name where no value is there.
func TestAt(t *testing.T) {
	doc := `{"a": 1, "choices": [{"i": 0}, {"i": 1, "l": [7, 8]}], "o": {"p": {"q": true}}, "e": []}`
	end := func(s string) int64 { // the offset just past the first s
		for i := 0; i+len(s) <= len(doc); i++ {
			if doc[i:i+len(s)] == s {
				return int64(i + len(s))
			}
		}
		t.Fatalf("%q not in the document", s)
		return 0
	}
	cases := []struct {
		name string
		doc  string
		off  int64
		want string
	}{
		{"top-level field", doc, end(`"a": 1`), "a"},
		{"first element's field", doc, end(`"i": 0`), "choices[0].i"},
		{"second element's field", doc, end(`"i": 1`), "choices[1].i"},
		{"nested array", doc, end(`[7, 8`), "choices[1].l[1]"},
		{"a whole element", doc, end(`{"i": 0}`), "choices[0]"},
		{"nested objects", doc, end(`"q": true`), "o.p.q"},
		{"an empty array", doc, end(`"e": []`), "e"},
		// encoding/json reports an object or an array where it wants a
		// scalar just past its opening delimiter: the value is the one
		// that starts there, not the first inside it.
		{"an object in place of a scalar", `{"a": {"b": 1}}`, int64(len(`{"a": {`)), "a"},
		{"an array in place of a scalar", `{"c": [{"i": [1, 2]}]}`, int64(len(`{"c": [{"i": [`)), "c[0].i"},
		{"an element that is an array", `{"c": [[1]]}`, int64(len(`{"c": [[`)), "c[0]"},
		// A repeated key: the offset names the one the decoder reported.
		{"the first of a repeated key", `{"a": "x", "a": 2}`, int64(len(`{"a": "x"`)), "a"},
		{"the second of a repeated array", `{"c": [{"i": 0}], "c": [{"i": 1}, {"i": "x"}]}`, int64(len(`{"c": [{"i": 0}], "c": [{"i": 1}, {"i": "x"`)), "c[1].i"},
		{"past the end", doc, int64(len(doc) + 5), "fallback"},
		{"malformed before the offset", `{"a": [1, }`, 10, "fallback"},
		{"not JSON", `nonsense`, 3, "fallback"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, At([]byte(tc.doc), tc.off, "fallback"))
		})
	}
}

// Path is the one path builder of At and UnknownField: object
// keys joined by dots, array elements by their index, outermost first.
func TestPath(t *testing.T) {
	cases := []struct {
		name  string
		stack []Frame
		want  string
	}{
		{"no frame", nil, ""},
		{"a top-level key", []Frame{{Key: "a"}}, "a"},
		{"an element's key", []Frame{{Key: "choices"}, {Array: true, N: 4}, {Key: "i"}}, "choices[3].i"},
		{"nested arrays", []Frame{{Key: "l"}, {Array: true, N: 2}, {Array: true, N: 1}}, "l[1][0]"},
		{"a document that is an array", []Frame{{Array: true, N: 1}, {Key: "k"}}, "[0].k"},
		{"nested objects", []Frame{{Key: "o"}, {Key: "p"}, {Key: "q"}}, "o.p.q"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, Path(tc.stack), tc.name)
	}
}

// At and UnknownField name one place alike: the value of an unknown
// key inside an array's element.
func TestAtAgreesWithUnknownField(t *testing.T) {
	type choice struct {
		I int `json:"i"`
	}
	type doc struct {
		Choices []choice `json:"choices"`
	}
	b := []byte(`{"choices": [{"i": 0}, {"i": 1, "colour": 2}]}`)
	path, off, ok := UnknownField(b, reflect.TypeFor[doc](), "colour")
	assert.True(t, ok)
	assert.Equal(t, "choices[1].colour", path)
	assert.Equal(t, path, At(b, off+int64(len(`"colour": 2`)), "fallback"))
}

// Locate names the value At names and where it starts: a scalar's first
// byte, a container's opening delimiter, past the separators before it;
// -1 where no value starts at the offset.
func TestLocate(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		off       int
		path      string
		start     string // the document up to the value's start; "-" for -1
	}{
		{"a scalar", `{"a": [1,  "x"]}`, len(`{"a": [1,  "x"`), "a[1]", `{"a": [1,  `},
		{"an object for a scalar", "{\"a\":\n\t{\"b\": 1}}", len("{\"a\":\n\t{"), "a", "{\"a\":\n\t"},
		{"an array element", `{"c": [{"i": 0}, [2]]}`, len(`{"c": [{"i": 0}, [`), "c[1]", `{"c": [{"i": 0}, `},
		{"a closed object", `{"c": [{"i": 0}]}`, len(`{"c": [{"i": 0}`), "c[0]", "-"},
		{"past the end", `{"a": 1}`, 40, "fallback", "-"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, start := Locate([]byte(tc.doc), int64(tc.off), "fallback")
			assert.Equal(t, tc.path, path)
			want := int64(len(tc.start))
			if tc.start == "-" {
				want = -1
			}
			assert.Equal(t, want, start)
		})
	}
}
