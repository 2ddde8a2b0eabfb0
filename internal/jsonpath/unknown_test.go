package jsonpath

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An unknown key is named by its path and the byte offset of its opening
// quote, also where the same name is a known key elsewhere in the file
// (label is a choice's field, not the schedule's), matched as
// encoding/json matches keys (ignoring case) and inside embedded structs.
func TestUnknownField(t *testing.T) {
	type inner struct {
		Label string `json:"label"`
	}
	type embedded struct {
		Extra int `json:"extra"`
	}
	type doc struct {
		embedded
		Name    string            `json:"name"`
		Items   []inner           `json:"items"`
		Ptr     *inner            `json:"ptr,omitempty"`
		Free    map[string]string `json:"free"`
		Raw     json.RawMessage   `json:"raw"`
		NoTag   int
		skipped int
	}
	for _, tc := range []struct {
		name, doc, key, want string
	}{
		{"top level", `{"name": "x", "colour": 1}`, "colour", "colour"},
		{"in an array's element", `{"items": [{"label": "a"}, {"lable": "b"}]}`, "lable", "items[1].lable"},
		{"known elsewhere", `{"items": [{"label": "a"}], "label": "b"}`, "label", "label"},
		{"behind a pointer", `{"ptr": {"label": "a", "x": 1}}`, "x", "ptr.x"},
		{"after a map and a raw value", `{"free": {"x": "y"}, "raw": {"x": 1}, "x": 2}`, "x", "x"},
		{"after case-folded and untagged keys", `{"NAME": "a", "notag": 1, "Extra": 2, "skipped": 3}`, "skipped", "skipped"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := []byte(tc.doc)
			dec := json.NewDecoder(strings.NewReader(tc.doc))
			dec.DisallowUnknownFields()
			var v doc
			err := dec.Decode(&v)
			require.EqualError(t, err, `json: unknown field "`+tc.key+`"`, "the case must be one encoding/json refuses")
			path, off, ok := UnknownField(b, reflect.TypeFor[doc](), tc.key)
			require.True(t, ok)
			assert.Equal(t, tc.want, path)
			assert.Equal(t, `"`+tc.key+`"`, string(b[off:off+int64(len(tc.key))+2]), "the offset is the key's opening quote")
		})
	}
	_, _, ok := UnknownField([]byte(`{"name": "x"}`), reflect.TypeFor[doc](), "colour")
	assert.False(t, ok, "a key the document lacks is not placed")
}
