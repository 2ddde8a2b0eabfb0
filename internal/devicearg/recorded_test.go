package devicearg

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
)

// TestCommandIsTheKitsLine: the line that replays a file with the exec
// device it records is the kit's replay line of that device (one builder,
// devicecmd.Line), which a file, recording no deadline, gives without
// --timeout; a builtin device's line is the kit's too.
func TestCommandIsTheKitsLine(t *testing.T) {
	for _, tc := range []struct {
		name string
		dev  conformance.Device
		args []string
	}{
		{"exec", conformance.ExecDevice([]string{"./my dev", "-v", "it's"}, extdevice.Options{}), []string{"-v", "it's"}},
		{"exec, the default deadline", conformance.ExecDevice([]string{"/d"}, extdevice.Options{Timeout: extdevice.DefaultTimeout}), nil},
		{"builtin", mustParse(t, Blk), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, ok := conformance.CommandLine(tc.dev, "trace", "f.json")
			assert.True(t, ok)
			assert.Equal(t, want, Command("trace", "f.json", tc.dev.Name(), tc.args))
		})
	}
	slow := conformance.ExecDevice([]string{"/d"}, extdevice.Options{Timeout: time.Minute})
	kit, _ := conformance.CommandLine(slow, "trace", "f.json")
	assert.Equal(t, "migsim trace --device exec:/d f.json --timeout 1m0s", kit)
	assert.Equal(t, "migsim trace --device exec:/d f.json", Command("trace", "f.json", "exec:/d", nil), "a file records no deadline")
}

// mustParse is the device --device name names.
func mustParse(t *testing.T, name string) conformance.Device {
	t.Helper()
	d, _, err := Parse(Spec{Name: name})
	assert.NoError(t, err)
	return d
}
