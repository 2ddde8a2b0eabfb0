package schedfile

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An object or an array where a schedule file wants a number is named by
// its own path, not by the path of the first value inside it (which is no
// field of a schedule), with the byte offset encoding/json gives.
func TestParse_ContainerOfTheWrongType(t *testing.T) {
	valid, err := os.ReadFile(filepath.Join("testdata", "sched", "valid.json"))
	require.NoError(t, err)
	for _, tc := range []struct{ old, new, want string }{
		{`"steps": 2,`, `"steps": {"a": 1},`, "field steps: got JSON object, want number (integer -2^63..2^63-1)"},
		{`"steps": 2,`, `"steps": [1, 2],`, "field steps: got JSON array, want number (integer -2^63..2^63-1)"},
		{`{"i": 1, "actor": 1,`, `{"i": {"x": [1]}, "actor": 1,`, "field choices[1].i: got JSON object, want number (integer -2^63..2^63-1)"},
	} {
		doc := bytes.Replace(valid, []byte(tc.old), []byte(tc.new), 1)
		require.NotEqual(t, valid, doc)
		_, err := Parse(doc)
		assert.ErrorContains(t, err, tc.want, tc.new)
	}
}
