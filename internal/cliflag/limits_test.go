package cliflag

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A value out of range and a value that does not parse are worded alike:
// the flag, the value as the command line wrote it and the range.
func TestCheckIntsAndError(t *testing.T) {
	limits := []IntLimit{Int("jobs", 0, 256, "0 is GOMAXPROCS"), Int("bound", -1, 64, "dfs's preemption bound")}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--jobs", "4"}, ""},
		{[]string{"--jobs", "0x10"}, ""},
		{nil, ""},
		{[]string{"--jobs", "257"}, "--jobs 257: want 0..256 (0 is GOMAXPROCS)"},
		{[]string{"--jobs", "-1"}, "--jobs -1: want 0..256 (0 is GOMAXPROCS)"},
		{[]string{"--jobs", "99999999999999999999"}, "--jobs 99999999999999999999: want 0..256 (0 is GOMAXPROCS)"},
		// Out of range in another spelling: quoted as written, not in decimal.
		{[]string{"--jobs", "0x7fffffffffffffff"}, "--jobs 0x7fffffffffffffff: want 0..256 (0 is GOMAXPROCS)"},
		{[]string{"--jobs=0x101"}, "--jobs 0x101: want 0..256 (0 is GOMAXPROCS)"},
		{[]string{"-j0o401"}, "--jobs 0o401: want 0..256 (0 is GOMAXPROCS)"},
		{[]string{"--jobs", "+257"}, "--jobs +257: want 0..256 (0 is GOMAXPROCS)"},
		{[]string{"--bound", "-0b10"}, "--bound -0b10: want -1..64 (dfs's preemption bound)"},
		// The last of a repeated flag is the value, and the one quoted.
		{[]string{"--jobs", "0x1", "--jobs", "0x1000"}, "--jobs 0x1000: want 0..256 (0 is GOMAXPROCS)"},
		{[]string{"--seed", "-1"}, "--seed -1: want a whole number 0..18446744073709551615"},
		{[]string{"--seed2", "-1"}, "--seed2 -1: want a whole number 0..18446744073709551615"},
		{[]string{"--seed2", "+-1"}, "--seed2 +-1: want a whole number 0..18446744073709551615"},
		{[]string{"--seed2", "+1"}, ""},
		{[]string{"--rate", "x"}, "--rate x: want a number"},
		// An empty value (an unset shell variable) is quoted, not left blank.
		{[]string{"--jobs="}, `--jobs "": want 0..256 (0 is GOMAXPROCS)`},
		{[]string{"--seed", ""}, `--seed "": want a whole number 0..18446744073709551615`},
		{[]string{"--rate="}, `--rate "": want a number`},
	} {
		fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
		fs.IntP("jobs", "j", 0, "")
		fs.Int("bound", 0, "")
		fs.Uint64("seed", 0, "")
		Uint64(fs, "seed2", 0, "")
		fs.Float64("rate", 0, "")
		err := Parse(fs, tc.args)
		if err == nil {
			err = CheckInts(fs, limits...)
		} else {
			err = Error(err, limits...)
		}
		if tc.want == "" {
			assert.NoError(t, err, tc.args)
			continue
		}
		require.Error(t, err, tc.args)
		assert.Equal(t, tc.want, err.Error(), tc.args)
	}
}

// CheckFinite quotes the value as written too: 1e4 is not printed 10000.
func TestCheckFinite(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, ""},
		{[]string{"--seconds", "2"}, ""},
		{[]string{"--seconds", "11"}, "--seconds 11: want 0..10"},
		{[]string{"--seconds", "1e4"}, "--seconds 1e4: want 0..10"},
		{[]string{"--seconds=0x1p4"}, "--seconds 0x1p4: want 0..10"},
		{[]string{"--seconds", "NaN"}, "--seconds NaN: want a finite number of seconds"},
		{[]string{"--seconds", "-inf"}, "--seconds -inf: want a finite number of seconds"},
	} {
		fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
		fs.Float64("seconds", 0, "")
		require.NoError(t, Parse(fs, tc.args), tc.args)
		err := CheckFinite(fs, "seconds", 0, 10)
		if tc.want == "" {
			assert.NoError(t, err, tc.args)
			continue
		}
		assert.EqualError(t, err, tc.want, tc.args)
	}
}

// Given is the text of the last value the command line gave a number
// flag, and the value's own text for a flag not given (or not read by
// Parse), and "" for no such flag; Parse wraps a flag set's number flags
// once, however often it parses it, and leaves the values pflag reads
// as they are.
func TestGiven(t *testing.T) {
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	n := fs.Int("n", 7, "")
	d := fs.Duration("d", time.Second, "")
	fs.String("s", "x", "")
	assert.Equal(t, "7", Given(fs, "n"), "before Parse")
	require.NoError(t, Parse(fs, []string{"--n", "0x10", "--d", "90s"}))
	require.NoError(t, Parse(fs, nil))
	assert.Equal(t, 16, *n)
	assert.Equal(t, 90*time.Second, *d)
	got, err := fs.GetInt("n")
	require.NoError(t, err)
	assert.Equal(t, 16, got)
	assert.Equal(t, "0x10", Given(fs, "n"))
	assert.Equal(t, "90s", Given(fs, "d"))
	assert.Equal(t, "x", Given(fs, "s"))
	assert.Equal(t, "", Given(fs, "none"))
	_, wrapped := fs.Lookup("n").Value.(*givenValue)
	assert.True(t, wrapped)
	_, twice := fs.Lookup("n").Value.(*givenValue).Value.(*givenValue)
	assert.False(t, twice, "wrapped once")
	// A value that does not parse keeps the last good text.
	require.Error(t, fs.Set("n", "x"))
	assert.Equal(t, "0x10", Given(fs, "n"))
}

// An output directory may not exist yet, but what is on its way must be a
// writable directory; an output file needs its directory.
func TestCheckOutput(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	assert.NoError(t, CheckOutputDir(dir))
	assert.NoError(t, CheckOutputDir(filepath.Join(dir, "a", "b")))
	assert.ErrorContains(t, CheckOutputDir(file), "is not a directory")
	assert.ErrorContains(t, CheckOutputDir(filepath.Join(file, "x")), "is not a directory")
	// An empty path would pass as "." here and fail only when the results
	// are written, after the work.
	assert.EqualError(t, CheckOutputDir(""), EmptyOutputDir.Error())
	assert.NoError(t, CheckOutputFile(filepath.Join(dir, "new")))
	assert.ErrorContains(t, CheckOutputFile(dir), "is a directory (want a file)")
	assert.ErrorContains(t, CheckOutputFile(filepath.Join(dir, "none", "x")), "directory ")
	// "-" reads as stdout to a Unix user: refused, where a file or
	// directory of that name elsewhere is a path like any other.
	assert.ErrorContains(t, CheckOutputFile("-"), `"-" would be a file named "-", not stdout`)
	assert.ErrorContains(t, CheckOutputDir("-"), `"-" would be a file named "-", not stdout`)
	assert.NoError(t, CheckOutputFile(filepath.Join(dir, "-")))
	assert.NoError(t, CheckOutputDir(filepath.Join(dir, "-")))
}

// EmptyPaths refuses an output flag given an empty value, naming it; a
// flag left out, given a path, or not among the names passes.
func TestEmptyPaths(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, ""},
		{[]string{"--out", "x.pcapng"}, ""},
		{[]string{"--out", ""}, "--out: empty path: give a path, or leave --out out"},
		{[]string{"--out="}, "--out: empty path"},
		{[]string{"--profile", ""}, "--profile: empty path"},
		{[]string{"--format", ""}, ""},
	} {
		fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
		fs.String("out", "", "")
		fs.String("profile", "", "")
		fs.String("format", "text", "")
		require.NoError(t, Parse(fs, tc.args))
		err := EmptyPaths(fs, "out", "profile", "missing")
		if tc.want == "" {
			assert.NoError(t, err, tc.args)
			continue
		}
		require.Error(t, err, tc.args)
		assert.Contains(t, err.Error(), tc.want, tc.args)
	}
}
