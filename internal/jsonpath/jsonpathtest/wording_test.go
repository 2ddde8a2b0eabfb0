package jsonpathtest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestKindWordingProblem(t *testing.T) {
	doc := []byte(`{"a": "x", "b": [1], "c": 12, "d": true}`)
	cases := []struct {
		name, err, want string
	}{
		{"not about a kind", "unknown field \"z\"", ""},
		{"string at its first byte", "field a: got JSON string, want number (byte offset 6)", ""},
		{"array at its first byte", "field b: got JSON array, want object (byte offset 16)", ""},
		{"number at its first byte", "field c: got JSON number 12, want string (byte offset 26)", ""},
		{"boolean at its first byte", "field d: got JSON boolean, want a string (byte offset 35)", ""},
		{"a Go type wanted", "field a: got JSON string, want explain.Order (byte offset 6)", "the wanted kind is not JSON's"},
		{"offset past the end", "field a: got JSON string, want number (byte offset 400)", "the byte offset is outside the document"},
		{"offset at another value's byte", "field a: got JSON string, want number (byte offset 5)", "the byte offset is not the first byte of a string"},
		{"a number named as a string", "field c: got JSON string, want number (byte offset 26)", "the byte offset is not the first byte of a string"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, KindWordingProblem(c.err, doc))
		})
	}
}
