package main

import (
	"fmt"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/cliflag"
)

// scheduleMaxSteps is the step bound a command replaying sc runs it
// with. A schedule whose finding is the step bound ends exactly at the
// bound it was recorded with (its step count): that bound, unless
// --max-steps names another, which is refused since the run would not
// be the recorded one. Any other schedule needs a bound of at least its
// step count: a smaller --max-steps would cut it short and report the
// cut as the run's finding, so it is refused, and without --max-steps
// the default grows to the schedule's length.
func scheduleMaxSteps(fs *pflag.FlagSet, sc *schedfile.Schedule, maxSteps int) (int, error) {
	if sc.Finding.StepBound() {
		if fs.Changed("max-steps") && maxSteps != sc.Steps {
			return 0, fmt.Errorf("--max-steps %s: the schedule ends at its step bound of %d steps; replay it with that bound (leave --max-steps out)", cliflag.Given(fs, "max-steps"), sc.Steps)
		}
		return sc.Steps, nil
	}
	if maxSteps < sc.Steps {
		if !fs.Changed("max-steps") {
			return sc.Steps, nil // explored with a larger --max-steps than the default
		}
		return 0, fmt.Errorf("--max-steps %s is below the schedule's %d steps: the run would be cut before its end", cliflag.Given(fs, "max-steps"), sc.Steps)
	}
	return maxSteps, nil
}
