package netlimit_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/conformance/netlimit"
	"github.com/migsim/migsim/scenario"
)

// wireScenario is a scenario of two virtio-net VFs whose peer runs the
// rx lines given; device "blk" makes the VFs virtio-blk.
func wireScenario(t *testing.T, device string, rx ...string) *scenario.Scenario {
	t.Helper()
	src := fmt.Sprintf(`scenario wire
vfs 2
queues 3
set vf-device=%s

guest vcpu0 driver=%s
  probe

peer wire
  %s

expect virtio-1.4 pass
explore strategy=random schedules=1
`, device, device, strings.Join(rx, "\n  "))
	s, err := catalog.LoadScenario("wire.scn", []byte(src))
	require.NoError(t, err)
	return s
}

// TestBounds: every frame the rx operations make counts for its VF, at
// the widest sequence number the VF's link reaches.
func TestBounds(t *testing.T) {
	tests := []struct {
		name string
		rx   []string
		want []netlimit.Bound
	}{
		{name: "defaults: one frame of 64 bytes for vf 1", rx: []string{"rx"},
			want: []netlimit.Bound{{VF: 1, Frames: 1, Bytes: 19 + 1 + 128}}},
		{name: "two VFs, sizes summed, sequence numbers per VF", rx: []string{"rx vf=2 n=3 size=100", "rx n=9", "rx n=1 size=1518"},
			want: []netlimit.Bound{{VF: 1, Frames: 10, Bytes: 9*(19+2+128) + (19 + 2 + 3036)}, {VF: 2, Frames: 3, Bytes: 3 * (19 + 1 + 200)}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := netlimit.Bounds(wireScenario(t, "net", tc.rx...))
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestCheckBoundary: frames that take exactly extdevice.FrameRoom bytes
// fit; one byte more is the kit's limit. A scenario's largest frames
// (n=256, size=1518) fit once, not twice; a virtio-blk world has no
// frames to bound.
func TestCheckBoundary(t *testing.T) {
	t.Run("bounds", func(t *testing.T) {
		for _, tc := range []struct {
			bytes int
			fits  bool
		}{{0, true}, {extdevice.FrameRoom - 1, true}, {extdevice.FrameRoom, true}, {extdevice.FrameRoom + 1, false}} {
			err := netlimit.CheckBound(netlimit.Bound{VF: 1, Frames: 1, Bytes: tc.bytes})
			if tc.fits {
				assert.NoError(t, err, "%d bytes", tc.bytes)
				continue
			}
			assert.ErrorIs(t, err, extdevice.ErrKitLimit, "%d bytes", tc.bytes)
		}
	})
	largest := "rx n=256 size=1518"
	tests := []struct {
		name   string
		device string
		rx     []string
		// want is the start of the error; "" for none.
		want string
	}{
		{name: "the largest rx once", device: "net", rx: []string{largest}},
		{name: "the largest rx twice", device: "net", rx: []string{largest, largest},
			want: "netlimit: scenario wire: the kit's line limit: the rx operations of vf 1 make 512 frames, which take 1565696 bytes"},
		{name: "on two VFs", device: "net", rx: []string{largest, "rx vf=2 n=256 size=1518"}},
		{name: "virtio-blk", device: "blk", rx: []string{"kick"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := wireScenario(t, tc.device, tc.rx...)
			err := netlimit.Check(s, nil)
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, extdevice.ErrKitLimit)
			assert.True(t, strings.HasPrefix(err.Error(), tc.want), "%v", err)
			assert.NotContains(t, err.Error(), "protocol:", "the kit's limit, not the device's failure")
		})
	}
}

// TestCatalogFits: every row of the catalog runs with an external
// virtio-net device within the kit's line limit, so that the kit never
// refuses one (a catalog row that did would be the kit's to fix).
func TestCatalogFits(t *testing.T) {
	ss, err := catalog.Catalog()
	require.NoError(t, err)
	most := 0
	for _, s := range ss {
		bs, err := netlimit.Bounds(s)
		require.NoError(t, err, s.Name)
		for _, b := range bs {
			most = max(most, b.Bytes)
		}
		for _, e := range s.Expect {
			assert.NoError(t, netlimit.Check(s, e.Settings), "%s %s", s.Name, e.Edition)
		}
	}
	t.Logf("the most bytes of frames of a VF in the catalog: %d of %d", most, extdevice.FrameRoom)
}
