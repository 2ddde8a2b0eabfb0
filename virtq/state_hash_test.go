package virtq

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestGuestMemory_StateHash(t *testing.T) {
	a, b := NewGuestMemory(), NewGuestMemory()
	assert.Equal(t, a.StateHash(), b.StateHash())
	assert.NoError(t, a.WriteMem(0, 0x1003, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9}))
	assert.NotEqual(t, a.StateHash(), b.StateHash())
	// The same contents written in another order and in other pieces.
	assert.NoError(t, b.WriteMem(0, 0x1008, []byte{6, 7, 8, 9}))
	assert.NoError(t, b.WriteMem(0, 0x1003, []byte{1, 2, 3, 4, 5}))
	assert.Equal(t, a.StateHash(), b.StateHash())
	// Zeros written into a fresh page change nothing.
	assert.NoError(t, b.WriteMem(0, 0x9000, make([]byte, 100)))
	assert.Equal(t, a.StateHash(), b.StateHash())
	// Overwriting and restoring.
	assert.NoError(t, b.WriteMem(0, 0x1004, []byte{0xff}))
	assert.NotEqual(t, a.StateHash(), b.StateHash())
	assert.NoError(t, b.WriteMem(0, 0x1004, []byte{2}))
	assert.Equal(t, a.StateHash(), b.StateHash())
	assert.Equal(t, a.StateHash(), a.Clone().StateHash())
	// A word across a page boundary.
	assert.NoError(t, a.WriteMem(0, 0x1ffc, []byte{1, 2, 3, 4, 5, 6, 7, 8}))
	assert.NoError(t, b.WriteMem(0, 0x2000, []byte{5, 6, 7, 8}))
	assert.NoError(t, b.WriteMem(0, 0x1ffc, []byte{1, 2, 3, 4}))
	assert.Equal(t, a.StateHash(), b.StateHash())
}
