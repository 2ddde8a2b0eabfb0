package schedfile

import (
	"reflect"
	"testing"

	"github.com/migsim/migsim/internal/jsonpath"
	"github.com/stretchr/testify/assert"
)

// Every field of a schedule file has a JSON kind an error can name (a
// field of the wrong kind is reported as "got JSON string, want
// number", not by a Go type), and a schedule embedded in another
// document declares it is an object.
func TestFieldKinds(t *testing.T) {
	assert.Empty(t, jsonpath.Unnamed(reflect.TypeFor[stored]()))
	assert.Equal(t, "object", jsonpath.Kind(reflect.TypeFor[Schedule]()))
}
