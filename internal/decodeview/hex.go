package decodeview

import (
	"fmt"
	"strings"
)

// ParseHex reads hex digits, skipping spaces, tabs, newlines and colons
// and an optional 0x prefix per word. A bad character or an odd digit count
// is an error naming the character offset.
func ParseHex(s string) ([]byte, error) {
	out := make([]byte, 0, len(s)/2)
	var hi byte
	half, hiAt := false, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':':
			continue
		case c == '0' && i+1 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X') && !half &&
			(i == 0 || strings.IndexByte(" \t\n\r:", s[i-1]) >= 0):
			i++
			continue
		}
		v, ok := hexValue(c)
		if !ok {
			return nil, fmt.Errorf("bad hex: character %q at offset %d", c, i)
		}
		if !half {
			hi, hiAt, half = v, i, true
			continue
		}
		out = append(out, hi<<4|v)
		half = false
	}
	if half {
		return nil, fmt.Errorf("bad hex: odd number of digits (the digit at offset %d has no pair)", hiAt)
	}
	return out, nil
}

func hexValue(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
