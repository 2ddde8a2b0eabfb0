package scenario

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// Every number of the scenario language (directives, explore and expect
// keys, operation and block arguments, settings, VF lists) is read by
// ParseNumber, so one syntax holds everywhere: an optional sign, then
// decimal digits, or digits after a 0x, 0o or 0b prefix (either case). A
// decimal number has no leading 0 (Go and C read 010 as octal, a person as
// ten: the scenario refuses to guess) and no digit separators; it is at
// most MaxNumberText bytes long.

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
	if n, ok := ReadNumber(s, lo, hi); ok {
		return n, nil
	}
	return 0, numberError(s, lo, hi)
}

// ReadNumber reads s as ParseNumber does; ok is false exactly where
// ParseNumber fails. It builds no error, so that a read expected to fail
// often (a mode's name tried as a number first, an optional argument not
// given) allocates nothing.
func ReadNumber(s string, lo, hi int64) (n int64, ok bool) {
	neg, mag, err := numberText(s)
	if err != nil {
		return 0, false
	}
	n, ok = signed(neg, mag)
	if !ok || n < lo || n > hi {
		return 0, false
	}
	return n, true
}

// signed is the number of sign neg and magnitude mag; ok is false when it
// does not fit in 64 bits.
func signed(neg bool, mag uint64) (n int64, ok bool) {
	switch {
	case !neg && mag <= math.MaxInt64:
		return int64(mag), true
	case neg && mag <= math.MaxInt64:
		return -int64(mag), true
	case neg && mag == math.MaxInt64+1:
		return math.MinInt64, true
	}
	return 0, false
}

// numberError is ParseNumber's error for s, which ReadNumber refused.
func numberError(s string, lo, hi int64) error {
	e := &NumberError{Range: fmt.Sprintf("%d..%d", lo, hi)}
	neg, mag, err := numberText(s)
	if err != nil {
		e.Hint = hint(s, err)
		return e
	}
	n, ok := signed(neg, mag)
	if ok && strconv.FormatInt(n, 10) != strings.TrimPrefix(s, "+") {
		e.Hint = fmt.Sprintf("%s is %d", s, n) // 0x8000 against a decimal range
	}
	return e
}

// parseUnsigned reads s as a number of the scenario language in
// 0..math.MaxUint64 (a seed). The error is a *NumberError.
func parseUnsigned(s string) (uint64, error) {
	neg, mag, err := numberText(s)
	if err == nil && neg && mag != 0 {
		err = errRange
	}
	if err != nil {
		return 0, &NumberError{Range: fmt.Sprintf("0..%d", uint64(math.MaxUint64)), Hint: hint(s, err)}
	}
	return mag, nil
}

// errRange is a number beyond 64 bits.
var errRange = errors.New("out of range")

// errLeadingZero is a decimal number with a leading 0 (hint says what to
// write instead).
var errLeadingZero = errors.New("a leading 0 is ambiguous")

// numberText splits s into its sign and magnitude.
func numberText(s string) (neg bool, mag uint64, err error) {
	if len(s) > MaxNumberText {
		return false, 0, errTooLong
	}
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
		return neg, 0, errLeadingZero
	}
	// The digits as strconv.ParseUint(digits, base, 64) reads them (with
	// an explicit base it takes neither a prefix, a sign nor an
	// underscore, and an empty string is a syntax error), without the
	// errors it allocates: a read expected to fail costs nothing.
	if digits == "" {
		return neg, 0, errSyntax
	}
	for i := 0; i < len(digits); i++ {
		d, ok := digitValue(digits[i], base)
		if !ok {
			return neg, 0, errSyntax
		}
		hi, lo := bits.Mul64(mag, uint64(base))
		if hi != 0 || lo+d < lo {
			return neg, 0, errRange // as ParseUint: at the first digit past 64 bits
		}
		mag = lo + d
	}
	return neg, mag, nil
}

// errTooLong is a number written in more than MaxNumberText bytes (zeros
// after its prefix).
var errTooLong = errors.New("too long")

// errSyntax is text that is no number: digits missing or not of the base.
var errSyntax = errors.New("invalid syntax")

// digitValue is the value of c as a digit of base (2, 8, 10 or 16), a
// letter in either case; ok is false when c is none.
func digitValue(c byte, base int) (d uint64, ok bool) {
	lower := c | 0x20 // strconv's lower: a letter in either case
	switch {
	case '0' <= c && c <= '9':
		d = uint64(c - '0')
	case 'a' <= lower && lower <= 'z':
		d = uint64(lower-'a') + 10
	default:
		return 0, false
	}
	return d, d < uint64(base)
}

func onlyDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// hint is what a NumberError says about the syntax error err of s.
func hint(s string, err error) string {
	if err == errTooLong {
		return fmt.Sprintf("%d bytes long; a number is at most %d bytes", len(s), MaxNumberText)
	}
	if err != errLeadingZero {
		return ""
	}
	body := strings.TrimLeft(s, "+-")
	sign := s[:len(s)-len(body)] // -010 is -10 or -0o10, not 10
	t := strings.TrimLeft(body, "0")
	if t == "" {
		t = "0"
	}
	return fmt.Sprintf("a leading 0 is ambiguous: write %s%s, or %s0o%s for octal", sign, t, sign, t)
}
