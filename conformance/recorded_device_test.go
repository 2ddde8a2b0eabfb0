package conformance

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance/extdevice"
)

// TestRecordedDevice: what a counterexample's file records of the device
// that ran it: a device the command line names (its name, an exec
// device's arguments), and nothing for any other, nor for a name no
// schedule file may hold.
func TestRecordedDevice(t *testing.T) {
	tests := []struct {
		name     string
		dev      Device
		wantName string
		wantArgs []string
	}{
		{"builtin", FactoryDevice("builtin:blk", nil), "builtin:blk", nil},
		{"mutant", FactoryDevice("builtin:mutant/mode-get-lies", nil), "builtin:mutant/mode-get-lies", nil},
		{"exec with arguments", ExecDevice([]string{"./my dev", "-v", ""}, extdevice.Options{}), "exec:./my dev", []string{"-v", ""}},
		{"exec", ExecDevice([]string{"/opt/dev"}, extdevice.Options{}), "exec:/opt/dev", nil},
		{"a builtin name no file holds", FactoryDevice("builtin:flaky", nil), "", nil},
		{"served", ServedDevice("blk", nil, extdevice.Options{}), "", nil},
		{"Run's device", FactoryDevice("device", nil), "", nil},
		{"a Go device under an exec name", FactoryDevice("exec:./x", nil), "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name, args, ok := RecordedDevice(tc.dev)
			assert.Equal(t, tc.wantName != "", ok)
			assert.Equal(t, tc.wantName, name)
			assert.Equal(t, tc.wantArgs, args)
		})
	}
}
