package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
)

// TestSetupError: a reference run cut by the step bound is a setup error
// that names --max-steps as given (in the command line's spelling), or says the bound was the default and
// how to raise it when --max-steps was not given; any other error is not
// one.
func TestSetupError(t *testing.T) {
	cut := fmt.Errorf("explore: %w", &catalog.ReferenceError{Scenario: "long", Edition: spec.Draft2023,
		Finding: engine.Finding{Oracle: engine.OracleLive, Message: "step bound 200000 reached"}})
	needs := &catalog.ReferenceError{Scenario: "long", Edition: spec.Draft2023, Needs: 1234,
		Finding: engine.Finding{Oracle: engine.OracleLive, Message: "step bound 50 reached"}}
	other := &catalog.ReferenceError{Scenario: "long", Edition: spec.Draft2023,
		Finding: engine.Finding{Oracle: engine.OracleLive, Message: "deadlock: no step enabled"}}
	cases := []struct {
		name     string
		err      error
		maxSteps int
		given    string // --max-steps as given, "" for none
		want     string // "": not a setup error
	}{
		{"default bound", cut, 200_000, "", "the run without migration of long (draft-2023) needs more than 200000 steps, the step bound without --max-steps: raise it with --max-steps N (at most 10000000)"},
		{"given bound", cut, 50, "50", "--max-steps 50 is too small: the run without migration of long (draft-2023) needs more steps"},
		{"given bound, steps known", needs, 50, "50", "--max-steps 50 is too small: the run without migration of long (draft-2023) needs 1234 steps (a migrating run may need more)"},
		{"given bound in hex", needs, 50, "0x32", "--max-steps 0x32 is too small: the run without migration of long (draft-2023) needs 1234 steps (a migrating run may need more)"},
		{"another live finding", other, 200_000, "", ""},
		{"another error", errors.New("boom"), 200_000, "", ""},
		{"no error", nil, 200_000, "200000", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := setupError(c.err, c.maxSteps, c.given)
			if c.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, c.want)
		})
	}
}
