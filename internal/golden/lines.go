package golden

import "strings"

// FirstDifferentLine returns the number (from 1) of the first line where a
// and b differ, with both lines cut to 300 bytes, or 0 when they are the
// same: a test comparing two large outputs (transcripts, reports) names the
// place, where an assertion on the whole would print megabytes. A text with
// more lines than the other differs at the first line past the other's end.
func FirstDifferentLine(a, b string) (int, string, string) {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	cut := func(s string) string { return s[:min(len(s), 300)] }
	for i := range max(len(la), len(lb)) {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y || i >= len(la) || i >= len(lb) {
			return i + 1, cut(x), cut(y)
		}
	}
	return 0, "", ""
}
