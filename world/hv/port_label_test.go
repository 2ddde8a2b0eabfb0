package hv

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
		for range 2 { // built, then kept
			assert.Equal(t, c.want, p.label(c.verb, c.addr, c.end, c.val, c.data))
		}
	}
}

// TestPortLabel_Kept: a kept label is the one built for its key, for
// more keys than there are slots (so that they share slots and replace
// each other), on two hosts, for data of every length up to 9 bytes
// (lengths that differ only in trailing zero bytes, and 8 bytes whose top
// bits would hold a shorter datum's length), looked up in turns, and
// concurrently.
func TestPortLabel_Kept(t *testing.T) {
	ports := []*hvPort{{pre: "hv:src "}, {pre: "hv:dst "}}
	type access struct {
		verb string
		addr uint64
		end  int
		val  uint64
		data []byte
	}
	var accesses []access
	for i := range uint64(portLabelSlots) {
		addr := 0xd0000000 + 4*i
		accesses = append(accesses, access{"cfg-read", i, labelNone, 0, nil},
			access{"cfg-write", i, labelValue, i * 7, nil}, access{"mmio-read", addr, labelNone, 0, nil})
		for n := range 10 {
			data := make([]byte, n)
			if n > 0 {
				data[0] = byte(i)
			}
			accesses = append(accesses, access{"mmio-write", addr, labelData, 0, data})
		}
	}
	full := []byte{1, 2, 3, 4, 5, 6, 7, 0x80}
	accesses = append(accesses, access{"mmio-write", 0xd0003000, labelData, 0, full},
		access{"mmio-write", 0xd0003000, labelData, 0, full[:7]})
	check := func(t *testing.T) {
		for round := range 2 {
			for _, a := range accesses {
				for _, p := range ports {
					want := p.buildLabel(a.verb, a.addr, a.end, a.val, a.data)
					require.Equal(t, want, p.label(a.verb, a.addr, a.end, a.val, a.data), "round %d", round)
				}
			}
		}
	}
	check(t)
	// The table is the process's: jobs look labels up concurrently.
	t.Run("concurrent", func(t *testing.T) {
		for i := range 4 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				check(t)
			})
		}
	})
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
