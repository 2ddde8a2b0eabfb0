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
