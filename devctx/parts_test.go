package devctx

import (
	"hash/fnv"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/spec"
)

// TestPartsFNV64a: the digest streamed over the parts is the FNV-64a hash
// of their encoding, for no parts, one, and a whole context's worth.
func TestPartsFNV64a(t *testing.T) {
	for _, tc := range []struct {
		name  string
		parts []Part
	}{
		{"none", nil},
		{"one optional", []Part{{Type: 0x106, Flags: spec.PartFlagOptional, Value: []byte{1}}}},
		{"a context", []Part{dev8, drv8, qsel, status, vq0, vq1, notify0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := fnv.New64a()
			h.Write(EncodeParts(tc.parts))
			assert.Equal(t, h.Sum64(), PartsFNV64a(tc.parts))
		})
	}
}
