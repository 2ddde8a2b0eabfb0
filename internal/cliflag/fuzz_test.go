package cliflag

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fuzzLimits are the limits FuzzParse checks its int flags against.
var fuzzLimits = []IntLimit{Int("jobs", 0, 256, "0 is GOMAXPROCS"), Int("bound", -1, 64, "a bound")}

// fuzzFlags is a flag set with a flag of every kind the commands define:
// a boolean with a shorthand, a string, an int whose value may be left
// out, an int with a shorthand, a seed, a float and a duration.
func fuzzFlags() *pflag.FlagSet {
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	fs.SetOutput(nopWriter{})
	fs.BoolP("memo", "m", true, "")
	fs.String("out", ".", "")
	fs.Int("bound", 0, "")
	fs.Lookup("bound").NoOptDefVal = "2"
	fs.IntP("jobs", "j", 0, "")
	Uint64(fs, "seed", 0, "")
	fs.Float64("seconds", 0, "")
	fs.Duration("timeout", 0, "")
	return fs
}

// FuzzParse: any command line (one word a line) parses, or fails with an
// error that names what it refuses; an int flag within its limits is
// accepted by CheckInts and one outside is refused with the flag, the
// value as written and the range; the value as written (Given) reads back
// as the value parsed.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"--memo\nfalse", "--memo=false", "-m\nfalse", "--out\n--memo\nfalse", "--\n--memo\nfalse",
		"--bound\n3", "--bound=010", "--bound=0x41", "--bound\nx.scn", "--jobs\n010", "--jobs=1_000", "-j010", "-j\n+0x101",
		"--jobs=", "--jobs\n-0b10", "--seed\n-0", "--seed\n+5", "--seed=0x7fffffffffffffff", "--seed\n99999999999999999999999",
		"--seconds\n1e4", "--seconds=NaN", "--timeout\n0.5h", "--timeout=1h2m", "--help", "-h", "--colour\nfalse", "-", "---", "--=",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, "\n")
		fs := fuzzFlags()
		err := Parse(fs, args)
		if err != nil {
			if errors.Is(err, pflag.ErrHelp) {
				return
			}
			worded := Error(err, fuzzLimits...)
			require.Error(t, worded)
			var iv *pflag.InvalidValueError
			if errors.As(err, &iv) {
				assert.True(t, strings.HasPrefix(worded.Error(), "--"+iv.GetFlag().Name), "%q names the flag %s", worded, iv.GetFlag().Name)
			}
			assert.NotEmpty(t, worded.Error())
			return
		}
		for _, l := range fuzzLimits {
			if !fs.Changed(l.Name) {
				continue
			}
			n, err := fs.GetInt(l.Name)
			require.NoError(t, err)
			given := Given(fs, l.Name)
			back, perr := strconv.ParseInt(strings.TrimPrefix(given, "+"), 0, 64)
			if !(l.Name == "bound" && given == "2" && n == 2) { // --bound alone: its NoOptDefVal
				require.NoError(t, perr, "Given %q of --%s", given, l.Name)
				assert.Equal(t, int64(n), back, "Given %q of --%s", given, l.Name)
			}
			cerr := CheckInts(fs, l)
			if n < l.Lo || n > l.Hi {
				require.Error(t, cerr)
				assert.Equal(t, "--"+l.Name+" "+given+": want "+strconv.Itoa(l.Lo)+".."+strconv.Itoa(l.Hi)+" ("+l.What+")", cerr.Error())
			} else {
				assert.NoError(t, cerr)
			}
		}
		if fs.Changed("seed") {
			var v uint64Value
			require.NoError(t, v.Set(Given(fs, "seed")))
			got, err := fs.GetUint64("seed")
			if err == nil { // GetUint64 reads pflag's own uint64 only
				assert.Equal(t, got, uint64(v))
			}
			assert.Equal(t, fs.Lookup("seed").Value.String(), v.String())
		}
	})
}

// FuzzUint64: a seed's value reads as strconv.ParseUint with base 0
// reads it after an optional sign, a minus sign only before zero; what it
// reads prints as a decimal that reads back as the same value.
func FuzzUint64(f *testing.F) {
	for _, s := range []string{"0", "-0", "+5", "0x10", "-0x0", "0b101", "0o17", "18446744073709551615", "18446744073709551616",
		"-1", "++1", "+-1", "", "+", "1_000", "0x", " 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var v uint64Value
		err := v.Set(s)
		body, neg := s, false
		if rest, ok := strings.CutPrefix(s, "+"); ok {
			body = rest
		} else if rest, ok := strings.CutPrefix(s, "-"); ok {
			body, neg = rest, true
		}
		want, werr := strconv.ParseUint(body, 0, 64)
		ok := werr == nil && !strings.HasPrefix(body, "+") && !strings.HasPrefix(body, "-") && (!neg || want == 0)
		if !ok {
			assert.Error(t, err, "%q", s)
			return
		}
		require.NoError(t, err, "%q", s)
		assert.Equal(t, want, uint64(v))
		var again uint64Value
		require.NoError(t, again.Set(v.String()))
		assert.Equal(t, v, again)
	})
}
