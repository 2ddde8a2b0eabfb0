package wire

import (
	"os"
	"regexp"
	"strings"
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

// TestLookupInterned: the lookup finds every interned string, itself, and
// no other string.
func TestLookupInterned(t *testing.T) {
	longest := 0
	for s := range interned {
		got, ok := lookupInterned([]byte(s))
		assert.True(t, ok, s)
		assert.Equal(t, s, got)
		longest = max(longest, len(internBuckets[internHash([]byte(s))]))
		for _, other := range []string{s + "x", s[:len(s)-1], "x" + s, strings.ToUpper(s)} {
			if _, in := interned[other]; !in {
				_, ok := lookupInterned([]byte(other))
				assert.False(t, ok, other)
			}
		}
	}
	assert.LessOrEqual(t, longest, 4, "a bucket's strings")
	_, ok := lookupInterned(nil)
	assert.False(t, ok)
}
