package shellquote

import (
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQuote: plain words stay as they are; anything else is single-quoted
// so that a shell reads back exactly the word.
func TestQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"catalog/testdata/regress/a_b=c.json", "catalog/testdata/regress/a_b=c.json"},
		{"exec:./dev.py", "exec:./dev.py"},
		{"", "''"},
		{"a b", "'a b'"},
		{"it's", `'it'\''s'`},
		{"$HOME", "'$HOME'"},
		{"x;rm -rf", "'x;rm -rf'"},
	} {
		assert.Equal(t, tc.want, Quote(tc.in), "%q", tc.in)
		sh, err := exec.LookPath("sh")
		if err != nil {
			continue
		}
		out, err := exec.Command(sh, "-c", "printf %s "+Quote(tc.in)).Output()
		require.NoError(t, err)
		assert.Equal(t, tc.in, string(out), "the shell reads back %q", tc.in)
	}
}
