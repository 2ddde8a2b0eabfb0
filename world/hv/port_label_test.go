package hv

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPortLabel pins the labels of the owner driver's scheduled accesses,
// which schedule files record.
func TestPortLabel(t *testing.T) {
	p := &hvPort{pre: "hv:src "}
	for _, c := range []struct {
		verb string
		addr uint64
		end  int
		val  uint64
		data []byte
		want string
	}{
		{"cfg-read", 0x4, labelNone, 0, nil, "hv:src pf cfg-read 0x4"},
		{"cfg-write", 0x188, labelValue, 0x1, nil, "hv:src pf cfg-write 0x188=0x1"},
		{"cfg-write", 0x4, labelValue, 0, nil, "hv:src pf cfg-write 0x4=0x0"},
		{"mmio-read", 0xd0000014, labelNone, 0, nil, "hv:src pf mmio-read 0xd0000014"},
		{"mmio-write", 0xd0003000, labelData, 0, []byte{0, 0}, "hv:src pf mmio-write 0xd0003000=0000"},
		{"mmio-write", 0xd0000014, labelData, 0, []byte{}, "hv:src pf mmio-write 0xd0000014="},
		{"mmio-write", 0xd0002000, labelData, 0, make([]byte, 64), "hv:src pf mmio-write 0xd0002000=" + string(make64zeros())},
	} {
		assert.Equal(t, c.want, p.label(c.verb, c.addr, c.end, c.val, c.data))
	}
}

// make64zeros is 64 zero bytes in hex: a label longer than the stack
// buffer.
func make64zeros() []byte {
	b := make([]byte, 128)
	for i := range b {
		b[i] = '0'
	}
	return b
}
