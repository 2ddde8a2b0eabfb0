package member

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// TestOwnValues: the values end up equal, in one copy the input does not
// reach, each capped; an empty value becomes nil as append([]byte(nil))
// made it.
func TestOwnValues(t *testing.T) {
	tests := []struct {
		name   string
		values [][]byte
	}{
		{"none", nil},
		{"one", [][]byte{{1, 2, 3}}},
		{"several", [][]byte{{1}, {2, 3}, make([]byte, 32)}},
		{"empty ones", [][]byte{{}, {4}, nil, {5, 6}}},
		{"all empty", [][]byte{{}, nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var in []byte
			var ps []devctx.Part
			for _, v := range tc.values {
				start := len(in)
				in = append(in, v...)
				ps = append(ps, devctx.NewPart(spec.PartDrvFeatures, in[start:len(in):len(in)]))
			}
			ownValues(ps)
			for i := range in {
				in[i] = 0xee
			}
			require.Len(t, ps, len(tc.values))
			for i, v := range tc.values {
				if len(v) == 0 {
					assert.Nil(t, ps[i].Value, "part %d", i)
					continue
				}
				assert.Equal(t, v, ps[i].Value, "part %d", i)
				assert.Equal(t, len(v), cap(ps[i].Value), "part %d capped", i)
			}
		})
	}
}
