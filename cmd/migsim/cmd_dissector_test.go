package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// migsim dissector writes docs/migsim.lua byte for byte, which the binary
// carries (to stdout, or to --out FILE), so that a trace decodes outside
// the source tree; an output path it cannot take is refused before
// anything is written.
func TestDissector_WritesDocsMigsimLua(t *testing.T) {
	want, err := os.ReadFile("../../docs/migsim.lua")
	require.NoError(t, err)
	code, out, stderr := runSimCLI(t, "dissector")
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	assert.Equal(t, string(want), out)
	assert.Empty(t, stderr)

	p := filepath.Join(t.TempDir(), "migsim.lua")
	code, out, stderr = runSimCLI(t, "dissector", "--out", p)
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	assert.Empty(t, out)
	got, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"dissector", "--out", "-"}, `migsim dissector: --out: "-" would be a file named "-", not stdout`},
		{[]string{"dissector", "--out", ""}, "migsim dissector: --out: empty path"},
		{[]string{"dissector", "--out", t.TempDir()}, "is a directory (want a file)"},
		{[]string{"dissector", "x"}, `migsim dissector: unexpected arguments ["x"]`},
	} {
		code, out, stderr := runSimCLI(t, tc.args...)
		assert.Equal(t, cmdbase.ExitUsage, code, "%v", tc.args)
		assert.Empty(t, out, "%v", tc.args)
		assert.Contains(t, stderr, tc.want, "%v", tc.args)
	}
}
