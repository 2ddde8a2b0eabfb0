package devicearg

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/engine/schedfile"
)

// floodText is a virtio-net scenario whose 512 frames of 1518 bytes for
// VF 1 would take more than one line of the device protocol, should they
// all wait for one backend event.
const floodText = `scenario flood
vfs 1
queues 3
set vf-device=net

guest vcpu0 driver=net
  probe

peer wire
  rx n=256 size=1518
  rx n=256 size=1518

expect virtio-1.4 pass
explore strategy=random schedules=1
`

// TestForSchedule_KitLineLimit: an exec device given for a schedule whose
// frames could exceed the kit's line limit is refused before it starts
// (the program named here does not exist), as the kit's limit (exit 2),
// never as the device's failure; an in-process device runs it, and a
// schedule within the limit goes to the exec device.
func TestForSchedule_KitLineLimit(t *testing.T) {
	s, err := catalog.LoadScenario("flood.scn", []byte(floodText))
	require.NoError(t, err)
	flood := &schedfile.Schedule{Format: schedfile.Format, Edition: "virtio-1.4", Knobs: []string{}, Scenario: s.Name,
		ScenarioHash: s.Hash, ScenarioText: floodText}
	exec := conformance.ExecDevice([]string{"/nonexistent/extnet"}, extdevice.Options{})
	tests := []struct {
		name string
		sc   *schedfile.Schedule
		dev  conformance.Device
		// want is the start of the error; "" for none.
		want string
	}{
		{name: "exec, over the limit", sc: flood, dev: exec,
			want: "f.json with exec:/nonexistent/extnet: netlimit: scenario flood: the kit's line limit: the rx operations of vf 1 make 512 frames"},
		{name: "builtin:net, over the limit", sc: flood, dev: mustParse(t, Net)},
		{name: "exec, a catalog row", sc: scheduleOf(t, "net-rx-while-stopped"), dev: exec},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dev, _, err := ForSchedule("replay", "f.json", "f.json", tc.sc, tc.dev)
			if tc.want == "" {
				require.NoError(t, err)
				assert.Equal(t, tc.dev.Name(), dev.Name())
				return
			}
			require.ErrorIs(t, err, extdevice.ErrKitLimit)
			assert.Nil(t, dev)
			assert.True(t, strings.HasPrefix(err.Error(), tc.want), "%v", err)
			assert.False(t, extdevice.IsDeviceFinding(err.Error()))
		})
	}
}
