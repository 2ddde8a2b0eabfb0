package wire

import (
	"reflect"
	"testing"

	"github.com/migsim/migsim/internal/jsonpath"
	"github.com/stretchr/testify/assert"
)

// Every field of a protocol message has a JSON kind an error can name;
// the hex types, whose Go kinds are a number and a list of bytes, are
// strings on the wire.
func TestMessageFieldKinds(t *testing.T) {
	assert.Empty(t, jsonpath.Unnamed(reflect.TypeFor[Message]()))
	assert.Equal(t, "string", jsonpath.Kind(reflect.TypeFor[Hex64]()))
	assert.Equal(t, "string", jsonpath.Kind(reflect.TypeFor[HexBytes]()))
}
