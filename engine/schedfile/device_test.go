package schedfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"

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
		{"unknown builtin", "builtin:scsi", nil, `field device: "builtin:scsi": want builtin:blk, builtin:net, builtin:mutant/NAME, exec:PATH or go:NAME`},
		{"mutant without a name", "builtin:mutant/", nil, `field device: "builtin:mutant/"`},
		{"mutant name with a slash", "builtin:mutant/a/b", nil, `field device: "builtin:mutant/a/b"`},
		{"mutant name ending in a hyphen", "builtin:mutant/a-", nil, `field device: "builtin:mutant/a-"`},
		{"exec without a program", "exec:", nil, `field device: "exec:"`},
		{"exec with a NUL", "exec:a\x00b", nil, `field device: "exec:a\x00b"`},
		{"an argument with a NUL", "exec:a", []string{"x", "y\x00"}, `field device_args[1]: "y\x00" holds a NUL byte`},
		{"a served device", "served:blk", nil, `field device: "served:blk"`},
		{"a Go program's device", "go:mydev", nil, ""},
		{"a Go program's served device", "go:served:blk", nil, ""},
		{"go without a name", "go:", nil, `field device: "go:"`},
		{"go with a NUL", "go:a\x00b", nil, `field device: "go:a\x00b"`},
		{"arguments of a Go device", "go:mydev", []string{"-v"}, `field device_args: only an exec: device takes arguments, the file's device is "go:mydev"`},
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

// The recorded deadline of an exec device's requests: a format-4 file
// with an exec device reads it back as written; any other is refused
// naming the field; the default (zero) writes no field.
func TestSchedule_DeviceTimeout(t *testing.T) {
	_, v3, _ := scheduleSeeds(t)
	base, err := Parse(v3)
	require.NoError(t, err)
	base.Format = Format
	mk := func(device string, format int, d time.Duration) *Schedule {
		s := *base
		s.Format, s.Device, s.DeviceTimeout = format, device, d
		return &s
	}
	exec := DeviceExecPrefix + "./extblk"
	b, err := mk(exec, Format, 0).Marshal()
	require.NoError(t, err)
	assert.NotContains(t, string(b), "device_timeout", "the default deadline writes no field")
	for _, tc := range []struct {
		name string
		s    *Schedule
		want string // "" when it reads back
	}{
		{"exec, 90s", mk(exec, Format, 90*time.Second), ""},
		{"exec, the bound", mk(exec, Format, MaxDeviceTimeout), ""},
		{"exec, over the bound", mk(exec, Format, MaxDeviceTimeout+time.Second), "field device_timeout: 10m1s: want more than 0s and at most 10m0s"},
		{"a builtin device", mk(DeviceBlk, Format, time.Second), `field device_timeout: only an exec: device has requests, the file's device is "builtin:blk"`},
		{"the reference", mk("", Format, time.Second), `field device_timeout: only an exec: device has requests, the file's device is ""`},
		{"format 3", mk(exec, FormatV3, time.Second), "field device_timeout: format 3 has no such field (format 4 on)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.s.Marshal()
			require.NoError(t, err)
			got, err := Parse(b)
			if tc.want != "" {
				assert.ErrorContains(t, err, tc.want)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.s.DeviceTimeout, got.DeviceTimeout)
			assert.Contains(t, string(b), `"device_timeout": "`+tc.s.DeviceTimeout.String()+`"`)
		})
	}
	b, err = mk(exec, Format, 90*time.Second).Marshal()
	require.NoError(t, err)
	for _, tc := range []struct{ text, want string }{
		{`"soon"`, `field device_timeout: "soon" is not a duration such as "90s" or "2m0s"`},
		{`"-5s"`, "field device_timeout: -5s: want more than 0s"},
		{`"0s"`, "field device_timeout: 0s: want more than 0s"},
		{`"90s"`, `field device_timeout: "90s": the writer writes it "1m30s"`},
	} {
		// Sealed by hand: Reseal reseals only what reads back.
		var st stored
		require.NoError(t, json.Unmarshal(bytes.Replace(b, []byte(`"1m30s"`), []byte(tc.text), 1), &st))
		st.Checksum = ""
		sum, err := Checksum(&st)
		require.NoError(t, err)
		st.Checksum = sum
		edited, err := json.Marshal(&st)
		require.NoError(t, err)
		_, err = Parse(edited)
		assert.ErrorContains(t, err, tc.want, tc.text)
	}
}

// A file of a format this package does not read is refused by its
// format, whatever its device_timeout holds: a newer writer may store
// the deadline otherwise, and the reader must say to upgrade, not that
// the field is malformed.
func TestSchedule_NewerFormatNamedBeforeDeviceTimeout(t *testing.T) {
	_, v3, _ := scheduleSeeds(t)
	base, err := Parse(v3)
	require.NoError(t, err)
	s := *base
	s.Format, s.Device, s.DeviceTimeout = Format, DeviceExecPrefix+"./extblk", 90*time.Second
	b, err := s.Marshal()
	require.NoError(t, err)
	for _, text := range []string{`"90s"`, `"soon"`, `"1m30s"`, `90`} {
		var doc map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(b, &doc))
		doc["format"] = json.RawMessage(fmt.Sprint(Format + 1))
		doc["device_timeout"] = json.RawMessage(text)
		edited, err := json.Marshal(doc)
		require.NoError(t, err)
		_, err = Parse(edited)
		require.Error(t, err, text)
		assert.Contains(t, err.Error(), fmt.Sprintf("field format: version %d, want %d", Format+1, Format), text)
	}
}

// A newer format's file with a field this format lacks is refused by its
// version, not as an unknown field.
func TestSchedule_NewerFormatWithNewField(t *testing.T) {
	_, v3, _ := scheduleSeeds(t)
	var doc map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(v3, &doc))
	doc["format"] = json.RawMessage(fmt.Sprint(Format + 1))
	doc["device_env"] = json.RawMessage(`["A=1"]`)
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	_, err = Parse(b)
	require.Error(t, err)
	assert.Contains(t, err.Error(), fmt.Sprintf("field format: version %d, want %d (or 4, 3, 2, 1)", Format+1, Format))
	doc["format"] = json.RawMessage(fmt.Sprint(Format))
	b, err = json.Marshal(doc)
	require.NoError(t, err)
	_, err = Parse(b)
	assert.ErrorContains(t, err, `unknown field "device_env"`, "in this format the field is unknown")
}

// A shard summary given where a schedule file goes (migsim replay on
// explore --shard's other file) is named as what it is, not refused by
// its format version, which counts summaries, not schedules.
func TestSchedule_ShardSummaryNamed(t *testing.T) {
	_, err := Parse([]byte(`{"format": 8, "module": "devel", "build": "sha256:0", "report": {}, "checksum": "0"}`))
	assert.EqualError(t, err, "engine: schedule: a shard summary (migsim merge reads it), not a schedule file")
}
