package scenario

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Every number of the scenario language (directives, explore and expect
// keys, operation and block arguments, settings, VF lists) is read by
// ParseNumber, so one syntax holds everywhere: an optional sign, then
// decimal digits, or digits after a 0x, 0o or 0b prefix (either case). A
// decimal number has no leading 0 (Go and C read 010 as octal, a person as
// ten: the scenario refuses to guess) and no digit separators.

// NumberError is a number that does not parse or is outside its range
// (overflow included): "want a number LO..HI". The caller names the
// directive or argument and echoes the text.
type NumberError struct {
	// Range is the accepted range, "LO..HI".
	Range string
	// Hint says more about a syntax error ("" for none).
	Hint string
}

func (e *NumberError) Error() string {
	if e.Hint != "" {
		return "want a number " + e.Range + " (" + e.Hint + ")"
	}
	return "want a number " + e.Range
}

// ParseNumber reads s as a number of the scenario language in lo..hi. The
// error is a *NumberError.
func ParseNumber(s string, lo, hi int64) (int64, error) {
	rng := func() string { return fmt.Sprintf("%d..%d", lo, hi) } // only for an error: a number read allocates nothing
	neg, mag, err := numberText(s)
	if err != nil {
		return 0, &NumberError{Range: rng(), Hint: hint(err)}
	}
	var n int64
	switch {
	case !neg && mag <= math.MaxInt64:
		n = int64(mag)
	case neg && mag <= math.MaxInt64:
		n = -int64(mag)
	case neg && mag == math.MaxInt64+1:
		n = math.MinInt64
	default:
		return 0, &NumberError{Range: rng()}
	}
	if n < lo || n > hi {
		e := &NumberError{Range: rng()}
		if strconv.FormatInt(n, 10) != strings.TrimPrefix(s, "+") {
			e.Hint = fmt.Sprintf("%s is %d", s, n) // 0x8000 against a decimal range
		}
		return 0, e
	}
	return n, nil
}

// parseUnsigned reads s as a number of the scenario language in
// 0..math.MaxUint64 (a seed). The error is a *NumberError.
func parseUnsigned(s string) (uint64, error) {
	neg, mag, err := numberText(s)
	if err == nil && neg && mag != 0 {
		err = errRange
	}
	if err != nil {
		return 0, &NumberError{Range: fmt.Sprintf("0..%d", uint64(math.MaxUint64)), Hint: hint(err)}
	}
	return mag, nil
}

// errRange is a number beyond 64 bits.
var errRange = errors.New("out of range")

// errLeadingZero is a decimal number with a leading 0.
type errLeadingZero struct{ digits string }

func (e errLeadingZero) Error() string {
	t := strings.TrimLeft(e.digits, "0")
	if t == "" {
		t = "0"
	}
	return fmt.Sprintf("a leading 0 is ambiguous: write %s, or 0o%s for octal", t, t)
}

// numberText splits s into its sign and magnitude.
func numberText(s string) (neg bool, mag uint64, err error) {
	body := s
	if body != "" && (body[0] == '-' || body[0] == '+') {
		neg = body[0] == '-'
		body = body[1:]
	}
	base, digits := 10, body
	if len(body) > 2 && body[0] == '0' {
		switch body[1] {
		case 'x', 'X':
			base, digits = 16, body[2:]
		case 'o', 'O':
			base, digits = 8, body[2:]
		case 'b', 'B':
			base, digits = 2, body[2:]
		}
	}
	if base == 10 && len(digits) > 1 && digits[0] == '0' && onlyDigits(digits) {
		return neg, 0, errLeadingZero{digits}
	}
	// With an explicit base, ParseUint takes neither a prefix, a sign nor
	// an underscore, and an empty string is a syntax error.
	mag, err = strconv.ParseUint(digits, base, 64)
	if errors.Is(err, strconv.ErrRange) {
		return neg, 0, errRange
	}
	return neg, mag, err
}

func onlyDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// hint is what a NumberError says about a syntax error.
func hint(err error) string {
	var lz errLeadingZero
	if errors.As(err, &lz) {
		return lz.Error()
	}
	return ""
}
