package cliflag

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A value out of range and a value that does not parse are worded alike:
// the flag, the value and the range.
func TestCheckIntsAndError(t *testing.T) {
	limits := []IntLimit{Int("jobs", 0, 256, "0 is GOMAXPROCS")}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--jobs", "4"}, ""},
		{nil, ""},
		{[]string{"--jobs", "257"}, "--jobs 257: want 0..256 (0 is GOMAXPROCS)"},
		{[]string{"--jobs", "-1"}, "--jobs -1: want 0..256 (0 is GOMAXPROCS)"},
		{[]string{"--jobs", "99999999999999999999"}, "--jobs 99999999999999999999: want 0..256 (0 is GOMAXPROCS)"},
		{[]string{"--seed", "-1"}, "--seed -1: want a whole number 0..18446744073709551615"},
		{[]string{"--seed2", "-1"}, "--seed2 -1: want a whole number 0..18446744073709551615"},
		{[]string{"--seed2", "+-1"}, "--seed2 +-1: want a whole number 0..18446744073709551615"},
		{[]string{"--seed2", "+1"}, ""},
		{[]string{"--rate", "x"}, "--rate x: want a number"},
	} {
		fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
		fs.Int("jobs", 0, "")
		fs.Uint64("seed", 0, "")
		Uint64(fs, "seed2", 0, "")
		fs.Float64("rate", 0, "")
		err := fs.Parse(tc.args)
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

func TestCheckFinite(t *testing.T) {
	assert.NoError(t, CheckFinite("seconds", 2, 0, 10))
	assert.EqualError(t, CheckFinite("seconds", 11, 0, 10), "--seconds 11: want 0..10")
	var zero float64
	assert.EqualError(t, CheckFinite("seconds", zero/zero, 0, 10), "--seconds NaN: want a finite number of seconds")
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
