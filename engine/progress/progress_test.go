package progress

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The status line: counts, the rate, and a newline only on the final call.
func TestLine(t *testing.T) {
	var b bytes.Buffer
	Line(&b)(Snapshot{Done: 10, Total: 20, Executed: 4, Distinct: 3, Findings: 1, Elapsed: 2 * time.Second, Final: true})
	assert.Equal(t, "\rexplore: 10/20 schedules (4 executed), 5/s, 3 distinct interleavings, 1 finding\n", b.String())
	b.Reset()
	Line(&b)(Snapshot{Done: 1, Total: 2, Executed: 1, Distinct: 1, Findings: 0, Elapsed: time.Second})
	assert.Equal(t, "\rexplore: 1/2 schedules (1 executed), 1/s, 1 distinct interleaving, 0 findings", b.String())
}

// A pipe or file is not a terminal, so no progress line is drawn.
func TestIsTerminalFalseForFiles(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "progress")
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	assert.False(t, IsTerminal(f))
}

// A count of distinct interleavings past the explorer's cap is a lower
// bound, and prints as one.
func TestDistinctText(t *testing.T) {
	for _, tc := range []struct {
		s           Snapshot
		count, text string
	}{
		{Snapshot{Distinct: 1}, "1", "1 distinct interleaving"},
		{Snapshot{Distinct: 5}, "5", "5 distinct interleavings"},
		{Snapshot{Distinct: 2097152, DistinctCapped: true}, "≥2097152", "≥2097152 distinct interleavings"},
	} {
		assert.Equal(t, tc.text, tc.s.DistinctText())
		assert.Equal(t, tc.count, DistinctCount(tc.s.Distinct, tc.s.DistinctCapped))
	}
	var b bytes.Buffer
	Line(&b)(Snapshot{Done: 9, Total: 9, Executed: 9, Distinct: 4, DistinctCapped: true, Elapsed: time.Second, Final: true})
	assert.Equal(t, "\rexplore: 9/9 schedules (9 executed), 9/s, ≥4 distinct interleavings, 0 findings\n", b.String())
}
