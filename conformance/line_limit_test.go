package conformance_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/engine/schedfile"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/scenario"
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

// TestScheduleTarget_KitLineLimit: a schedule whose frames could exceed
// the kit's line limit is refused for an external device before it
// starts (the program named here does not exist, and a served device is
// refused alike), as the kit's limit, never as the device's failure; an
// in-process device runs it, and an external one a catalog row.
func TestScheduleTarget_KitLineLimit(t *testing.T) {
	s, err := catalog.LoadScenario("flood.scn", []byte(floodText))
	require.NoError(t, err)
	flood := &schedfile.Schedule{Format: schedfile.Format, Edition: "virtio-1.4", Knobs: []string{}, Scenario: s.Name,
		ScenarioHash: scenario.RunHash(s), ScenarioText: floodText}
	row, err := catalog.FindScenario("net-rx-while-stopped")
	require.NoError(t, err)
	catalogRow := &schedfile.Schedule{Format: schedfile.Format, Edition: "virtio-1.4", Knobs: []string{}, Scenario: row.Name, ScenarioHash: scenario.RunHash(row)}
	info := extdevice.Info{Name: "extnet", Type: extdevice.TypeNet}
	served := conformance.ServedDevice("extnet", func(r io.Reader, w io.Writer) error { return extdevice.Serve(r, w, membernet.New, info) },
		extdevice.Options{Procs: 1})
	builtin, ok := conformance.BuiltinDevice("builtin:net")
	require.True(t, ok)
	tests := []struct {
		name string
		sc   *schedfile.Schedule
		dev  conformance.Device
		// want is the start of the error; "" for none.
		want string
	}{
		{name: "exec, over the limit", sc: flood, dev: conformance.ExecDevice([]string{"/nonexistent/extnet"}, extdevice.Options{}),
			want: "netlimit: scenario flood: the kit's line limit: the rx operations of vf 1 make 512 frames"},
		{name: "served, over the limit", sc: flood, dev: served, want: "netlimit: scenario flood: the kit's line limit"},
		{name: "builtin:net, over the limit", sc: flood, dev: builtin},
		{name: "served, a catalog row", sc: catalogRow, dev: served},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, done, err := conformance.ScheduleTarget(context.Background(), tc.dev, tc.sc)
			if tc.want == "" {
				require.NoError(t, err)
				assert.NoError(t, done())
				return
			}
			require.ErrorIs(t, err, extdevice.ErrKitLimit)
			var se *extdevice.StartError
			assert.NotErrorAs(t, err, &se, "refused before the device starts")
			assert.True(t, strings.HasPrefix(err.Error(), tc.want), "%v", err)
			assert.False(t, extdevice.IsDeviceFinding(err))
		})
	}
}
