package explain

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Explain keeps the finding only for the recorded run's reason, as the
// slice's checks do (SameReason): with b's write hastened ahead of a's
// (or a's delayed past b's) the check still fails, but because y was
// written first, which loses the finding, and the order says what the
// reversed run had instead. Comparing oracles only, every move kept "the
// finding" and Explain said that no ordering decides it.
func TestExplain_KeepsTheFindingsReason(t *testing.T) {
	res := orderRun(t)
	ex, err := Explain(context.Background(), orderFactory, 1, res, Config{})
	require.NoError(t, err)
	assert.Equal(t, []Order{{Before: 0, After: 1, Moved: 1, Instead: "order", InsteadMessage: "y written first"}}, exported(ex.Orders),
		"a:write x before b:write y")
	assert.Equal(t, 3, ex.Checked)
	assert.Contains(t, ex.Text(), "1 ordering decides it")

	// The order's runs: the finding stays in the one, and in the other
	// the check fails for the other write.
	kept, gone := ex.Orders[0].Runs()
	assert.Equal(t, []string{"a:write x", "b:write y", "c:check"}, choiceLabels(kept))
	assert.Equal(t, []string{"b:write y", "a:write x", "c:check"}, choiceLabels(gone))
}
