package verdicttable

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
)

// writeJSON returns the JSON document of rows, decoded.
func writeJSON(t *testing.T, rows ...catalog.Outcome) jsonDoc {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, WriteJSON(&b, rows, t.TempDir(), ""))
	var doc jsonDoc
	require.NoError(t, json.Unmarshal(b.Bytes(), &doc), b.String())
	require.Len(t, doc.Rows, len(rows))
	return doc
}

// TestWriteJSON_FindingOfACrossCheck: a row whose finding the cross-check
// made names the scenario's own strategy and the one that found it.
func TestWriteJSON_FindingOfACrossCheck(t *testing.T) {
	doc := writeJSON(t, crossCheckRow(t))
	r := doc.Rows[0]
	assert.Equal(t, "error", r.Got)
	assert.Equal(t, "vf-reset", r.Oracle)
	assert.False(t, r.Match)
	assert.Equal(t, engine.StrategyRandom, r.Explored.Strategy)
	assert.Equal(t, engine.StrategyPCT, r.Explored.FindingStrategy)
	require.NotNil(t, r.Explored.FindingIndex)
	assert.Equal(t, 1, *r.Explored.FindingIndex)
	assert.Equal(t, 0, doc.Match)
	assert.Equal(t, 1, doc.Mismatch)
}
