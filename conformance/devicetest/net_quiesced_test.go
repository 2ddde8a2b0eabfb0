package devicetest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/conformance/mutants"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/spec"
)

// TestNetFrameWhileQuiesced: the quiesced-mode tests have a frame arrive
// on a virtio-net device's port, with a receive buffer posted, while the
// device is stopped or frozen. The reference passes them; a device that
// writes the frame into the buffer (dma-rx-while-stopped) fails each on
// its requirement, and the message names the frame's arrival, the first
// access and the queue it touched.
func TestNetFrameWhileQuiesced(t *testing.T) {
	m, ok := mutants.Lookup("dma-rx-while-stopped")
	require.True(t, ok)
	cases := []struct {
		id, name string
		ed       spec.Edition
		msg      string
	}{
		{"DRAFT-STOP-02", "no-dma-in-stop", spec.Draft2023,
			"guest-memory accesses in Stop (doorbell, stray steps, a frame arriving for receiveq1; the first: MRd 01:01.1 addr=0x100100000 len=16, receiveq1's descriptor table): got 2, want 0"},
		{"DP-DEV-11", "no-dma-no-interrupt-stopped", spec.Virtio14,
			"guest-memory accesses while stopped (doorbell, stray steps, a frame arriving for receiveq1; the first: MRd 01:01.1 addr=0x100100000 len=16, receiveq1's descriptor table): got 2, want 0"},
		{"DRAFT-FRZ-01", "doorbell-in-freeze-dropped", spec.Draft2023,
			"guest-memory accesses and MSI-X messages in Freeze (doorbell, stray steps, a frame arriving for receiveq1; the first: MRd 01:01.1 addr=0x100100000 len=16, receiveq1's descriptor table): got 2, want 0"},
	}
	for _, tc := range cases {
		t.Run(tc.id+"/"+tc.name, func(t *testing.T) {
			dt := testNamed(t, tc.id, tc.name)
			ref := Run(dt, tc.ed, spec.DefaultRules(tc.ed), membernet.New, extdevice.TypeNet)
			assert.Empty(t, ref.Failures, "the reference virtio-net")
			res := Run(dt, tc.ed, spec.DefaultRules(tc.ed), m.Factory(membernet.New), extdevice.TypeNet)
			require.NoError(t, res.Fatal)
			require.Len(t, res.Failures, 1)
			assert.Equal(t, []string{tc.id}, res.Failures[0].Requirements)
			assert.Equal(t, tc.msg, res.Failures[0].Message)
		})
	}
}
