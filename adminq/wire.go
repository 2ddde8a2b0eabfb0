package adminq

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/spec"
)

// Command is one struct virtio_admin_cmd as the device reads it: the 24-byte
// header and the command-specific data. Opcode is the raw wire value; its
// meaning depends on the edition (spec.Opcode or spec.DraftOpcode).
type Command struct {
	Opcode uint16
	Group  spec.GroupType
	// Reserved1 holds the 12 reserved header bytes as given (the device
	// ignores them; kept so a decoded command re-encodes byte for byte).
	Reserved1 [12]byte
	Member    uint64
	// Data is the command-specific data exactly as the driver gave it.
	Data []byte
	// Short is true when the input was shorter than the 24-byte header; the
	// missing bytes read as zero (AVQ-DEV-01).
	Short bool
}

// DecodeCommand reads a command from the device-readable buffer. Following
// the length rules (AVQ-DEV-01, AVQ-DEV-02), it never fails: missing header
// bytes read as zero (and Short is set) and the data is whatever follows the
// header. The returned Data aliases b.
func DecodeCommand(b []byte) Command {
	var h [spec.AdminCmdHeaderSize]byte
	n := copy(h[:], b)
	c := Command{
		Opcode: binary.LittleEndian.Uint16(h[0:2]),
		Group:  spec.GroupType(binary.LittleEndian.Uint16(h[2:4])),
		Member: binary.LittleEndian.Uint64(h[16:24]),
		Short:  n < spec.AdminCmdHeaderSize,
	}
	copy(c.Reserved1[:], h[4:16])
	if len(b) > spec.AdminCmdHeaderSize {
		c.Data = b[spec.AdminCmdHeaderSize:]
	}
	return c
}

// Encode returns the command's bytes: the 24-byte header followed by Data.
func (c Command) Encode() []byte {
	b := c.appendHeader(make([]byte, 0, spec.AdminCmdHeaderSize+len(c.Data)))
	return append(b, c.Data...)
}

// appendHeader appends the command's 24-byte header to b.
func (c Command) appendHeader(b []byte) []byte {
	var h [spec.AdminCmdHeaderSize]byte
	binary.LittleEndian.PutUint16(h[0:2], c.Opcode)
	binary.LittleEndian.PutUint16(h[2:4], uint16(c.Group))
	copy(h[4:16], c.Reserved1[:])
	binary.LittleEndian.PutUint64(h[16:24], c.Member)
	return append(b, h[:]...)
}

// String renders the header for traces (opcode as a number; use the
// edition's opcode type for its name).
func (c Command) String() string {
	return fmt.Sprintf("opcode=%#x group=%s member=%d data=%d bytes", c.Opcode, c.Group, c.Member, len(c.Data))
}

// Result is the device-writable part of struct virtio_admin_cmd: status,
// status_qualifier, reserved2 and the command-specific result.
type Result struct {
	Status    spec.Status
	Qualifier spec.Qualifier
	Reserved2 [4]byte
	Data      []byte
	// Short is true when the input was shorter than the 8-byte status; the
	// missing bytes read as zero (AVQ-DRV-02).
	Short bool
}

// DecodeResult reads a result as the driver sees it; bytes the device did
// not write read as zero (AVQ-DRV-02), so it never fails.
func DecodeResult(b []byte) Result {
	var h [spec.AdminResultHeaderSize]byte
	n := copy(h[:], b)
	r := Result{
		Status:    spec.Status(binary.LittleEndian.Uint16(h[0:2])),
		Qualifier: spec.Qualifier(binary.LittleEndian.Uint16(h[2:4])),
		Short:     n < spec.AdminResultHeaderSize,
	}
	copy(r.Reserved2[:], h[4:8])
	if len(b) > spec.AdminResultHeaderSize {
		r.Data = b[spec.AdminResultHeaderSize:]
	}
	return r
}

// Encode returns the result's bytes: the 8-byte status followed by Data.
func (r Result) Encode() []byte {
	return r.appendTo(make([]byte, 0, spec.AdminResultHeaderSize+len(r.Data)))
}

// appendTo appends the result's bytes to b.
func (r Result) appendTo(b []byte) []byte {
	var h [spec.AdminResultHeaderSize]byte
	binary.LittleEndian.PutUint16(h[0:2], uint16(r.Status))
	binary.LittleEndian.PutUint16(h[2:4], uint16(r.Qualifier))
	copy(h[4:8], r.Reserved2[:])
	return append(append(b, h[:]...), r.Data...)
}

// WriteResult writes r into a device-writable buffer of the driver's size
// (AVQ-DEV-01, AVQ-DEV-03): the output is clipped to len(buf) and zero-filled
// up to a multiple of 8 within the buffer. It returns the used length: the
// bytes of r written, without the padding (DeviceQueue.Complete says why).
func WriteResult(buf []byte, r Result) int {
	enc := r.Encode()
	n := copy(buf, enc)
	if rem := n % 8; rem != 0 && n+8-rem <= len(buf) {
		clear(buf[n : n+8-rem])
	}
	return n
}
