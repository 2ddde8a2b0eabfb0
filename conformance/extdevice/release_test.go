package extdevice_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// newDrops returns the drop list of every `new` the kit wrote in a
// transcript of one process, in order.
func newDrops(t *testing.T, transcript string) [][]uint64 {
	t.Helper()
	var out [][]uint64
	for _, line := range strings.Split(transcript, "\n") {
		body, ok := strings.CutPrefix(line, "kit> ")
		if !ok || !strings.Contains(body, `"op":"new"`) {
			continue
		}
		var m struct{ Drop []uint64 }
		require.NoError(t, json.Unmarshal([]byte(body), &m))
		out = append(out, m.Drop)
	}
	return out
}

// ids returns the device numbers from to to.
func ids(from, to uint64) []uint64 {
	var out []uint64
	for id := from; id <= to; id++ {
		out = append(out, id)
	}
	return out
}

// TestReleaseDrops: a device released (member.Releaser) is named in the
// drop list of the next `new` to its process, in the order of the
// releases, each once however often it is released, at most 256 a `new`
// (the rest with the next ones); a device not released is never dropped.
// Nothing else drops a device: the lists are the same whatever the
// garbage collector does.
func TestReleaseDrops(t *testing.T) {
	tests := []struct {
		name string
		// build devices are built (numbered 1, 2, …), then those of
		// release (indexes from 1) released in that order, then as many
		// devices built as want lists the drop lists of their `new`.
		build   int
		release []uint64
		want    [][]uint64
	}{
		{"none released", 3, nil, [][]uint64{nil}},
		{"in release order", 3, []uint64{3, 1}, [][]uint64{{3, 1}, nil}},
		{"released twice, dropped once", 2, []uint64{2, 2, 1, 2}, [][]uint64{{2, 1}, nil}},
		{"256 a new", 300, ids(1, 300), [][]uint64{ids(1, 256), ids(257, 300), nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var transcript bytes.Buffer
			pool, err := extdevice.StartServed("extblk", serveBlk, extdevice.Options{Procs: 1, Transcript: &transcript})
			require.NoError(t, err)
			defer pool.Close()
			build := func() member.Device {
				return pool.Factory()(member.Config{Edition: spec.Virtio14, VF: 1, RID: rid, BAR0: bar0, NumQueues: 1,
					Mem: virtq.NewGuestMemory(), Backing: blk.NewDisk(8, "x")})
			}
			var devs []member.Device
			for range tc.build {
				devs = append(devs, build())
			}
			for _, i := range tc.release {
				devs[i-1].(member.Releaser).Release()
			}
			for range tc.want {
				build()
			}
			got := newDrops(t, transcript.String())
			require.Len(t, got, tc.build+len(tc.want))
			for i, d := range got[:tc.build] {
				assert.Empty(t, d, "new %d", i+1)
			}
			assert.Equal(t, fmt.Sprint(tc.want), fmt.Sprint(got[tc.build:]))
			require.NoError(t, pool.Err())
		})
	}
}

// TestReleasedDeviceRefusesEvents: an event for a released device, which
// its process may have forgotten, is not sent: Handle panics, naming the
// device and the caller's mistake, and the process serves on.
func TestReleasedDeviceRefusesEvents(t *testing.T) {
	var transcript bytes.Buffer
	pool, err := extdevice.StartServed("extblk", serveBlk, extdevice.Options{Procs: 1, Transcript: &transcript})
	require.NoError(t, err)
	defer pool.Close()
	f := pool.Factory()
	c := member.Config{Edition: spec.Virtio14, VF: 1, RID: rid, BAR0: bar0, NumQueues: 1, Mem: virtq.NewGuestMemory(), Backing: blk.NewDisk(8, "x")}
	d := f(c)
	d.(member.Releaser).Release()
	read := member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgRead, Requester: 1, Completer: rid, Addr: 0, Len: 2}}
	var got any
	func() {
		defer func() { got = recover() }()
		d.Handle(read)
	}()
	assert.Equal(t, "extdevice: event tlp CfgRd addr=0x0 for device 1 (vf 1) after its Release", fmt.Sprint(got))
	assert.NotContains(t, transcript.String(), `"op":"event"`, "nothing was sent")
	fx := f(c).Handle(read)
	assert.Len(t, fx.ReadData, 2, "the process serves on")
	require.NoError(t, pool.Err())
}

// TestReleaseOverKitLimit: the drop list of a `new` the kit does not send
// (its line would be over the kit's limit: a port holding more frames
// than a line carries) goes with the next `new`.
func TestReleaseOverKitLimit(t *testing.T) {
	var transcript bytes.Buffer
	pool, err := extdevice.StartServed("extnet", serveNet, extdevice.Options{Procs: 1, Transcript: &transcript})
	require.NoError(t, err)
	defer pool.Close()
	link := membernet.NewLink(5, membernet.DefaultMTU)
	build := func(port *membernet.Port) member.Device {
		return pool.Factory()(member.Config{Edition: spec.Virtio14, Rules: spec.DefaultRules(spec.Virtio14), VF: 1, RID: rid,
			BAR0: bar0, Mem: virtq.NewGuestMemory(), Backing: port})
	}
	build(link.NewPort("a", 4)).(member.Releaser).Release()
	full := link.NewPort("full", 4)
	for _, f := range framesFilling(t, extdevice.MaxLine) {
		full.Hold(f)
	}
	e := catch(func() { build(full) })
	require.NotNil(t, e, "the new is over the kit's limit")
	assert.True(t, e.Limit, "%v", e)
	build(link.NewPort("b", 4))
	assert.Equal(t, "[[] [1]]", fmt.Sprint(newDrops(t, transcript.String())), "the first new and the one after the refused one")
	require.NoError(t, pool.Err())
}
