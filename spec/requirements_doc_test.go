package spec

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The generated docs' requirement list: nothing for no IDs, one line per
// ID in the order given, a known ID with its level, editions and text,
// an unknown one said to be missing.
func TestRequirementsSection(t *testing.T) {
	assert.Empty(t, RequirementsSection(nil))
	known := Requirements()[0]
	got := RequirementsSection([]string{known.ID, "NO-SUCH-01"})
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	require.Len(t, lines, 4, got)
	assert.Equal(t, "", lines[0])
	assert.Equal(t, "**Requirements.**", lines[1])
	assert.True(t, strings.HasPrefix(lines[2], "- "+known.ID+" ("+known.Level+", "+known.Editions[0].String()), lines[2])
	assert.True(t, strings.HasSuffix(lines[2], strings.ReplaceAll(known.Text, "|", `\|`)+"."), lines[2])
	assert.Equal(t, "- NO-SUCH-01: not in the requirement catalog.", lines[3])
}
