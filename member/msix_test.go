package member_test

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
)

func TestMSIXTableAccessRules(t *testing.T) {
	tests := []struct {
		name string
		off  uint64
		n    int
		ok   bool
	}{
		{"dword", 4, 4, true},
		{"qword", 16, 8, true},
		{"vector control", 12, 4, true},
		{"word", 0, 2, false},
		{"unaligned dword", 2, 4, false},
		{"qword across entries", 12, 8, false},
		{"whole entry", 0, 16, false},
		{"past the table", 2 * pcie.MSIXEntrySize, 4, false},
	}
	for _, tc := range tests {
		tab := member.NewMSIXTable(2)
		_, _, err := tab.Write(tc.off, make([]byte, tc.n))
		if tc.ok {
			assert.NoError(t, err, tc.name)
		} else {
			assert.ErrorIs(t, err, member.ErrMSIXAccess, tc.name)
		}
	}
}

func TestMSIXTablePendingAndUnmask(t *testing.T) {
	tab := member.NewMSIXTable(2)
	require.Equal(t, 2, tab.Len())
	assert.Equal(t, []byte{1, 0, 0, 0}, tab.Read(12, 4), "entries reset masked")
	_, _, err := tab.Write(0, binary.LittleEndian.AppendUint64(nil, 0xfee00000))
	require.NoError(t, err)
	_, _, err = tab.Write(8, []byte{0x41, 0, 0, 0})
	require.NoError(t, err)
	_, sent := tab.Signal(0x0109, 0)
	assert.False(t, sent, "masked: the message stays pending")
	assert.Equal(t, []byte{1}, tab.ReadPBA(0, 1))
	v, fire, err := tab.Write(12, []byte{0xfe, 0xff, 0xff, 0xff})
	require.NoError(t, err)
	assert.Equal(t, uint16(0), v)
	assert.True(t, fire, "unmasked with the pending bit set")
	assert.Equal(t, []byte{0, 0, 0, 0}, tab.Read(12, 4), "reserved Vector Control bits read 0")
	tab.ClearPending(v)
	msg, sent := tab.Signal(0x0109, v)
	require.True(t, sent)
	assert.Equal(t, pcie.MSIXMessage{Source: 0x0109, Vector: 0, Addr: 0xfee00000, Data: 0x41}, msg)
	assert.Equal(t, []byte{0}, tab.ReadPBA(0, 1))
}

func TestMSIXTableSizeClamped(t *testing.T) {
	small, big := member.NewMSIXTable(0), member.NewMSIXTable(pcie.MaxMSIXVectors+5)
	assert.Equal(t, 1, small.Len())
	assert.Equal(t, pcie.MaxMSIXVectors, big.Len())
}
