// Package shellquote quotes words for the commands migsim prints for a user
// to paste into a POSIX shell (the replay line of a conformance report, the
// commands of a finding report).
package shellquote

import "strings"

// Quote returns s as one word of a POSIX shell command: as it is when it
// holds only letters, digits and -_./=+,:@, else in single quotes, where a
// single quote of s ends the quoting, is escaped with a backslash and
// starts it again.
func Quote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=+,:@", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
