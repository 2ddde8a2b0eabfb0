package devctx

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/spec"
)

// Split-write flags of a CommonRuntimeCfg entry.
const (
	SplitLoWritten uint8 = 1 << 0 // the lo half has been written
	SplitHiWritten uint8 = 1 << 1 // the hi half has been written
	splitKnown           = SplitLoWritten | SplitHiWritten
)

// SplitWriteSize is the size of one PCI_COMMON_RUNTIME_CFG entry.
const SplitWriteSize = 16

// SplitWrite is one PCI_COMMON_RUNTIME_CFG entry: le16 queue; u8 field (the
// lo offset of the 64-bit field: 32 desc, 40 driver, 48 device); u8 flags
// (SplitLoWritten, SplitHiWritten: a split write in progress has exactly
// one set); le32 lo; le32 hi; le32 reserved.
type SplitWrite struct {
	Queue uint16
	Field spec.CommonCfgField
	Flags uint8
	Lo    uint32
	Hi    uint32
}

// InProgress reports whether exactly one half has been written.
func (w SplitWrite) InProgress() bool {
	return w.Flags&splitKnown == SplitLoWritten || w.Flags&splitKnown == SplitHiWritten
}

// CommonRuntimeCfg is the PCI_COMMON_RUNTIME_CFG (0x2) field: per 64-bit
// queue address the halves written so far. A freeze between the two halves
// of a write leaves the written half here.
type CommonRuntimeCfg struct {
	Writes []SplitWrite
}

// Encode returns the entry list.
func (c CommonRuntimeCfg) Encode() []byte {
	return c.AppendValue(make([]byte, 0, entryListHeader+len(c.Writes)*SplitWriteSize))
}

// AppendValue appends the entry list to b.
func (c CommonRuntimeCfg) AppendValue(b []byte) []byte {
	b, l := appendEntryList(b, len(c.Writes), SplitWriteSize)
	for i, w := range c.Writes {
		e := l[entryListHeader+i*SplitWriteSize:]
		binary.LittleEndian.PutUint16(e, w.Queue)
		e[2] = uint8(w.Field)
		e[3] = w.Flags
		binary.LittleEndian.PutUint32(e[4:], w.Lo)
		binary.LittleEndian.PutUint32(e[8:], w.Hi)
	}
	return b
}

// Field returns the value as a PCI_COMMON_RUNTIME_CFG field.
func (c CommonRuntimeCfg) Field() Field {
	return Field{Type: spec.FieldPCICommonRuntimeCfg, Value: c.Encode()}
}

// DecodeCommonRuntimeCfg reads a PCI_COMMON_RUNTIME_CFG value. A field
// offset other than 32, 40 or 48, or flags other than exactly one of
// SplitLoWritten and SplitHiWritten (an entry is a split write in progress:
// none written is no write, both written is a finished one), is an ErrValue
// error naming the entry; a queue and field given twice an ErrDuplicate one.
func DecodeCommonRuntimeCfg(b []byte) (CommonRuntimeCfg, error) {
	var c CommonRuntimeCfg
	var seen seenSet // queue<<8 | field → entry
	err := decodeEntries(spec.FieldPCICommonRuntimeCfg.String(), b, SplitWriteSize, func(i int, e []byte) error {
		w := SplitWrite{
			Queue: binary.LittleEndian.Uint16(e),
			Field: spec.CommonCfgField(e[2]),
			Flags: e[3],
			Lo:    binary.LittleEndian.Uint32(e[4:]),
			Hi:    binary.LittleEndian.Uint32(e[8:]),
		}
		switch w.Field {
		case spec.CfgQueueDescLo, spec.CfgQueueDriverLo, spec.CfgQueueDeviceLo:
		default:
			return fmt.Errorf("%w: field offset %d is not the lo half of a 64-bit queue address (32, 40, 48)",
				ErrValue, uint8(w.Field))
		}
		if x := w.Flags &^ splitKnown; x != 0 {
			return fmt.Errorf("%w: unknown flag bits %#x", ErrValue, x)
		}
		if !w.InProgress() {
			return fmt.Errorf("%w: flags %#x, want exactly one of lo written (0x1) and hi written (0x2)", ErrValue, w.Flags)
		}
		if err := uniqueEntry(&seen, uint32(w.Queue)<<8|uint32(w.Field), i,
			fmt.Sprintf("queue %d %s", w.Queue, w.Field)); err != nil {
			return err
		}
		c.Writes = append(c.Writes, w)
		return nil
	})
	if err != nil {
		return CommonRuntimeCfg{}, err
	}
	return c, nil
}
