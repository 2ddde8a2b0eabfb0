// Package plural writes counts with their nouns for migsim's outputs:
// "1 row", "2 rows", "0 findings".
package plural

import (
	"strconv"
	"strings"
)

// Count renders n and noun, the noun in the plural unless n is 1 or -1:
// an "s" added, "es" after s, x, z, ch and sh ("2 matches"), "ies" for a
// "y" after a consonant ("2 summaries"). Words the rules do not fit
// (none of migsim's) pass their plural through Of.
func Count(n int, noun string) string {
	if n == 1 || n == -1 {
		return Of(n, noun, noun)
	}
	switch {
	case strings.HasSuffix(noun, "s"), strings.HasSuffix(noun, "x"), strings.HasSuffix(noun, "z"),
		strings.HasSuffix(noun, "ch"), strings.HasSuffix(noun, "sh"):
		return Of(n, noun, noun+"es")
	case len(noun) > 1 && noun[len(noun)-1] == 'y' && !strings.ContainsRune("aeiou", rune(noun[len(noun)-2])):
		return Of(n, noun, noun[:len(noun)-1]+"ies")
	}
	return Of(n, noun, noun+"s")
}

// Of renders n and one for n = ±1, n and many otherwise.
func Of(n int, one, many string) string {
	if n == 1 || n == -1 {
		return strconv.Itoa(n) + " " + one
	}
	return strconv.Itoa(n) + " " + many
}
