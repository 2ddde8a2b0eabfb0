package scenario

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCheckErrorCap: a load error lists the first MaxReportedProblems
// problems in file order, each with file:line:col, and counts the rest on
// one last line; the error keeps every problem for a caller that wants
// them, and a file with no more than the cap lists them all.
func TestCheckErrorCap(t *testing.T) {
	at := regexp.MustCompile(`^big\.scn:\d+:\d+: write: count=999: want a number 1\.\.256$`)
	for _, tc := range []struct {
		name     string
		bad      int
		wantMore string // the last line, "" when every problem is listed
	}{
		{"one problem", 1, ""},
		{"exactly the cap", MaxReportedProblems, ""},
		{"one more than the cap", MaxReportedProblems + 1,
			fmt.Sprintf("big.scn: … and 1 more problem (%d in all; the first %d are listed, in file order)", MaxReportedProblems+1, MaxReportedProblems)},
		{"thousands", 5000,
			fmt.Sprintf("big.scn: … and %d more problems (5000 in all; the first %d are listed, in file order)", 5000-MaxReportedProblems, MaxReportedProblems)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "scenario big\nvfs 1\nqueues 1\nguest g\n" + strings.Repeat("  write count=999\n", tc.bad)
			_, err := ParseAndCheck("big.scn", []byte(src), argsVocabulary())
			var ce *CheckError
			require.ErrorAs(t, err, &ce)
			assert.Len(t, ce.Problems, tc.bad, "every problem is kept")
			lines := strings.Split(err.Error(), "\n")
			listed := min(tc.bad, MaxReportedProblems)
			if tc.wantMore == "" {
				require.Len(t, lines, listed)
			} else {
				require.Len(t, lines, listed+1)
				assert.Equal(t, tc.wantMore, lines[listed])
			}
			for i, l := range lines[:listed] {
				assert.Regexp(t, at, l)
				assert.True(t, strings.HasPrefix(l, fmt.Sprintf("big.scn:%d:", 5+i)), "file order: %q", l)
			}
		})
	}
}
