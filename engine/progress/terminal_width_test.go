package progress

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// COLUMNS gives the width when it is a positive number; anything else
// leaves it to the terminal.
func TestWidthFrom(t *testing.T) {
	window := func() int { return 132 }
	for _, tc := range []struct {
		columns string
		want    int
	}{
		{"100", 100},
		{"40", 40},
		{"1", 1},
		{"", 132},
		{"0", 132},
		{"-80", 132},
		{"80x", 132},
		{" 80", 132},
		{"99999999999999999999999", 132},
	} {
		assert.Equal(t, tc.want, widthFrom(tc.columns, window), "COLUMNS=%q", tc.columns)
	}
	assert.Equal(t, 0, widthFrom("", func() int { return 0 }), "no COLUMNS and a terminal that does not know: 0")
}

// A file is no terminal: its width is 0 whatever COLUMNS says, so that
// output to a file or a pipe is never fitted to one.
func TestTerminalWidthOfAFile(t *testing.T) {
	t.Setenv("COLUMNS", "90")
	f, err := os.CreateTemp(t.TempDir(), "width")
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	assert.Equal(t, 0, TerminalWidth(f))
	assert.Equal(t, 0, windowWidth(f), "the ioctl fails on a regular file")
	r, w, err := os.Pipe()
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = r.Close(), w.Close() })
	assert.Equal(t, 0, TerminalWidth(w))
}
