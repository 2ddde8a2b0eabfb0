package net

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// FuzzParseFrame: any bytes parse without panicking, and a frame the driver
// makes parses back to its sequence number and flow.
func FuzzParseFrame(f *testing.F) {
	f.Add(Frame([6]byte{2, 0, 0, 0, 0, 1}, 7, 3, 60), uint64(7), uint32(3))
	f.Add([]byte{0x81, 0x00}, uint64(0), uint32(0))
	f.Fuzz(func(t *testing.T, b []byte, seq uint64, flow uint32) {
		_, _, _ = ParseFrame(b)
		s, fl, ok := ParseFrame(Frame([6]byte{2}, seq, flow, len(b)))
		assert.True(t, ok)
		assert.Equal(t, seq, s)
		assert.Equal(t, flow, fl)
	})
}
