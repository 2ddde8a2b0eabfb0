package scenario

import "strings"

// Suggest returns the option nearest to got when it is a near miss (a
// typo: at most one edit per four characters, at least one), else "".
// Comparison ignores case, so an option that differs from got in case
// alone is the nearest of all; got itself is never suggested. Of options
// equally near, the one that shares the longest prefix with got wins ("of"
// is "off" cut short more likely than "on" mistyped), then the first
// listed.
func Suggest(got string, options []string) string {
	best, bestD, bestP := "", -1, 0
	g := strings.ToLower(got)
	for _, o := range options {
		if o == got {
			continue
		}
		lo := strings.ToLower(o)
		d := editDistance(g, lo)
		p := commonPrefix(g, lo)
		if bestD < 0 || d < bestD || (d == bestD && p > bestP) {
			best, bestD, bestP = o, d, p
		}
	}
	limit := max(1, len(got)/4)
	if bestD < 0 || bestD > limit {
		return ""
	}
	return best
}

// commonPrefix is the length in bytes of the longest common prefix of a
// and b.
func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// didYouMean renders a suggestion as "; did you mean X?", or "".
func didYouMean(got string, options []string) string {
	if s := Suggest(got, options); s != "" {
		return "; did you mean " + s + "?"
	}
	return ""
}

// stemOf returns the one option that starts with got or that got starts
// with, both at least 3 bytes long, ignoring case ("stop" and "stopped",
// "run" and "running"), else "".
func stemOf(got string, options []string) string {
	g := strings.ToLower(got)
	found := ""
	for _, o := range options {
		lo := strings.ToLower(o)
		if len(g) < 3 || len(lo) < 3 || lo == g || !strings.HasPrefix(lo, g) && !strings.HasPrefix(g, lo) {
			continue
		}
		if found != "" {
			return ""
		}
		found = o
	}
	return found
}

// editDistance is the Damerau–Levenshtein distance (optimal string
// alignment) of a and b, in bytes: insertions, deletions, substitutions
// and swaps of adjacent bytes each cost one.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		if a == b {
			return 0
		}
		return max(len(a), len(b))
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
