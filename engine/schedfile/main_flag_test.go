package schedfile

import (
	"flag"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/migsim/migsim/internal/fuzzflags"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMain_MinimizeTime: without -fuzzminimizetime on the command line the
// package's fuzz targets minimise each new input for fuzzflags.MinimizeDefault runs
// (its TestMain is fuzzflags.TestMain);
// with it, the value given wins. The test runs itself again in a child
// process with the flag set, and the child checks that its value is the
// one given.
func TestMain_MinimizeTime(t *testing.T) {
	const given = "7x"
	f := flag.Lookup("test.fuzzminimizetime")
	require.NotNil(t, f)
	want := fuzzflags.MinimizeDefault
	args := os.Args[1:]
	for i, a := range args {
		name, v, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name != "test.fuzzminimizetime" || !strings.HasPrefix(a, "-") {
			continue
		}
		if !hasValue && i+1 < len(args) {
			v = args[i+1] // -test.fuzzminimizetime 60s
		}
		want = v
		if d, err := time.ParseDuration(v); err == nil {
			want = d.String() // as the flag prints it: 60s is 1m0s
		}
	}
	assert.Equal(t, want, f.Value.String(), "the minimising time of a command line %q", os.Args[1:])
	if os.Getenv("MIGSIM_SCHEDFILE_FLAG_CHILD") != "" {
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestMain_MinimizeTime$", "-test.fuzzminimizetime="+given, "-test.count=1")
	cmd.Env = append(os.Environ(), "MIGSIM_SCHEDFILE_FLAG_CHILD=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "the test with -fuzzminimizetime=%s:\n%s", given, out)
}
