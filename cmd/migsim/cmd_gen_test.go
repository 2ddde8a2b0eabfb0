package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/scenario/gen"
)

// TestGenMarksPlaceholderExpectations: what gen writes, to a directory or
// to stdout, says its expect lines are placeholders, and still loads; the
// help says so too.
func TestGenMarksPlaceholderExpectations(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		args  []string
		files []string
	}{
		{"--out", []string{"gen", "--seed", "8", "--count", "2", "--out", dir}, []string{"gen-8.scn", "gen-9.scn"}},
		{"stdout", []string{"gen", "--seed", "8"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runSpecCLI(t, tt.args...)
			require.Equal(t, cmdbase.ExitOK, code, errOut)
			if tt.files == nil {
				assert.Equal(t, 1, strings.Count(out, gen.PlaceholderNote), out)
				return
			}
			for _, f := range tt.files {
				p := filepath.Join(dir, f)
				assert.Contains(t, out, "wrote "+p)
				b, err := os.ReadFile(p)
				require.NoError(t, err)
				assert.Contains(t, string(b), gen.PlaceholderNote+"expect ")
				_, err = catalog.LoadScenarioFile(p)
				assert.NoError(t, err, "%s loads", f)
			}
		})
	}
	code, out, _ := runSpecCLI(t, "gen", "--help")
	require.Equal(t, cmdbase.ExitOK, code)
	assert.Contains(t, out, "The expect lines (pass) are placeholders, not predictions")
}

// TestGenCheckCountsScenarios: --check's closing line counts the
// scenarios it checked in words ("1 scenario", not "1 scenarios").
func TestGenCheckCountsScenarios(t *testing.T) {
	code, _, errOut := runSpecCLI(t, "gen", "--seed", "3", "--check")
	require.Equal(t, cmdbase.ExitOK, code, errOut)
	assert.Contains(t, errOut, "migsim gen: 1 scenario from seed 3: every property holds\n")
}
