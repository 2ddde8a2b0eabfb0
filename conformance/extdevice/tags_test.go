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

// A completion must name an admin command the device was sent and has not
// completed (docs/device-protocol.md, "Deadlines and errors"): the
// reference answers DEV_MODE_SET with its own tag, also twice in a row;
// a device that completes it with another tag breaks the protocol, and
// the error names the field, the tag and the tags awaiting a completion.
func TestCompletionTags(t *testing.T) {
	extblk, hostile := binaries(t)
	stop := member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: 7, Opcode: uint16(spec.OpDevModeSet), Data: []byte{1}}}
	run := member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: 8, Opcode: uint16(spec.OpDevModeSet), Data: []byte{0}}}
	tests := []struct {
		name string
		argv []string
		want string // "": no error
	}{
		{"the reference", []string{extblk}, ""},
		{"another tag", []string{hostile, "wrong-tag"}, "event admin request (opcode 0x11, request tag 7) for device 1 (vf 1) (request 3): " +
			"effects: completions[0].tag: 1007 is no admin command the device was sent and has not completed (tag 7 awaits one)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pool, err := extdevice.Start(tc.argv, extdevice.Options{Timeout: 30 * time.Second, Procs: 1})
			require.NoError(t, err)
			got := catch(func() {
				d := pool.Factory()(member.Config{Edition: spec.Virtio14, Rules: spec.DefaultRules(spec.Virtio14), VF: 1, RID: rid, BAR0: bar0,
					NumQueues: 1, Mem: virtq.NewGuestMemory(), Backing: blk.NewDisk(8, "x")})
				for _, ev := range []member.Event{stop, run, stop, run} {
					fx := d.Handle(ev)
					require.Len(t, fx.Completions, 1)
					assert.Equal(t, ev.Admin.Tag, fx.Completions[0].Tag)
				}
			})
			if tc.want == "" {
				assert.Nil(t, got)
				require.NoError(t, pool.Close())
				return
			}
			require.NotNil(t, got, "the device's failure surfaces")
			assert.Contains(t, got.Error(), "protocol: ")
			assert.Contains(t, got.Error(), tc.want)
			assert.False(t, got.Fault, "a protocol error, not a fault")
			assert.Equal(t, got, pool.Err(), "a protocol error ends the pool")
			_ = pool.Close()
		})
	}
}
