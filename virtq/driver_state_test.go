package virtq

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDriverRing_StateHash: two rings that posted and harvested the same
// chains hash alike whatever their scratch buffers last held; a ring whose
// indices or free descriptors differ hashes apart.
func TestDriverRing_StateHash(t *testing.T) {
	l := NewLayout(0x1000, 8)
	ring := func() (*DriverRing, *GuestMemory) {
		m := NewGuestMemory()
		d, err := NewDriverRing(m, 0, l)
		require.NoError(t, err)
		return d, m
	}
	a, _ := ring()
	b, mb := ring()
	assert.Equal(t, a.StateHash(), b.StateHash())

	// b reads its used idx (nothing used): only its scratch changes.
	require.NoError(t, mb.WriteMem(0, l.Used+2, []byte{0, 0}))
	_, err := b.UsedIdx()
	require.NoError(t, err)
	b.buf[5] = 0xaa
	assert.Equal(t, a.StateHash(), b.StateHash(), "the scratch buffer is not state")

	_, err = a.Add([]Buffer{{Addr: 0x8000, Len: 16}, {Addr: 0x9000, Len: 1, Writable: true}})
	require.NoError(t, err)
	assert.NotEqual(t, a.StateHash(), b.StateHash(), "a chain posted changes the ring")
	_, err = b.Add([]Buffer{{Addr: 0x8000, Len: 16}, {Addr: 0x9000, Len: 1, Writable: true}})
	require.NoError(t, err)
	assert.Equal(t, a.StateHash(), b.StateHash())
	require.NoError(t, a.Publish())
	assert.Equal(t, a.StateHash(), b.StateHash(), "publishing writes memory, not the ring's state")

	c, _ := ring()
	c.free[0], c.free[1] = c.free[1], c.free[0]
	d, _ := ring()
	assert.NotEqual(t, c.StateHash(), d.StateHash(), "the order of free descriptors decides the next chain")
	d.lastUsed++
	e, _ := ring()
	assert.NotEqual(t, d.StateHash(), e.StateHash())
}

// TestDriverRing_StateHashFields fails when DriverRing grows a field:
// StateHash must then say whether it is state.
func TestDriverRing_StateHashFields(t *testing.T) {
	var names []string
	rt := reflect.TypeOf(DriverRing{})
	for i := range rt.NumField() {
		names = append(names, rt.Field(i).Name)
	}
	assert.Equal(t, []string{"Layout", "mem", "rid", "buf", "free", "links", "availIdx", "lastUsed"}, names)
}
