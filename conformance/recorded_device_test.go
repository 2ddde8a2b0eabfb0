package conformance

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
)

// TestRecordedDevice: what a counterexample's file records of the device
// that ran it: a device migsim rebuilds from its name (BuiltinDevice's
// name, an exec device's name and arguments), and nothing for any other,
// a caller's factory under a builtin: name included, for a replay of the
// file would run migsim's device instead, nor for a name no schedule file
// may hold.
func TestRecordedDevice(t *testing.T) {
	tests := []struct {
		name     string
		dev      Device
		wantName string
		wantArgs []string
	}{
		{"builtin", builtin(t, "builtin:blk"), "builtin:blk", nil},
		{"builtin net", builtin(t, "builtin:net"), "builtin:net", nil},
		{"mutant", builtin(t, "builtin:mutant/mode-get-lies"), "builtin:mutant/mode-get-lies", nil},
		{"net mutant", builtin(t, "builtin:mutant/dma-rx-while-stopped"), "builtin:mutant/dma-rx-while-stopped", nil},
		{"a caller's factory under a builtin name", FactoryDevice("builtin:blk", blk.New), "", nil},
		{"a caller's net factory under a builtin name", NetFactoryDevice("builtin:net", membernet.New), "", nil},
		{"a caller's factory under a mutant's name", FactoryDevice("builtin:mutant/mode-get-lies", nil), "", nil},
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

// builtin is BuiltinDevice(name), which must exist.
func builtin(t *testing.T, name string) Device {
	t.Helper()
	d, ok := BuiltinDevice(name)
	require.True(t, ok, name)
	return d
}

// TestBuiltinDevice: migsim's own names build its devices, of the type
// the name says (a net mutant is a virtio-net device); any other name,
// a mutant this migsim does not have included, builds none.
func TestBuiltinDevice(t *testing.T) {
	for _, tc := range []struct {
		name, typ string
	}{
		{"builtin:blk", deviceBlk},
		{"builtin:net", deviceNet},
		{"builtin:mutant/mode-get-lies", deviceBlk},
		{"builtin:mutant/dma-rx-while-stopped", deviceNet},
		{"builtin:mutant/no-such-bug", ""},
		{"builtin:flaky", ""},
		{"exec:./x", ""},
		{"", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := BuiltinDevice(tc.name)
			require.Equal(t, tc.typ != "", ok)
			if ok {
				assert.Equal(t, tc.name, d.Name())
				assert.Equal(t, tc.typ, deviceType(d))
				f, done, err := d.Open()
				require.NoError(t, err)
				assert.NotNil(t, f)
				assert.NoError(t, done())
			}
		})
	}
}
