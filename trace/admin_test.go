package trace

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/spec"
)

// An opcode is DEV_MODE_SET only in the edition that names it so: 0x7 is
// the draft's DEV_MODE_SET and virtio-1.4's CAP_ID_LIST_QUERY, and in an
// edition migsim does not know (a damaged record) it has no name and no
// mode, as the dissector shows it.
func TestSummarizeAdminModeSetByEdition(t *testing.T) {
	cmd := func(op uint16, data ...byte) []byte {
		b := make([]byte, spec.AdminCmdHeaderSize)
		binary.LittleEndian.PutUint16(b[0:], op)
		binary.LittleEndian.PutUint16(b[2:], uint16(spec.GroupSRIOV))
		binary.LittleEndian.PutUint64(b[16:], 1)
		return append(b, data...)
	}
	ok := make([]byte, spec.AdminResultHeaderSize)
	for _, c := range []struct {
		name string
		ed   spec.Edition
		cmd  []byte
		want string
	}{
		{"draft DEV_MODE_SET", spec.Draft2023, cmd(0x7, 2, 0, 0, 0, 0, 0, 0, 0), "DEV_MODE_SET SR-IOV member 1 mode=Freeze: OK"},
		{"virtio-1.4 opcode 0x7", spec.Virtio14, cmd(0x7, 2, 0, 0, 0, 0, 0, 0, 0), "CAP_ID_LIST_QUERY SR-IOV member 1 data=8B: OK"},
		{"virtio-1.4 DEV_MODE_SET", spec.Virtio14, cmd(0x11, 1), "DEV_MODE_SET SR-IOV member 1 mode=stopped (flags 0x1): OK"},
		{"unknown edition opcode 0x7", spec.Edition(0x7f), cmd(0x7, 2, 0, 0, 0, 0, 0, 0, 0), "OPCODE_0x0007 SR-IOV member 1 data=8B: OK"},
		{"unknown edition opcode 0x11", spec.Edition(0), cmd(0x11), "OPCODE_0x0011 SR-IOV member 1: OK"},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, SummarizeAdmin(c.ed, c.cmd, ok).String())
		})
	}
}
