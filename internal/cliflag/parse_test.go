package cliflag

import (
	"testing"

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParse: a boolean flag with a separate true or false word is refused
// with the '=' form to write; every other shape parses as pflag parses it.
func TestParse(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		wantErr string // "" parses
		memo    bool
		rest    []string
	}{
		{"long false", []string{"--memo", "false"}, "--memo false: a boolean flag takes its value after '=': write --memo=false (or --memo alone for true)", true, nil},
		{"long TRUE", []string{"--memo", "TRUE"}, "--memo TRUE: a boolean flag takes its value after '=': write --memo=true", true, nil},
		{"shorthand", []string{"-m", "false"}, "-m false: a boolean flag takes its value after '=': write -m=false", true, nil},
		{"equals form", []string{"--memo=false"}, "", false, []string{}},
		{"shorthand equals", []string{"-m=false"}, "", false, []string{}},
		{"alone", []string{"--memo"}, "", true, []string{}},
		{"other word", []string{"--memo", "file.json"}, "", true, []string{"file.json"}},
		{"a string flag's value", []string{"--out", "--memo", "false"}, "", true, []string{"false"}},
		{"--out's value is false", []string{"--out", "false", "x"}, "", true, []string{"x"}},
		{"after --", []string{"--", "--memo", "false"}, "", true, []string{"--memo", "false"}},
		{"unknown flag left to pflag", []string{"--colour", "false"}, "unknown flag: --colour", true, nil},
		// An integer flag whose value may be left out takes it after '='.
		{"optional int with a number", []string{"--bound", "3"}, "--bound 3: this flag takes its value after '=': write --bound=3 (or --bound alone for 2)", true, nil},
		{"optional int with a leading 0", []string{"--bound", "010"}, "--bound 010: this flag takes its value after '=': write --bound=10 (or --bound alone for 2)", true, nil},
		{"optional int alone, then a word", []string{"--bound", "x.scn"}, "", true, []string{"x.scn"}},
		{"optional int equals form", []string{"--bound=3", "7"}, "", true, []string{"7"}},
		{"a plain int's value", []string{"--jobs", "3"}, "", true, []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
			fs.SetOutput(nopWriter{})
			memo := fs.BoolP("memo", "m", true, "")
			fs.String("out", ".", "")
			fs.Int("bound", 0, "")
			fs.Lookup("bound").NoOptDefVal = "2"
			fs.Int("jobs", 0, "")
			err := Parse(fs, c.args)
			if c.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.memo, *memo)
			assert.Equal(t, c.rest, fs.Args())
		})
	}
}

type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }

// TestParse_NumberWords: an integer flag's value is read as a person reads
// it (the scenario language's rule): a decimal with a leading 0, which
// pflag reads as octal, and digit separators are refused with what to
// write; prefixed numbers and every other flag's value parse as before.
func TestParse_NumberWords(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		wantErr string // "" parses
		seed    uint64
		jobs    int
	}{
		{"seed 010 is not eight", []string{"--seed", "010"}, "--seed 010: a leading 0 is ambiguous: write 10, or 0o10 for octal", 0, 0},
		{"equals form", []string{"--seed=0007"}, "--seed 0007: a leading 0 is ambiguous: write 7, or 0o7 for octal", 0, 0},
		{"int flag", []string{"--jobs", "02"}, "--jobs 02: a leading 0 is ambiguous", 0, 0},
		{"shorthand", []string{"-j", "02"}, "-j 02: a leading 0 is ambiguous", 0, 0},
		{"shorthand joined", []string{"-j02"}, "-j 02: a leading 0 is ambiguous", 0, 0},
		{"negative", []string{"--jobs", "-01"}, "--jobs -01: a leading 0 is ambiguous: write -1, or -0o1 for octal", 0, 0},
		{"all zeros", []string{"--jobs", "00"}, "--jobs 00: a leading 0 is ambiguous: write 0, or 0o0 for octal", 0, 0},
		{"separators", []string{"--seed", "1_000"}, "--seed 1_000: no digit separators: write 1000", 0, 0},
		{"prefixed separators", []string{"--seed", "0x_10"}, "--seed 0x_10: no digit separators: write 0x10", 0, 0},
		{"decimal", []string{"--seed", "10", "--jobs", "2"}, "", 10, 2},
		{"zero", []string{"--seed", "0", "--jobs", "0"}, "", 0, 0},
		{"hex", []string{"--seed", "0x10"}, "", 16, 0},
		{"octal prefix", []string{"--seed", "0o10"}, "", 8, 0},
		// A sign reads as in a scenario's seed= and in an int flag.
		{"plus sign", []string{"--seed", "+5", "--jobs", "+2"}, "", 5, 2},
		{"minus zero", []string{"--seed", "-0", "--jobs", "-0"}, "", 0, 0},
		{"plus hex", []string{"--seed", "+0x10"}, "", 16, 0},
		{"the largest seed", []string{"--seed", "18446744073709551615"}, "", 18446744073709551615, 0},
		{"negative seed", []string{"--seed", "-1"}, "invalid argument \"-1\" for \"--seed\" flag", 0, 0},
		{"two signs", []string{"--seed", "+-0"}, "invalid argument \"+-0\" for \"--seed\" flag", 0, 0},
		{"seed past 64 bits", []string{"--seed", "+18446744073709551616"}, "invalid argument", 0, 0},
		{"a string flag's value", []string{"--out", "010"}, "", 0, 0},
		{"after --", []string{"--", "--seed", "010"}, "", 0, 0},
		// A flag whose value may be left out reads it after '=' as pflag does.
		{"optional value after =", []string{"--bound=010"}, "--bound 010: a leading 0 is ambiguous: write 10, or 0o10 for octal", 0, 0},
		{"optional value, separators", []string{"--bound=1_0"}, "--bound 1_0: no digit separators: write 10", 0, 0},
		{"optional value alone", []string{"--bound", "--seed", "7"}, "", 7, 0},
		{"optional shorthand after =", []string{"-b=07"}, "-b 07: a leading 0 is ambiguous", 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
			fs.SetOutput(nopWriter{})
			seed := Uint64(fs, "seed", 0, "")
			jobs := fs.IntP("jobs", "j", 0, "")
			fs.String("out", ".", "")
			fs.IntP("bound", "b", 0, "")
			fs.Lookup("bound").NoOptDefVal = "2"
			err := Parse(fs, c.args)
			if c.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.seed, *seed)
			assert.Equal(t, c.jobs, *jobs)
		})
	}
}
