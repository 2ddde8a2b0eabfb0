package owner

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzParseMigState: only a state's own name parses, to that state, and an
// error quotes what it was given.
func FuzzParseMigState(f *testing.F) {
	for _, s := range append(migStateNames[:], "", "STATE_9", "stop", "RUNNING ") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		st, err := ParseMigState(s)
		if err != nil {
			require.Contains(t, err.Error(), "owner: unknown VFIO state")
			return
		}
		require.Equal(t, s, st.String())
	})
}
