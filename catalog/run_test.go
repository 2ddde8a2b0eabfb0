package catalog

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRowOrder(t *testing.T) {
	cases := []struct {
		name  string
		costs []int
		want  []int
	}{
		{"empty", nil, []int{}},
		{"longest first", []int{5, 50, 20}, []int{1, 2, 0}},
		{"ties keep table order", []int{7, 9, 7, 9}, []int{1, 3, 0, 2}},
		{"already sorted", []int{3, 2, 1}, []int{0, 1, 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, rowOrder(c.costs))
		})
	}
}

// TestRowRuns: a row's cost is the sum of its explorations' budgets, the
// proof's included, and follows ProofRuns and MaxRuns.
func TestRowRuns(t *testing.T) {
	s, err := CatalogScenario("smoke-migrate")
	require.NoError(t, err)
	e := s.Expect[0]
	b := s.RowBudget(e)
	require.Positive(t, b.Proof, "smoke-migrate's pass rows are proved")
	assert.Equal(t, b.Schedules+b.Proof, JudgeConfig{}.rowRuns(s, e))
	assert.Equal(t, b.Schedules+b.Proof+1000, JudgeConfig{ProofRuns: b.Proof + 1000}.rowRuns(s, e))
	assert.Equal(t, 2*min(b.Schedules, 7), JudgeConfig{MaxRuns: 7}.rowRuns(s, e))
}
