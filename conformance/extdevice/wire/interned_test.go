package wire

import (
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInternedKeys: every key a recorded session's lines spell, at any
// depth, is interned (the reflection walk reaches every part of Message),
// and so is every op.
func TestInternedKeys(t *testing.T) {
	data, err := os.ReadFile("../testdata/session.transcript")
	require.NoError(t, err)
	// The keys of knobs and rules are knob names, not the protocol's.
	fields := regexp.MustCompile(`"(knobs|rules)":\{[^}]*\}`).ReplaceAll(data, nil)
	keys := regexp.MustCompile(`"([a-z_]+)":`).FindAllSubmatch(fields, -1)
	require.Greater(t, len(keys), 100)
	for _, k := range keys {
		assert.Contains(t, interned, string(k[1]))
	}
	for _, op := range regexp.MustCompile(`"op":"([a-z-]+)"`).FindAllSubmatch(data, -1) {
		assert.Contains(t, interned, string(op[1]))
	}
	for _, want := range []string{"id", "op", "event", "tlp", "kind", "addr", "data", "read_data", "status", "digest", "wire", "tx", "arrivals", "link_up"} {
		assert.Equal(t, want, interned[want])
	}
}
