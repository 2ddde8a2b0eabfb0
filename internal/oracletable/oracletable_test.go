package oracletable

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/spec"
)

// TestEntries: one entry per registered oracle in registry order, and an
// edition keeps only the requirement IDs that apply to it.
func TestEntries(t *testing.T) {
	for _, ed := range []spec.Edition{0, spec.Draft2023, spec.Virtio14} {
		entries := Entries(ed)
		require.Len(t, entries, len(oracle.All()), "edition %v", ed)
		for i, o := range oracle.All() {
			assert.Equal(t, o.Info().Name, entries[i].Name)
			assert.NotNil(t, entries[i].Reqs, "reqs is [] in JSON, never null")
			for _, id := range entries[i].Reqs {
				r, ok := spec.LookupRequirement(id)
				require.True(t, ok, id)
				assert.True(t, ed == 0 || r.AppliesTo(ed), "%s kept for %v", id, ed)
			}
		}
	}
}

// TestWrite: the text has a row per oracle and per verdict; the JSON reads
// back to the entries it was written from.
func TestWrite(t *testing.T) {
	entries := Entries(0)
	var text bytes.Buffer
	require.NoError(t, WriteText(&text, entries))
	lines := strings.Split(strings.TrimSuffix(text.String(), "\n"), "\n")
	// A header per table and the blank line between them.
	assert.Len(t, lines, 1+len(entries)+2+len(oracle.Verdicts()))
	assert.True(t, strings.HasPrefix(lines[1], entries[0].Name+" "), lines[1])

	var js bytes.Buffer
	require.NoError(t, WriteJSON(&js, entries))
	var doc struct {
		Oracles  []Entry          `json:"oracles"`
		Verdicts []oracle.Verdict `json:"verdicts"`
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &doc))
	assert.Equal(t, entries, doc.Oracles)
	assert.Len(t, doc.Verdicts, len(oracle.Verdicts()))
}
