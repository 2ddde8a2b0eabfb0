package extdevice_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// TestStatusModeOfEdition: a status whose mode the device's edition does
// not have (docs/device-protocol.md, "Status and digest": 0, 1, 2 in
// draft-2023, 0 and 1 in virtio-1.4) is a protocol error naming the reply
// and the field, in ready and in effects alike; the world would otherwise
// take it for the member's mode. A reply without its status or digest
// names what it lacks and where the page says what they are.
func TestStatusModeOfEdition(t *testing.T) {
	const blkHello = `"op":"hello","protocol":1}`
	status := func(mode string) string {
		return `"status":{"mode":` + mode + `,"device_status":0},"digest":"0x0"}`
	}
	tests := []struct {
		name      string
		edition   spec.Edition
		ready, fx string
		want      []string
	}{
		{"freeze from a virtio-1.4 device", spec.Virtio14, status("0"), `"op":"effects",` + status("2"),
			[]string{"event backend for device 1 (vf 1) (request 3)", "effects: status.mode: 2 is no mode of virtio-1.4 (0 running, 1 stopped)"}},
		{"mode 7 in draft-2023", spec.Draft2023, status("0"), `"op":"effects",` + status("7"),
			[]string{"(request 3)", "effects: status.mode: 7 is no mode of draft-2023 (0 Active, 1 Stop, 2 Freeze)"}},
		{"mode 3 in a ready", spec.Draft2023, status("3"), "",
			[]string{"new device 1 (vf 1) (request 2)", "ready: status.mode: 3 is no mode of draft-2023"}},
		{"a ready without digest", spec.Virtio14, `"status":{}}`, "",
			[]string{"new device 1 (vf 1) (request 2)", `ready without digest: every ready and effects carries status and digest (docs/device-protocol.md, "Status and digest")`}},
		{"effects without either", spec.Virtio14, status("0"), `"op":"effects"}`,
			[]string{"(request 3)", "effects without status and digest: every ready and effects carries status and digest"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pool, err := extdevice.StartServed("mode-dev", scriptedReady(blkHello, `"op":"ready",`+tc.ready, tc.fx),
				extdevice.Options{Timeout: 2 * time.Second, Procs: 1})
			require.NoError(t, err)
			defer pool.Close()
			got := catch(func() {
				d := pool.Factory()(member.Config{Edition: tc.edition, VF: 1, RID: rid, BAR0: bar0, NumQueues: 1,
					Mem: virtq.NewGuestMemory(), Backing: blk.NewDisk(8, "x")})
				d.Handle(member.Event{Kind: member.EvBackend})
			})
			require.NotNil(t, got, "the bad mode surfaces")
			assert.False(t, got.Fault, "a protocol error, not a device fault")
			for _, w := range tc.want {
				assert.Contains(t, got.Error(), w)
			}
			assert.Equal(t, got, pool.Err(), "a protocol error ends the pool")
		})
	}
}
