package progress

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// On a terminal a status line is rewritten in place and ended by Final or
// End; elsewhere every status is a line of its own.
func TestLines(t *testing.T) {
	var b bytes.Buffer
	term := &Lines{w: &b, terminal: true}
	term.Status("a %d", 1)
	term.Status("b")
	term.End()
	term.End() // nothing open: nothing written
	term.Status("c")
	term.Final("done")
	assert.Equal(t, "\r\033[Ka 1\r\033[Kb\n\r\033[Kc\r\033[Kdone\n", b.String())

	b.Reset()
	plain, err := ForMode("always", &b)
	require.NoError(t, err)
	plain.Status("a")
	plain.End()
	plain.Final("done")
	assert.Equal(t, "a\ndone\n", b.String())

	none, err := ForMode("auto", &b)
	require.NoError(t, err)
	assert.Nil(t, none, "a buffer is not a terminal")
	none, err = ForMode("never", &b)
	require.NoError(t, err)
	assert.Nil(t, none)
	_, err = ForMode("sometimes", &b)
	assert.EqualError(t, err, `--progress "sometimes": want auto, always or never`)
}
