package member

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestStepString checks the step labels of traces, from the table of the
// first queues and beyond it.
func TestStepString(t *testing.T) {
	tests := []struct {
		step Step
		want string
	}{
		{Step{Kind: StepFetch}, "fetch(q0)"},
		{Step{Kind: StepExecute, Queue: 7}, "execute(q7)"},
		{Step{Kind: StepComplete, Queue: 8}, "complete(q8)"},
		{Step{Kind: StepFetch, Queue: 65535}, "fetch(q65535)"},
		{Step{Kind: StepAdmin, Tag: 12}, "admin(tag 12)"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, tc.step.String())
	}
}
