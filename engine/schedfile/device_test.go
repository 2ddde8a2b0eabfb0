package schedfile

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// deviceSeeds are format-3 schedules that record a device under test: a
// mutant, and an exec device with arguments (FuzzParseSchedule's seeds of
// the device fields).
func deviceSeeds(tb testing.TB) [][]byte {
	tb.Helper()
	_, v3, _ := scheduleSeeds(tb)
	var out [][]byte
	for _, d := range []struct {
		name string
		args []string
	}{{DeviceMutantPrefix + "stale-context", nil}, {DeviceExecPrefix + "./extblk", []string{"--slow", "a b"}}} {
		s, err := Parse(v3)
		require.NoError(tb, err)
		s.Device, s.DeviceArgs = d.name, d.args
		b, err := s.Marshal()
		require.NoError(tb, err)
		out = append(out, b)
	}
	return out
}

// The device fields: every form migsim conform --device names reads back
// as written, sealed by the checksum; any other is refused naming the
// field; a schedule of the reference writes neither field, so its bytes
// are those of a file from before the fields.
func TestSchedule_Device(t *testing.T) {
	_, v3, _ := scheduleSeeds(t)
	assert.NotContains(t, string(v3), `"device`, "the reference's schedule names no device")
	cases := []struct {
		name    string
		device  string
		args    []string
		wantErr string
	}{
		{"blk", DeviceBlk, nil, ""},
		{"net", DeviceNet, nil, ""},
		{"mutant", "builtin:mutant/stale-context2", nil, ""},
		{"exec", "exec:./extblk", nil, ""},
		{"exec with arguments", "exec:/opt/dev", []string{"--queues", "4", ""}, ""},
		{"unknown builtin", "builtin:scsi", nil, `field device: "builtin:scsi": want builtin:blk, builtin:net, builtin:mutant/NAME or exec:PATH`},
		{"mutant without a name", "builtin:mutant/", nil, `field device: "builtin:mutant/"`},
		{"mutant name with a slash", "builtin:mutant/a/b", nil, `field device: "builtin:mutant/a/b"`},
		{"mutant name ending in a hyphen", "builtin:mutant/a-", nil, `field device: "builtin:mutant/a-"`},
		{"exec without a program", "exec:", nil, `field device: "exec:"`},
		{"exec with a NUL", "exec:a\x00b", nil, `field device: "exec:a\x00b"`},
		{"an argument with a NUL", "exec:a", []string{"x", "y\x00"}, `field device_args[1]: "y\x00" holds a NUL byte`},
		{"a served device", "served:blk", nil, `field device: "served:blk"`},
		{"arguments of a builtin", DeviceNet, []string{"-v"}, `field device_args: only an exec: device takes arguments, the file's device is "builtin:net"`},
		{"arguments without a device", "", []string{"-v"}, `field device_args: only an exec: device takes arguments, the file's device is ""`},
		{"no arguments", "exec:./extblk", []string{}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse(v3)
			require.NoError(t, err)
			s.Device, s.DeviceArgs = tc.device, tc.args
			b, err := s.Marshal()
			require.NoError(t, err)
			back, err := Parse(b)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "engine: schedule: "+tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.device, back.Device)
			if len(tc.args) == 0 {
				assert.Nil(t, back.DeviceArgs, "no arguments read as none, as they are written")
			} else {
				assert.Equal(t, tc.args, back.DeviceArgs)
			}
			other := map[bool]string{false: DeviceBlk, true: "exec:./other"}[IsExecDevice(tc.device)]
			if tc.device == DeviceBlk {
				other = DeviceNet
			}
			edited := bytes.Replace(b, []byte(`"device": "`+tc.device), []byte(`"device": "`+other), 1)
			require.NotEqual(t, b, edited)
			_, err = Parse(edited)
			assert.ErrorContains(t, err, "field checksum: the file was edited", "the checksum covers the device")
		})
	}
}

// TestEmptyListsReadAsNone: "settings": [] and "device_args": [] in a file
// read as no field, as the writer leaves them out, so that a schedule
// read, written and read again is the same schedule.
func TestEmptyListsReadAsNone(t *testing.T) {
	_, v3, _ := scheduleSeeds(t)
	for _, field := range []string{`"settings": [],`, `"device_args": [],`} {
		t.Run(field, func(t *testing.T) {
			edited := bytes.Replace(v3, []byte(`"knobs":`), []byte(field+` "knobs":`), 1)
			require.NotEqual(t, v3, edited)
			resealed, ok := Reseal(edited)
			require.True(t, ok)
			s, err := Parse(resealed)
			require.NoError(t, err)
			assert.Nil(t, s.Settings)
			assert.Nil(t, s.DeviceArgs)
			out, err := s.Marshal()
			require.NoError(t, err)
			again, err := Parse(out)
			require.NoError(t, err)
			assert.Equal(t, s, again)
		})
	}
}
