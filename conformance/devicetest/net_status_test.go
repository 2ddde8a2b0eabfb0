package devicetest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// statusPlant is a virtio-net destination with a status bug after its
// state was written to it: linkDown shows VIRTIO_NET_S_LINK_UP clear in
// every read of status (a link state restored down), deaf ignores the
// host's backend events (an announce request taken in by nobody).
type statusPlant struct {
	restoreMarker
	linkDown, deaf bool
}

func (d *statusPlant) Handle(ev member.Event) member.Effects {
	if *d.restored && d.deaf && ev.Kind == member.EvBackend {
		return member.Effects{}
	}
	fx := d.restoreMarker.Handle(ev)
	status := harness.RigBAR0 + pcie.BAR0DeviceCfg + netCfgStatus
	if *d.restored && d.linkDown && ev.Kind == member.EvTLP && ev.TLP.Kind == pcie.MemRead &&
		ev.TLP.Addr == status && len(fx.ReadData) > 0 {
		fx.ReadData = append([]byte(nil), fx.ReadData...)
		fx.ReadData[0] &^= byte(spec.NetStatusLinkUp)
	}
	return fx
}

// TestNetStatusAfterMove plants a destination that shows the link down
// after the move, and one that never takes in its host's announce request:
// the catalog rows saw both only as a guest that can tell it moved,
// charged to the state's transfer (DP-DEV-08, DP-DEV-09, DRAFT-CTX-01);
// net-status-after-move charges the status field's requirement,
// NET-DEV-03. The reference passes.
func TestNetStatusAfterMove(t *testing.T) {
	units := unitsByEdition(t, "net-status-after-move", 2)
	plant := func(linkDown, deaf bool) member.Factory {
		return func(c member.Config) member.Device {
			restored := new(bool)
			return &statusPlant{restoreMarker: restoreMarker{Device: membernet.New(c), ed: c.Edition, restored: restored}, linkDown: linkDown, deaf: deaf}
		}
	}
	for _, tc := range []struct {
		name string
		f    member.Factory
		reqs [][]string
		word string
	}{
		{"reference", membernet.New, nil, ""},
		{"link-down-after-restore", plant(true, false), [][]string{{"NET-DEV-03"}},
			"after the resume, where its link is up: VIRTIO_NET_S_LINK_UP clear"},
		{"announce-lost-after-restore", plant(false, true), [][]string{{"NET-DEV-03"}},
			"after its host asked for an announce (VIRTIO_NET_F_GUEST_ANNOUNCE negotiated): VIRTIO_NET_S_ANNOUNCE clear"},
	} {
		for _, ed := range spec.Editions {
			t.Run(tc.name+"/"+ed.String(), func(t *testing.T) {
				c := runCheck(units[ed], ed, spec.DefaultRules(ed), tc.f, extdevice.TypeNet)
				require.NoError(t, c.Fatal)
				require.Empty(t, c.Skipped)
				reqs, msgs := splitFailures(c.Fails)
				assert.Equal(t, tc.reqs, reqs, "%q", msgs)
				if tc.reqs == nil {
					assert.Equal(t, 3, c.Asserted, "link, announce shown, announce acked")
					return
				}
				assert.Contains(t, strings.Join(msgs, "\n"), tc.word)
			})
		}
	}
}
