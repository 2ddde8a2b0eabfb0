package extdevice_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// lastKitLine is the last line the kit wrote in a transcript, without
// its "kit> " and newline.
func lastKitLine(t *testing.T, transcript string) string {
	t.Helper()
	i := strings.LastIndex(transcript, "\nkit> ")
	require.GreaterOrEqual(t, i, 0, "the transcript has a line of the kit")
	line, _, _ := strings.Cut(transcript[i+len("\nkit> "):], "\n")
	return line
}

// framesFilling returns frames with sequence numbers from 1 that take
// exactly room bytes in a line (extdevice.FrameBytes each; the last one's
// comma is not written, so room counts it): seven of 60,000 bytes and a
// last one sized to fit, its sequence number of one or two digits to
// match room's parity.
func framesFilling(t *testing.T, room int) []membernet.Frame {
	t.Helper()
	var fs []membernet.Frame
	for seq := uint64(1); seq <= 7; seq++ {
		fs = append(fs, membernet.Frame{Seq: seq, Data: make([]byte, 60000)})
		room -= extdevice.FrameBytes(seq, 60000)
	}
	last := uint64(9)
	if (room-extdevice.FrameBytes(last, 0))%2 != 0 {
		last = 10
	}
	size := (room - extdevice.FrameBytes(last, 0)) / 2
	require.Greater(t, size, 0)
	fs = append(fs, membernet.Frame{Seq: last, Data: make([]byte, size)})
	require.Equal(t, room, extdevice.FrameBytes(last, size))
	return fs
}

// TestKitLineLimit: the kit sends a backend event whose line is the
// longest the protocol allows (extdevice.MaxLine with its newline), and
// the device takes it; one byte more is not sent, and that is the kit's
// limit: not a finding of the device (IsDeviceFinding), not the pool's
// protocol error, and the device serves the next request, which takes
// the refused request's id.
func TestKitLineLimit(t *testing.T) {
	tests := []struct {
		name string
		// over is how many bytes the line is longer than the protocol
		// allows (0: exactly the longest).
		over int
	}{
		{name: "largest allowed", over: 0},
		{name: "one over", over: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var transcript bytes.Buffer
			pool, err := extdevice.StartServed("extnet", serveNet, extdevice.Options{Procs: 1, Transcript: &transcript})
			require.NoError(t, err)
			defer pool.Close()
			link := membernet.NewLink(5, membernet.DefaultMTU)
			port := link.NewPort("src.vf1", 4)
			d := pool.Factory()(member.Config{Edition: spec.Virtio14, Rules: spec.DefaultRules(spec.Virtio14), VF: 1, RID: rid,
				BAR0: bar0, Mem: virtq.NewGuestMemory(), Backing: port})
			// A backend event with one frame measures the line around the
			// frames; the next event's id has as many digits.
			probe := membernet.Frame{Seq: 1, Data: make([]byte, 64)}
			port.Arrive(probe)
			d.Handle(member.Event{Kind: member.EvBackend})
			around := len(lastKitLine(t, transcript.String())) - (extdevice.FrameBytes(probe.Seq, len(probe.Data)) - 1)
			// The frames take all the room left (their last comma is not
			// written: one more byte of frames).
			port.Arrive(framesFilling(t, extdevice.MaxLine-1+tc.over-around+1)...)
			ev := member.Event{Kind: member.EvBackend}
			if tc.over == 0 {
				d.Handle(ev)
				assert.Len(t, lastKitLine(t, transcript.String()), extdevice.MaxLine-1, "the line and its newline are MaxLine bytes")
				require.NoError(t, pool.Err())
				return
			}
			var got any
			func() {
				defer func() { got = recover() }()
				d.Handle(ev)
			}()
			var xe *extdevice.Error
			require.True(t, errors.As(got.(error), &xe), "Handle panics with an *Error: %v", got)
			assert.True(t, xe.Limit)
			assert.ErrorIs(t, xe, extdevice.ErrKitLimit)
			assert.False(t, extdevice.IsDeviceFinding(xe), "the kit's limit is not the device's finding: %s", xe)
			assert.Contains(t, xe.Error(), "extdevice: kit limit: extnet: event backend for device 1 (vf 1) (request 4): "+
				"the kit's event line would be 1048577 bytes, over the protocol's 1048576: not sent")
			require.NoError(t, pool.Err(), "the device broke nothing")
			assert.NotContains(t, transcript.String(), `"id":4,`, "nothing of the refused request reached the device")
			fx := d.Handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgRead, Requester: 1, Completer: rid, Addr: 0, Len: 2}})
			assert.Equal(t, []byte{0xff, 0xff}, fx.ReadData, "the device serves on (a VF's vendor ID reads all ones)")
			assert.Contains(t, lastKitLine(t, transcript.String()), `{"id":4,"op":"event"`, "the next request takes the refused one's id")
			require.NoError(t, pool.Err())
		})
	}
}
