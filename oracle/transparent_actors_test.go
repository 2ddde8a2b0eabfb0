package oracle

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestEntryActors: a transparent finding names the actor whose log entry
// differs, a peer as much as a guest, on either side of the comparison.
func TestEntryActors(t *testing.T) {
	for _, tc := range []struct {
		name      string
		actors    []string
		got, want string
		out       []string
	}{
		{"a peer's read differs", []string{"vcpu0"}, `p2p: read vf1 +0x20/8: 0010000000000000`,
			`p2p: read vf1 +0x20/8: 0010000002000000`, []string{"vcpu0", "p2p"}},
		{"the guest's own entry adds nothing", []string{"vcpu0"}, "vcpu0: FAIL probe: device refused FEATURES_OK",
			"vcpu0: probe: features VIRTIO_F_VERSION_1", []string{"vcpu0"}},
		{"the logs shifted: both writers", []string{"vcpu0", "vcpu1"}, "p2p: read vf1 +0x10/2: 0000",
			"vcpu1: write sector=0 count=1: status=0", []string{"vcpu0", "vcpu1", "p2p"}},
		{"past a log's end", []string{"vcpu0"}, "(nothing)", "p2p: read vf1 +0x2020/1: 00", []string{"vcpu0", "p2p"}},
		{"an entry without a writer", nil, "(nothing)", "no prefix here", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.out, entryActors(tc.actors, tc.got, tc.want))
		})
	}
}
