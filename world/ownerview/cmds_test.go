package ownerview

import (
	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/spec"
)

// draftModeSet is the draft's DEV_MODE_SET of member vf to mode m, as the
// owner driver sends it (the mode in the first of eight data bytes).
func draftModeSet(vf uint64, m spec.Mode) adminq.Command {
	return adminq.Command{Opcode: uint16(spec.DraftOpDevModeSet), Group: spec.GroupSRIOV, Member: vf, Data: []byte{byte(m), 0, 0, 0, 0, 0, 0, 0}}
}
