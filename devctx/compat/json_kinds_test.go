package compat

import (
	"reflect"
	"testing"

	"github.com/migsim/migsim/internal/jsonpath"
	"github.com/stretchr/testify/assert"
)

// Every field of a source or destination description has a JSON kind an
// error can name ("got JSON number, want string").
func TestDescriptionFieldKinds(t *testing.T) {
	assert.Empty(t, jsonpath.Unnamed(reflect.TypeFor[jsonSource]()))
	assert.Empty(t, jsonpath.Unnamed(reflect.TypeFor[jsonDest]()))
}
