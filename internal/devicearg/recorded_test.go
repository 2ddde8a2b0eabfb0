package devicearg

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/engine/schedfile"
)

// TestCommandIsTheKitsLine: the line that replays a file with the exec
// device it records is the kit's replay line of that device (one builder,
// devicecmd.Line), with the deadline the file records (none: the
// default); a builtin device's line is the kit's too.
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
			assert.Equal(t, want, Command("trace", "f.json", &schedfile.Schedule{Device: tc.dev.Name(), DeviceArgs: tc.args}))
		})
	}
	slow := conformance.ExecDevice([]string{"/d"}, extdevice.Options{Timeout: time.Minute})
	kit, _ := conformance.CommandLine(slow, "trace", "f.json")
	assert.Equal(t, "migsim trace --device exec:/d f.json --timeout 1m0s", kit)
	assert.Equal(t, kit, Command("trace", "f.json", &schedfile.Schedule{Device: "exec:/d", DeviceTimeout: time.Minute}))
	assert.Equal(t, "migsim trace --device exec:/d f.json", Command("trace", "f.json", &schedfile.Schedule{Device: "exec:/d"}), "no deadline recorded: the default")
}

// mustParse is the device --device name names.
func mustParse(t *testing.T, name string) conformance.Device {
	t.Helper()
	d, _, err := Parse(Spec{Name: name})
	assert.NoError(t, err)
	return d
}

// TestReference_OfTheSchedulesType: the device a refused exec file is
// pointed to is the reference of its VFs' type: builtin:net for a
// virtio-net scenario (which builtin:blk would refuse as not the
// schedule's device type), builtin:blk for a virtio-blk one, and the
// refusal names it.
func TestReference_OfTheSchedulesType(t *testing.T) {
	for _, tc := range []struct{ scenario, want string }{
		{"net-rx-while-stopped", Net},
		{"compat-net-mq8-to-4", Net},
		{"active-to-freeze-on-destination", Blk},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			sc := scheduleOf(t, tc.scenario)
			assert.Equal(t, tc.want, Reference(sc))
			sc.Device = "exec:/nonexistent/dev"
			_, _, err := ForSchedule("replay", "f.json", "f.json", sc, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "(--device "+tc.want+": the reference)")
		})
	}
	unparsable := scheduleOf(t, "active-to-freeze-on-destination")
	unparsable.Scenario, unparsable.ScenarioHash = "no-such-scenario", ""
	assert.Equal(t, Blk, Reference(unparsable), "a scenario that does not load: the default type")
}

// scheduleOf is a schedule of the catalog scenario name, edition
// virtio-1.4, recording no device.
func scheduleOf(t *testing.T, name string) *schedfile.Schedule {
	t.Helper()
	s, err := catalog.FindScenario(name)
	require.NoError(t, err)
	return &schedfile.Schedule{Format: schedfile.Format, Edition: "virtio-1.4", Knobs: []string{}, Scenario: s.Name, ScenarioHash: catalog.ScheduleHash(s, schedfile.Format)}
}

// TestDiffersLine: the line replay, trace, report and conform --replay
// print on stdout names the recorded device and the one replaying, each
// with an exec device's arguments, when they differ (another builtin
// device, the same program with other arguments or none), and is empty
// for the recorded device itself, without --device, and for a file that
// records none.
func TestDiffersLine(t *testing.T) {
	const mutant = MutantPrefix + "mode-get-lies"
	execArgs := func(args ...string) conformance.Device {
		return conformance.ExecDevice(append([]string{"./my dev"}, args...), extdevice.Options{})
	}
	for _, tc := range []struct {
		name       string
		device     string
		deviceArgs []string
		given      conformance.Device
		want       string
	}{
		{"the recorded builtin device", mutant, nil, mustParse(t, mutant), ""},
		{"the recorded exec device and arguments", "exec:./my dev", []string{"--bug"}, execArgs("--bug"), ""},
		{"no --device", mutant, nil, nil, ""},
		{"a file that records no device", "", nil, mustParse(t, Blk), ""},
		{"another builtin device", mutant, nil, mustParse(t, Blk),
			"the device differs from the recording: recorded with " + mutant + ", replayed with builtin:blk\n"},
		{"the exec device with other arguments", "exec:./my dev", []string{"--bug", "a b"}, execArgs("--fixed"),
			"the device differs from the recording: recorded with exec:./my dev -- --bug 'a b', replayed with exec:./my dev -- --fixed\n"},
		{"the exec device without its arguments", "exec:./my dev", []string{"--bug"}, execArgs(),
			"the device differs from the recording: recorded with exec:./my dev -- --bug, replayed with exec:./my dev\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := &schedfile.Schedule{Device: tc.device, DeviceArgs: tc.deviceArgs}
			assert.Equal(t, tc.want, DiffersLine(sc, tc.given))
			_, _, differs := Differs(sc, tc.given)
			assert.Equal(t, tc.want != "", differs, "the line is there exactly when Differs says so")
		})
	}
}
