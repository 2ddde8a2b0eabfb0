package catalog

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCheckGenerated_RaceOfTheFinding: reference-self judges what the
// judge's race check judges. A guest program racing with itself at one
// narrow point passes the few random and pct runs without migration made
// before judging, and breaks the property once its transparent finding's
// own schedule, replayed without migration, shows the race.
func TestCheckGenerated_RaceOfTheFinding(t *testing.T) {
	s, err := LoadScenarioFile("testdata/race/narrow-race.scn")
	require.NoError(t, err)
	e := s.Expect[0]
	require.NoError(t, checkReference(s, e, 2, &referenceLogs{}), "the runs before judging miss the narrow race")
	err = CheckGenerated(context.Background(), s, 2)
	require.Error(t, err)
	assert.True(t, IsProperty(err, "reference-self"), "%v", err)
	assert.Contains(t, err.Error(), "the judge's transparent finding (finding-schedule evidence)")
}
