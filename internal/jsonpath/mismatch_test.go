package jsonpath

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hexWord decodes itself from a "0x…" string although its Go kind is a
// number, and says so.
type hexWord uint64

func (h *hexWord) UnmarshalJSON([]byte) error { return nil }
func (hexWord) JSONKind() string              { return "string" }

// opaque decodes itself and declares nothing.
type opaque uint64

func (o *opaque) UnmarshalJSON([]byte) error { return nil }

// hexBytes decodes itself from a string of hex digits.
type hexBytes []byte

func (b *hexBytes) UnmarshalJSON([]byte) error { return nil }
func (hexBytes) JSONKind() string              { return "string" }

// label decodes from text: encoding/json takes a JSON string for it.
type label struct{ s string }

func (l *label) UnmarshalText(b []byte) error { l.s = string(b); return nil }

// Kind names what a field takes as JSON does, a type that decodes itself
// included, never its Go type where a JSON kind can be named.
func TestKind(t *testing.T) {
	for _, tc := range []struct {
		t    reflect.Type
		want string
	}{
		{reflect.TypeFor[string](), "string"},
		{reflect.TypeFor[*int](), "number"},
		{reflect.TypeFor[uint8](), "number"},
		{reflect.TypeFor[float64](), "number"},
		{reflect.TypeFor[bool](), "boolean"},
		{reflect.TypeFor[[]string](), "array"},
		{reflect.TypeFor[[4]byte](), "array"},
		{reflect.TypeFor[map[string]int](), "object"},
		{reflect.TypeFor[struct{ A int }](), "object"},
		{reflect.TypeFor[[]byte](), "string"},
		{reflect.TypeFor[json.Number](), "number"},
		{reflect.TypeFor[hexWord](), "string"},
		{reflect.TypeFor[*hexWord](), "string"},
		{reflect.TypeFor[hexBytes](), "string"},
		{reflect.TypeFor[label](), "string"},
		{reflect.TypeFor[opaque](), "jsonpath.opaque"},
		{reflect.TypeFor[any](), "interface {}"},
		{reflect.TypeFor[error](), "error"},
	} {
		assert.Equal(t, tc.want, Kind(tc.t), tc.t.String())
	}
}

// selfDecoding decodes its bytes with encoding/json again, as a schedule
// embedded in a shard summary does: the decoder's offset of an error
// inside it counts from its start.
type selfDecoding struct {
	I []struct {
		X int `json:"x"`
	} `json:"i"`
}

func (s *selfDecoding) UnmarshalJSON(b []byte) error {
	type plain selfDecoding
	return json.Unmarshal(b, (*plain)(s))
}

// MismatchOf names the value of the wrong kind by its full path and its
// first byte, and both kinds as JSON does, also inside a value that
// decodes itself.
func TestMismatchOf(t *testing.T) {
	type doc struct {
		Pad  []int `json:"pad"`
		Flag bool  `json:"flag"`
		Tiny uint8 `json:"tiny"`
		List []struct {
			S selfDecoding `json:"s"`
			L label        `json:"l"`
			M map[string]int16
		} `json:"list"`
	}
	for _, tc := range []struct {
		name, text string
		at         string // the text before the value named
		path, got  string
		want       string
	}{
		{"a scalar", `{"pad": [1, "x"]}`, `{"pad": [1, `, "pad[1]", "string", "number (integer -2^63..2^63-1)"},
		{"a boolean", `{"flag": 1}`, `{"flag": `, "flag", "number", "boolean"},
		{"a boolean in place of a list", `{"pad": true}`, `{"pad": `, "pad", "boolean", "array"},
		{"out of range", `{"tiny": 256}`, `{"tiny": `, "tiny", "number 256", "number (integer 0..255)"},
		{"an object in place of a list", `{"pad": {"a": 1}}`, `{"pad": `, "pad", "object", "array"},
		{"text wants a string", `{"list": [{"l": 5}]}`, `{"list": [{"l": `, "list[0].l", "number", "string"},
		{"inside a value that decodes itself",
			`{"pad": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], "list": [{"s": {"i": [{"x": 1}]}}, {"s": {"i": [{"x": 1}, {"x": "a"}]}}]}`,
			`{"pad": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], "list": [{"s": {"i": [{"x": 1}]}}, {"s": {"i": [{"x": 1}, {"x": `,
			"list[1].s.i[1].x", "string", "number (integer -2^63..2^63-1)"},
		{"a value that decodes itself, of the wrong kind", `{"pad": [1, 2, 3], "list": [{"s": "str"}]}`, `{"pad": [1, 2, 3], "list": [{"s": `,
			"list[0].s", "string", "object"},
		// The decoder leaves a map's key out of the field's name: the
		// value at its offset, as before.
		{"a map's value", `{"list": [{"M": {"k": "v"}}]}`, `{"list": [{"M": {"k": `, "list[0].M.k", "string", "number (integer -32768..32767)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.True(t, strings.HasPrefix(tc.text, tc.at))
			var d doc
			err := json.NewDecoder(bytes.NewReader([]byte(tc.text))).Decode(&d)
			var te *json.UnmarshalTypeError
			require.True(t, errors.As(err, &te), "%v", err)
			assert.Equal(t, Mismatch{Path: tc.path, Offset: int64(len(tc.at)), Got: tc.got, Want: tc.want}, MismatchOf([]byte(tc.text), te))
		})
	}
}

// Unnamed finds the fields whose kind Kind cannot name, through
// structs, lists, maps and embedded structs.
func TestUnnamed(t *testing.T) {
	type inner struct {
		O opaque `json:"o"`
		H hexWord
	}
	type doc struct {
		inner
		A   []inner           `json:"a"`
		M   map[string]opaque `json:"m"`
		Raw json.RawMessage   `json:"raw"`
		Any any               `json:"any"`
		E   error             `json:"e"`
		S   *selfDecoding     `json:"s"`
		Not opaque            `json:"-"`
	}
	assert.Equal(t, []string{"o", "a[].o", "m{}", "e", "s"}, Unnamed(reflect.TypeFor[doc]()))
	assert.Empty(t, Unnamed(reflect.TypeFor[struct{ B []byte }]()))
}
