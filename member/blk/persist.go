package blk

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// Fields returns the draft-2023 DEV_CFG field: virtio_blk_config as the
// driver reads it.
func (d *device) Fields() []devctx.Field { return []devctx.Field{devctx.DevCfgField(d.ReadConfig())} }

// ApplyField applies DEV_CFG: capacity and writeback are taken from it (the
// other fields derive from the device's own configuration).
func (d *device) ApplyField(f devctx.Field, _ spec.Features) (bool, error) {
	if f.Type != spec.FieldDevCfg {
		return false, nil
	}
	if len(f.Value) != configLen {
		return true, fmt.Errorf("member: DEV_CFG: length %d, want %d", len(f.Value), configLen)
	}
	d.capacity = binary.LittleEndian.Uint64(f.Value[cfgCapacity:])
	d.writeback = f.Value[cfgWriteback] & 1
	return true, nil
}

// Parts returns none: virtio-1.4 defines no device part for the block
// device, and its device configuration travels in no common part (a spec
// gap migsim does not fill).
func (d *device) Parts() []devctx.Part { return nil }

// ApplyPart carries no part type.
func (d *device) ApplyPart(devctx.Part, spec.Features) (bool, error) { return false, nil }

var _ member.Backend = (*device)(nil)
