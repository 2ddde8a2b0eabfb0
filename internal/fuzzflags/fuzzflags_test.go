package fuzzflags

import (
	"flag"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The default applies when the command line leaves the flag out; a value
// given wins; a command line without the flag is an error naming it.
func TestSetDefault(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"not set", nil, MinimizeDefault},
		{"other flags", []string{"-test.fuzz", "FuzzX"}, MinimizeDefault},
		{"set", []string{"-test.fuzzminimizetime", "60s"}, "60s"},
		{"set to Go's default", []string{"-test.fuzzminimizetime=1m0s"}, "1m0s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			v := fs.String(minimizeFlag, "1m0s", "")
			fs.String("test.fuzz", "", "")
			require.NoError(t, fs.Parse(tc.args))
			require.NoError(t, setDefault(fs))
			assert.Equal(t, tc.want, *v)
		})
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	assert.ErrorContains(t, setDefault(fs), "-test.fuzzminimizetime")
}

// In a test binary the testing package's flag takes the default, or
// keeps the value its command line gave.
func TestApply(t *testing.T) {
	f := flag.Lookup(minimizeFlag)
	require.NotNil(t, f)
	given, before := isSet(minimizeFlag), f.Value.String()
	require.NoError(t, Apply())
	require.True(t, isSet(minimizeFlag), "Apply did not set -%s", minimizeFlag)
	if given {
		assert.Equal(t, before, f.Value.String(), "a value given on the command line wins")
		return
	}
	assert.Equal(t, MinimizeDefault, f.Value.String())
}

// isSet reports whether the command line (or Apply) set the flag name.
func isSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
