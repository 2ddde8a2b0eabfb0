package explain

import (
	"regexp"
	"strings"

	"github.com/migsim/migsim/engine"
)

// sameFinding reports whether got is a finding of the explained one's
// kind: the same oracle, and for the live oracle the same kind (a
// deadlock is not a run that reached the step bound). SameReason also
// asks for the same message.
func sameFinding(got, want *engine.Finding) bool {
	return got != nil && got.Oracle == want.Oracle && (got.Oracle != engine.OracleLive || got.StepBound() == want.StepBound())
}

// stepNumbers matches the step numbers a finding's message may cite;
// hexValues the values it prints in hex (a checksum of the state a load
// refused, which the steps held back change: the same flow error);
// logEntries the place in the guest's log of a line the transparent
// oracle finds different ("entry 8 of its log", "of the guest log" for a
// peer's), which moves when a step
// held back or moved makes the guest log other lines before it: the same
// line differing the same way is the same reason.
var (
	stepNumbers = regexp.MustCompile(`\bsteps? [0-9]+`)
	hexValues   = regexp.MustCompile(`\b0x[0-9a-fA-F]+\b`)
	logEntries  = regexp.MustCompile(`\bentry [0-9]+ of (its|the guest) log\b`)
)

// SameReason reports whether got is the explained finding want again for
// the same reason, as Explain's moves and the slice's checks judge it:
// the same oracle, for the live oracle the same kind, and the same
// message but for the step numbers it cites (a run that holds steps back
// or moves one numbers them otherwise), its hex values and the place in
// the guest's log of the line that differs, or for a flow
// error want's message annotated after it. An oracle that judges a whole run (the transparent
// oracle's comparison of the guest's log, at the run's end) fires for any
// difference: a slice whose held-back steps made another difference
// (another log entry, a request lost elsewhere) kept "the finding" for a
// reason the recorded run did not have, and left out the steps of the
// recorded one's reason; a move that made another difference read as
// one that kept it, and hid the ordering the recorded difference needs.
func SameReason(got, want *engine.Finding) bool {
	if !sameFinding(got, want) {
		return false
	}
	// A flow error's message may have been annotated since its run (the
	// catalog appends the failing member's reason for the status, after
	// " ("): the run's own message is then where it starts.
	g, w := reason(got.Message), reason(want.Message)
	return g == w || want.Caused && strings.HasPrefix(w, g) && strings.HasPrefix(w[len(g):], " (")
}

// reason is a finding's message without its step numbers, hex values
// and log entry numbers.
func reason(msg string) string {
	msg = logEntries.ReplaceAllString(stepNumbers.ReplaceAllString(msg, "step N"), "entry N of $1 log")
	return hexValues.ReplaceAllString(msg, "0xN")
}
