package spec

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOpcodesVirtio14Table(t *testing.T) {
	ops := Virtio14.Opcodes()
	require.Len(t, ops, 0x12, "the virtio spec's opcode table (admin.tex) lists 0x0..0x11")
	for i, o := range ops {
		assert.Equal(t, uint16(i), o.Value, "opcodes in value order")
		assert.Equal(t, Opcode(o.Value).String(), o.Name)
		assert.False(t, o.SimulatorAssigned, "%s", o.Name)
		assert.NotEmpty(t, o.Groups, "%s", o.Name)
		assert.NotEmpty(t, o.Data, "%s", o.Name)
		assert.NotEmpty(t, o.Result, "%s", o.Name)
	}
	assert.Equal(t, "DEV_MODE_SET", Virtio14.OpcodeName(0x11))
	assert.Equal(t, "OPCODE_0x0012", Virtio14.OpcodeName(0x12))
	assert.False(t, Virtio14.HasOpcode(0x12))
}

func TestOpcodesDraft2023Table(t *testing.T) {
	ops := Draft2023.Opcodes()
	var values []uint16
	for _, o := range ops {
		values = append(values, o.Value)
		assert.Equal(t, DraftOpcode(o.Value).String(), o.Name)
		assert.Equal(t, o.Value >= 0x7, o.SimulatorAssigned, "%s", o.Name)
		assert.NotEmpty(t, o.Groups, "%s", o.Name)
		assert.NotEmpty(t, o.Data, "%s", o.Name)
		assert.NotEmpty(t, o.Result, "%s", o.Name)
	}
	assert.Equal(t, []uint16{0, 1, 7, 8, 9, 0xa, 0xb, 0xc, 0xd}, values)
}

func TestOpcodesEditionsDisagreeOnValues(t *testing.T) {
	cases := []struct {
		e    Edition
		v    uint16
		name string
		has  bool
	}{
		{Virtio14, 0x11, "DEV_MODE_SET", true},
		{Draft2023, 0x7, "DEV_MODE_SET", true},
		{Virtio14, 0x7, "CAP_ID_LIST_QUERY", true},
		{Draft2023, 0x11, "OPCODE_0x0011", false},
		{Draft2023, 0x2, "OPCODE_0x0002", false},
		{Draft2023, 0xd, "DEV_CTX_DISCARD", true},
		{Virtio14, 0xd, "RESOURCE_OBJ_DESTROY", true},
		{Edition(0), 0x0, "OPCODE_0x0000", false},
	}
	for _, c := range cases {
		assert.Equal(t, c.name, c.e.OpcodeName(c.v), "%s %#x", c.e, c.v)
		assert.Equal(t, c.has, c.e.HasOpcode(c.v), "%s %#x", c.e, c.v)
	}
}

func TestOpcodesObjQueryModifyConflictMarked(t *testing.T) {
	for _, v := range []uint16{uint16(OpResourceObjQuery), uint16(OpResourceObjModify)} {
		o, ok := Virtio14.LookupOpcode(v)
		require.True(t, ok)
		assert.Contains(t, o.Data, "spec conflict", "%s", o.Name)
	}
}

func TestOpcodesTablesAreCopies(t *testing.T) {
	a := Virtio14.Opcodes()
	a[0].Groups[0] = GroupType(9)
	a[0].Name = "X"
	b := Virtio14.Opcodes()
	assert.Equal(t, "LIST_QUERY", b[0].Name)
	assert.Equal(t, GroupSelf, b[0].Groups[0])
}
