package schedfile

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jsonPath names the value that ends at an offset, or whose opening
// delimiter does, by its full path, array indices included, and falls back
// to the decoder's name where no value is there.
func TestJSONPath(t *testing.T) {
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
			assert.Equal(t, tc.want, jsonPath([]byte(tc.doc), tc.off, "fallback"))
		})
	}
}

// framePath is the one path builder of jsonPath and UnknownField: object
// keys joined by dots, array elements by their index, outermost first.
func TestFramePath(t *testing.T) {
	cases := []struct {
		name  string
		stack []pathFrame
		want  string
	}{
		{"no frame", nil, ""},
		{"a top-level key", []pathFrame{{key: "a"}}, "a"},
		{"an element's key", []pathFrame{{key: "choices"}, {array: true, n: 4}, {key: "i"}}, "choices[3].i"},
		{"nested arrays", []pathFrame{{key: "l"}, {array: true, n: 2}, {array: true, n: 1}}, "l[1][0]"},
		{"a document that is an array", []pathFrame{{array: true, n: 1}, {key: "k"}}, "[0].k"},
		{"nested objects", []pathFrame{{key: "o"}, {key: "p"}, {key: "q"}}, "o.p.q"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, framePath(tc.stack), tc.name)
	}
}

// jsonPath and UnknownField name one place alike: the value of an unknown
// key inside an array's element.
func TestJSONPathAgreesWithUnknownField(t *testing.T) {
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
	assert.Equal(t, path, jsonPath(b, off+int64(len(`"colour": 2`)), "fallback"))
}

// An object or an array where a schedule file wants a number is named by
// its own path, not by the path of the first value inside it (which is no
// field of a schedule), with the byte offset encoding/json gives.
func TestParse_ContainerOfTheWrongType(t *testing.T) {
	valid, err := os.ReadFile(filepath.Join("testdata", "sched", "valid.json"))
	require.NoError(t, err)
	for _, tc := range []struct{ old, new, want string }{
		{`"steps": 2,`, `"steps": {"a": 1},`, "field steps: got JSON object, want int"},
		{`"steps": 2,`, `"steps": [1, 2],`, "field steps: got JSON array, want int"},
		{`{"i": 1, "actor": 1,`, `{"i": {"x": [1]}, "actor": 1,`, "field choices[1].i: got JSON object, want int"},
	} {
		doc := bytes.Replace(valid, []byte(tc.old), []byte(tc.new), 1)
		require.NotEqual(t, valid, doc)
		_, err := Parse(doc)
		assert.ErrorContains(t, err, tc.want, tc.new)
	}
}
