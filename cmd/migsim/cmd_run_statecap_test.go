package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// TestRun_StateCap: run --state-cap is the cap of the rows' dfs searches
// with state pruning: with the least cap the pass row's proof fills its
// state table, and its exploration says at which run and with which cap,
// in JSON and in its text; without the flag the same proof fills nothing
// and its JSON has none of the three fields.
func TestRun_StateCap(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		full bool
	}{
		{"the least cap fills", []string{"--state-cap", "1024"}, true},
		{"the default cap does not", nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"run", flrScenario, "--spec", "draft-2023", "--progress", "never", "--format", "json"}, c.args...)
			code, out, stderr := runSimCLI(t, args...)
			require.Equal(t, cmdbase.ExitOK, code, stderr)
			var doc struct {
				Rows []struct {
					Expected string `json:"expected"`
					Explored struct {
						Explorations []map[string]any `json:"explorations"`
					} `json:"explored"`
				} `json:"rows"`
			}
			require.NoError(t, json.Unmarshal([]byte(out), &doc), out)
			var proof map[string]any
			for _, r := range doc.Rows {
				for _, e := range r.Explored.Explorations {
					if r.Expected == "pass" && e["role"] == "proof" {
						proof = e
					}
				}
			}
			require.NotNil(t, proof, "the pass row has a proof: %s", out)
			for _, field := range []string{"states_full", "transitions_full", "state_cap"} {
				_, ok := proof[field]
				assert.Equal(t, c.full, ok, "%s: %v", field, proof)
			}
			text, _ := proof["text"].(string)
			assert.Equal(t, c.full, strings.Contains(text, "state table full at run"), text)
			if c.full {
				assert.InDelta(t, 1024, proof["state_cap"], 0)
				assert.Positive(t, proof["states_full"])
			}
		})
	}
}
