package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestShrinkText(t *testing.T) {
	size := func(steps, preemptions, relevant int) Size {
		return Size{Steps: steps, Preemptions: preemptions, Relevant: relevant}
	}
	for _, tc := range []struct {
		name          string
		before, after Size
		want          string
	}{
		{"fewer preemptions for one more step reads as the trade it is", size(231, 76, 231), size(232, 0, 232),
			"231 steps, 76 preemptions -> 232 steps, 0 preemptions: 76 fewer preemptions for 1 more relevant step and 1 more step, as preemptions rank first"},
		{"fewer of everything", size(120, 3, 100), size(40, 0, 12),
			"120 steps, 3 preemptions -> 40 steps, 0 preemptions: 3 fewer preemptions, 88 fewer relevant steps, 80 fewer steps"},
		{"fewer relevant steps for more steps", size(50, 0, 30), size(53, 0, 10),
			"50 steps, 0 preemptions -> 53 steps, 0 preemptions: 20 fewer relevant steps for 3 more steps, as relevant steps rank before steps"},
		{"only fewer steps", size(50, 1, 50), size(49, 1, 50),
			"50 steps, 1 preemption -> 49 steps, 1 preemption: 1 fewer step"},
		{"nothing smaller", size(12, 1, 12), size(12, 1, 12),
			"12 steps, 1 preemption -> 12 steps, 1 preemption: no smaller schedule fails the same way"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, ShrinkText(tc.before, tc.after))
		})
	}
}

// A shrink the interrupt or its replay budget cut before it found anything
// smaller does not claim that nothing smaller fails the same way: it did
// not look; one the budget cut after a gain says it may shrink further.
func TestShrinkResultText(t *testing.T) {
	same := Size{Steps: 166, Relevant: 166}
	for _, tc := range []struct {
		name string
		sr   ShrinkResult
		want string
	}{
		{"finished, nothing smaller", ShrinkResult{Before: same, After: same},
			"166 steps, 0 preemptions -> 166 steps, 0 preemptions: no smaller schedule fails the same way"},
		{"interrupted, nothing smaller yet", ShrinkResult{Before: same, After: same, Interrupted: true},
			"166 steps, 0 preemptions -> 166 steps, 0 preemptions: interrupted before a smaller schedule was found"},
		{"interrupted after a gain", ShrinkResult{Before: Size{Steps: 170, Preemptions: 2, Relevant: 170}, After: same, Interrupted: true},
			"170 steps, 2 preemptions -> 166 steps, 0 preemptions: 2 fewer preemptions, 4 fewer relevant steps, 4 fewer steps"},
		{"budget spent, nothing smaller yet", ShrinkResult{Before: same, After: same, BudgetSpent: true},
			"166 steps, 0 preemptions -> 166 steps, 0 preemptions: the replay budget ran out before a smaller schedule was found"},
		{"budget spent after a gain", ShrinkResult{Before: Size{Steps: 170, Preemptions: 2, Relevant: 170}, After: same, BudgetSpent: true},
			"170 steps, 2 preemptions -> 166 steps, 0 preemptions: 2 fewer preemptions, 4 fewer relevant steps, 4 fewer steps; the replay budget ran out, so it may not be minimal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.sr.Text())
		})
	}
}
