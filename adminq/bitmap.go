package adminq

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/migsim/migsim/spec"
)

// Bitmap is an array of le64 words where bit n of word n/64 stands for item
// n: the opcode list of LIST_QUERY's result and LIST_USE's data, and the
// capability list of CAP_ID_LIST_QUERY's result (virtio spec,
// Administration Virtqueues, "Group administration commands").
// A partial last word reads as zero-extended.
type Bitmap struct {
	// Kind selects how set bits are named: BitmapOpcodes or BitmapCaps.
	Kind BitmapKind
	// Edition names the opcodes of an opcode bitmap.
	Edition spec.Edition
	Words   []uint64
}

// BitmapKind says what the bits of a Bitmap stand for.
type BitmapKind uint8

// Bitmap kinds.
const (
	BitmapOpcodes BitmapKind = iota // bit n = opcode n
	BitmapCaps                      // bit n = capability id n
)

// DecodeBitmap reads a bitmap of the given kind; a partial last word reads
// zero-extended.
func DecodeBitmap(kind BitmapKind, ed spec.Edition, b []byte) Bitmap {
	bm := Bitmap{Kind: kind, Edition: ed}
	if len(b) == 0 {
		return bm
	}
	bm.Words = make([]uint64, (len(b)+7)/8)
	for i := range bm.Words {
		bm.Words[i] = u64At(b, i*8)
	}
	return bm
}

// Word returns word i, 0 past the end.
func (m Bitmap) Word(i int) uint64 {
	if i < len(m.Words) {
		return m.Words[i]
	}
	return 0
}

// Has reports whether bit n is set.
func (m Bitmap) Has(n uint) bool {
	w := n / 64
	return w < uint(len(m.Words)) && m.Words[w]&(1<<(n%64)) != 0
}

// Bits returns the set bit numbers in ascending order.
func (m Bitmap) Bits() []uint {
	var out []uint
	for w, word := range m.Words {
		for i := uint(0); i < 64; i++ {
			if word&(1<<i) != 0 {
				out = append(out, uint(w)*64+i)
			}
		}
	}
	return out
}

// Encode returns the words as le64.
func (m Bitmap) Encode() []byte {
	b := make([]byte, 0, 8*len(m.Words))
	for _, w := range m.Words {
		b = binary.LittleEndian.AppendUint64(b, w)
	}
	return b
}

// Fields lists each word in hex, then the set bits by name.
func (m Bitmap) Fields() []Field {
	name := "opcodes"
	if m.Kind == BitmapCaps {
		name = "caps"
	}
	var f []Field
	for i, w := range m.Words {
		f = append(f, Field{fmt.Sprintf("%s_word[%d]", name, i), fmt.Sprintf("%#016x", w)})
	}
	var set []string
	for _, n := range m.Bits() {
		set = append(set, m.bitName(n))
	}
	return append(f, Field{name, strings.Join(set, ", ")})
}

func (m Bitmap) bitName(n uint) string {
	if m.Kind == BitmapCaps {
		if n == uint(spec.CapDevParts) {
			return "0 DEV_PARTS_CAP"
		}
		return fmt.Sprintf("%d", n)
	}
	if n > 0xffff {
		return fmt.Sprintf("%d", n)
	}
	return fmt.Sprintf("%d %s", n, OpcodeName(m.Edition, uint16(n)))
}
