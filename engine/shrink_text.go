package engine

import (
	"fmt"
	"strings"

	"github.com/migsim/migsim/internal/plural"
)

// ShrinkText renders a shrink as every output words it: "231 steps, 76
// preemptions -> 232 steps, 0 preemptions: 76 fewer preemptions for 1
// more step, as preemptions rank first" (ShrinkGain).
func ShrinkText(before, after Size) string {
	return fmt.Sprintf("%s -> %s: %s", before, after, ShrinkGain(before, after))
}

// ShrinkGain says how after, the size of a shrunk schedule, differs from
// before, the size of the schedule the exploration found. Shrinking ranks
// schedules by preemptions, then relevant steps (the causal slice), then
// steps, so a schedule with fewer preemptions may take a step or two more:
// the text names what got smaller, in the ranking's order, then what grew
// and the ranking that made the trade ("3 fewer preemptions, 20 fewer
// steps"; "76 fewer preemptions for 1 more step, as preemptions rank
// first").
func ShrinkGain(before, after Size) string {
	measures := []struct {
		noun          string
		before, after int
	}{
		{"preemption", before.Preemptions, after.Preemptions},
		{"relevant step", before.Relevant, after.Relevant},
		{"step", before.Steps, after.Steps},
	}
	var fewer, more []string
	decided := ""
	for _, m := range measures {
		switch {
		case m.after < m.before:
			fewer = append(fewer, strings.Replace(plural.Count(m.before-m.after, m.noun), " ", " fewer ", 1))
			if decided == "" {
				decided = m.noun
			}
		case m.after > m.before:
			more = append(more, strings.Replace(plural.Count(m.after-m.before, m.noun), " ", " more ", 1))
		}
	}
	switch {
	case len(fewer) == 0 && len(more) == 0:
		return "no smaller schedule fails the same way"
	case len(fewer) == 0: // never from the shrinker, which keeps only smaller schedules
		return strings.Join(more, ", ")
	case len(more) == 0:
		return strings.Join(fewer, ", ")
	}
	rank := "relevant steps rank before steps"
	if decided == "preemption" {
		rank = "preemptions rank first"
	}
	return strings.Join(fewer, ", ") + " for " + strings.Join(more, " and ") + ", as " + rank
}

// Text renders the shrink as ShrinkText does, except that a shrink an
// interrupt or its replay budget cut says so: before it found a smaller
// schedule it did not look far enough to say that no smaller schedule
// fails the same way, and after it the result may shrink further.
func (r *ShrinkResult) Text() string {
	switch {
	case r.Interrupted && r.After == r.Before:
		return fmt.Sprintf("%s -> %s: interrupted before a smaller schedule was found", r.Before, r.After)
	case r.BudgetSpent && r.After == r.Before:
		return fmt.Sprintf("%s -> %s: the replay budget ran out before a smaller schedule was found", r.Before, r.After)
	case r.BudgetSpent:
		return ShrinkText(r.Before, r.After) + "; the replay budget ran out, so it may not be minimal"
	}
	return ShrinkText(r.Before, r.After)
}
