package report

import (
	"reflect"
	"testing"

	"github.com/migsim/migsim/internal/jsonpath"
	"github.com/stretchr/testify/assert"
)

// Every field of a shard summary has a JSON kind an error can name (a
// field of the wrong kind is reported as "got JSON string, want
// number", not by a Go type).
func TestShardFile_FieldKinds(t *testing.T) {
	assert.Empty(t, jsonpath.Unnamed(reflect.TypeFor[ShardFile]()))
}
