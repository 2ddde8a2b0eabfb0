package schedfile

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
)

// jsonPath names the value that ends at an offset by its full path, array
// indices included, and falls back to the decoder's name where no value
// ends there.
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
