package member_test

import (
	"testing"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// BenchmarkAdminDevModeSet measures one virtio-1.4 DEV_MODE_SET on the
// pure member (the core with the blk backend): decode the request (admin
// command header and data), dispatch, the state change (stop and resume
// alternating) and the encoded completion. Target: ≥ 1M commands/s on one
// core.
func BenchmarkAdminDevModeSet(b *testing.B) {
	dev := blk.New(member.Config{Edition: spec.Virtio14, VF: 1, RID: testRID, BAR0: testBAR0})
	cmds := [2][]byte{}
	for i, f := range []byte{spec.DevModeFlagStopped, 0} {
		cmds[i] = adminq.Command{Opcode: uint16(spec.OpDevModeSet), Group: spec.GroupSRIOV, Member: 1, Data: []byte{f}}.Encode()
	}
	var out [spec.AdminResultHeaderSize]byte
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := adminq.DecodeCommand(cmds[i&1])
		fx := dev.Handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: uint64(i), Opcode: c.Opcode, Data: c.Data}})
		cpl := fx.Completions[0]
		out[0], out[1] = byte(cpl.Status), byte(cpl.Status>>8)
		out[2], out[3] = byte(cpl.Qualifier), byte(cpl.Qualifier>>8)
	}
	if dev.Status().Mode.Quiesced() != (b.N%2 == 1) {
		b.Fatalf("mode %s after %d commands", dev.Status().Mode, b.N)
	}
}
