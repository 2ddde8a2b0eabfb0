package reseal

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestJSON: every spelling of the checksum key goes, the new one is what
// sum computed over the rest; what is not an object, or what sum
// refuses, comes back as it was.
func TestJSON(t *testing.T) {
	length := func(body []byte) (string, bool) { return string(rune('0' + len(body)%10)), true }
	got, ok := JSON([]byte(`{"a":1,"Checksum":"x","checksum":"y"}`), length)
	require.True(t, ok)
	var m map[string]any
	require.NoError(t, json.Unmarshal(got, &m))
	assert.Equal(t, map[string]any{"a": 1.0, "checksum": "7"}, m, `sum saw {"a":1}, 7 bytes`)

	for _, in := range []string{`[1]`, `null`, `{`, `"s"`} {
		out, ok := JSON([]byte(in), length)
		assert.False(t, ok, in)
		assert.Equal(t, in, string(out))
	}
	out, ok := JSON([]byte(`{"a":1}`), func([]byte) (string, bool) { return "", false })
	assert.False(t, ok)
	assert.Equal(t, `{"a":1}`, string(out))
}
