// Package echo renders a string of the user's input (a schedule file's
// label, a knob, a seed) for an error message: Go-quoted, and, when it is
// long, cut to its first bytes with its length, so that a message names a
// megabyte-long string by its start instead of repeating it whole.
package echo

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Max is the most bytes of a string Quote repeats: four times the longest
// step label the catalog's runs record (59 bytes), so that no real label
// is cut.
const Max = 256

// Quote returns s as a Go quoted string when it is at most Max bytes long,
// else its first Max bytes (cut at a UTF-8 boundary) quoted, an ellipsis
// and its length: "sss…" (102400 bytes).
func Quote(s string) string {
	if len(s) <= Max {
		return strconv.Quote(s)
	}
	// Back to the start of the character the cut falls in, no further
	// than a character's length: bytes that are not UTF-8 (no start
	// within utf8.UTFMax bytes) are cut at Max, and quoted escaped.
	cut := Max
	for back := 1; back < utf8.UTFMax; back++ {
		if utf8.RuneStart(s[cut]) {
			break
		}
		if utf8.RuneStart(s[Max-back]) {
			cut = Max - back
			break
		}
	}
	return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(s[:cut]), len(s))
}
