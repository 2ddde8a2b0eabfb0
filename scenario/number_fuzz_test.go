package scenario

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzParseNumber: every number of the scenario language and of the
// command line's settings (ParseNumber, ReadNumber, parseUnsigned) reads
// as Go's strconv reads it with base 0, within its range, or fails with
// the range it wants; a number written in decimal as Go writes it always
// reads; ReadNumber reads exactly what ParseNumber reads.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"0", "-0", "+5", "010", "0x10", "0X1f", "-0x8000000000000000", "0o17", "0b101", "1_000", "0x",
		"9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551615", "+-1", "", " 1", "1e3",
		strings.Repeat("1", MaxNumberText+1)} {
		f.Add(s, int64(0), int64(math.MaxUint16))
		f.Add(s, int64(math.MinInt64), int64(math.MaxInt64))
	}
	f.Add("7", int64(8), int64(1))
	f.Fuzz(func(t *testing.T, s string, lo, hi int64) {
		n, err := ParseNumber(s, lo, hi)
		rn, ok := ReadNumber(s, lo, hi)
		require.Equal(t, err == nil, ok, "%q: ReadNumber's ok", s)
		assert.Equal(t, n, rn, "%q", s)
		if err != nil {
			var ne *NumberError
			require.True(t, errors.As(err, &ne), "%v is a NumberError", err)
			assert.Equal(t, fmt.Sprintf("%d..%d", lo, hi), ne.Range)
			if v, perr := strconv.ParseInt(s, 10, 64); perr == nil && s == strconv.FormatInt(v, 10) {
				assert.True(t, v < lo || v > hi, "%q in %d..%d refused: %v", s, lo, hi, err)
			}
		} else {
			assert.True(t, lo <= n && n <= hi, "%d in %d..%d", n, lo, hi)
			assert.LessOrEqual(t, len(s), MaxNumberText)
			want, perr := strconv.ParseInt(s, 0, 64)
			require.NoError(t, perr, "%q read as %d", s, n)
			assert.Equal(t, want, n, "%q", s)
			back, err := ParseNumber(strconv.FormatInt(n, 10), lo, hi)
			require.NoError(t, err)
			assert.Equal(t, n, back)
		}
		u, uerr := parseUnsigned(s)
		if uerr != nil {
			var ne *NumberError
			require.True(t, errors.As(uerr, &ne), "%v is a NumberError", uerr)
			assert.Equal(t, fmt.Sprintf("0..%d", uint64(math.MaxUint64)), ne.Range)
			return
		}
		body := strings.TrimPrefix(s, "+")
		if rest, neg := strings.CutPrefix(s, "-"); neg {
			body = rest
			assert.Zero(t, u, "%q", s)
		}
		want, perr := strconv.ParseUint(body, 0, 64)
		require.NoError(t, perr, "%q read as %d", s, u)
		assert.Equal(t, want, u, "%q", s)
	})
}
