// Package usererr renders errors for the terminal: what the user did, not
// where in the code it was noticed. The module's package prefixes
// ("catalog: ", "engine: ") are stripped, a scenario error shows as
// file:line:col and its message, and IsInput tells an error about the
// user's input (exit 2) from a failure of the run.
package usererr

import (
	"errors"
	"regexp"

	"github.com/migsim/migsim/scenario"
)

// packagePrefix matches the package names errors are wrapped with inside
// the module ("catalog: ", "engine: "): at the start of the message or of
// a line, after another wrap's ": ", or in parentheses. After a plain
// word it is no prefix but a name the message gives ("field scenario: a
// string of 102400 bytes" names a schedule file's field).
var packagePrefix = regexp.MustCompile(`(^|: |[\n\t(])(?:adminq|catalog|conformance|devctx|engine|member|owner|pcie|scenario|sim|spec|trace|virtq|world): `)

// Text renders err for the terminal without package prefixes ("" for
// nil). A scenario error is shown as it is: file:line:col and the message.
func Text(err error) string {
	if err == nil {
		return ""
	}
	var ce *scenario.CheckError
	if errors.As(err, &ce) {
		return ce.Error()
	}
	var pe *scenario.ParseError
	if errors.As(err, &pe) {
		return pe.Error()
	}
	return Strip(err.Error())
}

// Strip removes the module's package prefixes from an error's message
// ("owner: owner: VF not migratable: owner: list query" reads "VF not
// migratable: list query"): for a message a user reads that is not an
// error value's own (a finding's, which names file:line itself).
func Strip(msg string) string {
	for {
		// Prefixes follow each other ("catalog: scenario: "): strip until
		// none is left.
		next := packagePrefix.ReplaceAllString(msg, "$1")
		if next == msg {
			return msg
		}
		msg = next
	}
}

// IsInput reports whether err is about the user's input (a scenario that
// does not parse or check, a bad knob or setting): exit 2.
func IsInput(err error) bool {
	var pe *scenario.ParseError
	var ce *scenario.CheckError
	return errors.As(err, &pe) || errors.As(err, &ce)
}
