package engine

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzParseEngineNames runs ParseStrategy (which even) or ParseReduction
// (which odd) on s: never a panic, errors name what was unknown, and a
// name that parses is its own printed form.
func FuzzParseEngineNames(f *testing.F) {
	for _, s := range append(append([]string{"", "DFS", "bfs", "reduction-3", "sleep "}, Strategies...), Reductions...) {
		f.Add(uint8(0), s)
		f.Add(uint8(1), s)
	}
	f.Fuzz(func(t *testing.T, which uint8, s string) {
		if which%2 == 0 {
			got, err := ParseStrategy(s)
			if err != nil {
				require.Contains(t, err.Error(), "engine: unknown strategy")
				return
			}
			require.Equal(t, s, got)
			return
		}
		r, err := ParseReduction(s)
		if err != nil {
			require.Contains(t, err.Error(), "engine: unknown reduction")
			return
		}
		require.Equal(t, s, r.String())
	})
}
