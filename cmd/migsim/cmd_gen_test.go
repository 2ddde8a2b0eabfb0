package main

import (
	"fmt"
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

// TestGenCheckNamesLinesOfTheWrittenText: a property's message names the
// line of the text gen wrote (placeholder note included), not line 0 of
// the generator's unnumbered scenario.
func TestGenCheckNamesLinesOfTheWrittenText(t *testing.T) {
	text := gen.Text(gen.Generate(1, catalog.Vocabulary(), gen.DefaultConfig))
	lineOf := func(s, sub string) int {
		i := strings.Index(s, sub)
		require.GreaterOrEqual(t, i, 0, "%q in the generated text", sub)
		return strings.Count(s[:i], "\n") + 1
	}
	tests := []struct {
		name, old, new string
	}{
		{"unknown guest verb", "  probe\n", "  frobnicate\n"},
		{"unknown setting", "set capacity=", "set no-such-setting=1 capacity="},
		{"an expectation the text cannot hold", "expect virtio-1.4 pass", "expect virtio-1.4 pass knobs=no-such-knob=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			broken := strings.Replace(text, tt.old, tt.new, 1)
			require.NotEqual(t, text, broken)
			want := fmt.Sprintf("out/gen-1.scn:%d", lineOf(broken, strings.TrimSpace(tt.new)))
			_, err := checkWritten("out/gen-1.scn", broken)
			require.Error(t, err)
			assert.Contains(t, err.Error(), want)
			assert.NotContains(t, err.Error(), "gen-1.scn:0")
		})
	}
}
