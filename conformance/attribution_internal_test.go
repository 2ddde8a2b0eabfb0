package conformance

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/guest"
)

// unpreparedMark marks a command of TestTroubleReqs as sent before any
// probe set the device up (guest.Trouble.Unprepared).
const unpreparedMark = "unprepared: "

// TestTroubleReqs: what the guest gave up on without migration names only
// the row's requirements of the device's own operation, and of those
// about one control command class only the classes it gave up on.
func TestTroubleReqs(t *testing.T) {
	macRow := []string{"NET-DEV-06", "NET-DEV-07", "NET-PART-01", "NET-PART-02", "DRAFT-CTX-09"}
	for _, tc := range []struct {
		name     string
		ids      []string
		commands []string
		want     []string
	}{
		{"a MAC table command: its class only", macRow, []string{"ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET uc=1 mc=1"}, []string{"NET-DEV-06"}},
		{"an RX mode command: no MAC requirement", append([]string{"NET-DEV-05"}, macRow...), []string{"ctrl VIRTIO_NET_CTRL_RX_PROMISC on=1"}, []string{"NET-DEV-05"}},
		{"a block request: no class or frame requirement", macRow, []string{"flush sector=0"}, nil},
		{"two classes", []string{"NET-DEV-05", "NET-DEV-06", "NET-DEV-10"},
			[]string{"ctrl VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET pairs=2", "ctrl VIRTIO_NET_CTRL_RX_ALLMULTI on=1"}, []string{"NET-DEV-05", "NET-DEV-10"}},
		{"the probe: the transport's", []string{"DP-DEV-12", "DP-DEV-14", "DRAFT-SYNC-01", "DRAFT-FRZ-02", "PCI-DEV-03"},
			[]string{"probe"}, []string{"PCI-DEV-03"}},
		{"migration requirements only: none", []string{"DRAFT-STOP-02", "DP-DEV-09", "ADM-DEV-02"}, []string{"flush sector=0"}, nil},
		{"a probe the device failed, then a MAC table command it never saw: the transport's", append([]string{"PCI-DEV-03"}, macRow...),
			[]string{"probe", unpreparedMark + "ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET uc=1 mc=1"}, []string{"PCI-DEV-03"}},
		{"a wait with requests outstanding: the operational ones, frames included", []string{"PCI-DEV-02", "NET-DEV-06", "NET-DEV-07", "DRAFT-CTX-01"},
			[]string{"wait"}, []string{"PCI-DEV-02", "NET-DEV-07"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ts []guest.Trouble
			for _, c := range tc.commands {
				kind := guest.GaveUp
				if c == "wait" {
					kind = guest.Outstanding
				}
				cmd, unprepared := strings.CutPrefix(c, unpreparedMark)
				ts = append(ts, guest.Trouble{Kind: kind, Command: cmd, Unprepared: unprepared})
			}
			assert.Equal(t, tc.want, troubleReqs(tc.ids, ts))
		})
	}
}
