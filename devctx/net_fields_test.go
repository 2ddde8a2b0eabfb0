package devctx

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

func TestNetCVQFieldRoundTrip(t *testing.T) {
	ps := []Part{
		NewNetCVQPart(spec.NetRxPromisc, NetRxMode{On: true}),
		NewNetCVQPart(spec.NetMACTableSet, NetMACTable{Unicast: []MAC{{2, 0, 0, 0, 0, 9}}}),
		NewNetCVQPart(spec.NetMQVQPairsSet, NetMQPairs{Pairs: 2}),
	}
	f := NetCVQField(ps)
	assert.Equal(t, spec.FieldNetCVQ, f.Type)
	got, err := DecodeNetCVQField(f.Value)
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, f.Value, EncodeParts(got))
	empty, err := DecodeNetCVQField(nil)
	require.NoError(t, err)
	assert.Empty(t, empty)
}

func TestNetCVQFieldErrors(t *testing.T) {
	promisc := NewNetCVQPart(spec.NetRxPromisc, NetRxMode{On: true})
	tests := []struct {
		name  string
		parts []Part
		want  error
		msg   string
	}{
		{"another part type", []Part{NewPart(spec.PartDeviceStatus, []byte{1})}, ErrValue, "part 0 (DEVICE_STATUS) at offset 0: bad value: type DEVICE_STATUS, want NET_CVQ_CFG"},
		{"selector twice", []Part{promisc, promisc}, ErrDuplicate, "part 1 (NET_CVQ_CFG) at offset 17: duplicate: VIRTIO_NET_CTRL_RX_PROMISC already given by part 0"},
		{"reserved selector bytes", []Part{{Type: spec.PartNetCVQCfg, Selector: [8]byte{0, 0, 1}, Value: []byte{1}}}, ErrSelector, "reserved selector byte 2 is 0x01"},
		{"bad value", []Part{promisc, {Type: spec.PartNetCVQCfg, Selector: [8]byte{0, 1}, Value: []byte{7}}}, ErrValue,
			"part 1 (NET_CVQ_CFG) at offset 17: NET_CVQ_CFG VIRTIO_NET_CTRL_RX_ALLMULTI value at offset 33: bad value"},
		{"not a part selector", []Part{{Type: spec.PartNetCVQCfg, Selector: [8]byte{2, 1}, Value: []byte{1, 0}}}, ErrSelector, "VIRTIO_NET_CTRL_VLAN_DEL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeNetCVQField(EncodeParts(tc.parts))
			require.Error(t, err)
			assert.True(t, errors.Is(err, tc.want), "%v", err)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
	_, err := DecodeNetCVQField([]byte{0, 2, 0})
	assert.ErrorIs(t, err, ErrTruncated)
}

func TestNetInflightList(t *testing.T) {
	l := NetInflightList{Entries: []NetInflight{{Queue: 1, Head: 3}, {Queue: 0, Head: 7, Written: 74}, {Queue: 8, Head: 0, Ack: 1}}}
	f := l.Field()
	assert.Equal(t, spec.FieldNetInflight, f.Type)
	require.Len(t, f.Value, 8+3*NetInflightSize)
	got, err := DecodeNetInflightList(f.Value)
	require.NoError(t, err)
	assert.Equal(t, l, got)

	bad := NetInflightList{Entries: []NetInflight{{Queue: 8, Ack: 2}}}.Encode()
	_, err = DecodeNetInflightList(bad)
	assert.ErrorIs(t, err, ErrValue)
	assert.Contains(t, err.Error(), "entry 0 at offset 8: bad value: ack 2")
	twice := NetInflightList{Entries: []NetInflight{{Queue: 1, Head: 3}, {Queue: 1, Head: 3}}}.Encode()
	_, err = DecodeNetInflightList(twice)
	assert.ErrorIs(t, err, ErrDuplicate)
	assert.Contains(t, err.Error(), "NET_INFLIGHT")
	assert.Contains(t, err.Error(), "entry 1 at offset 24: duplicate: q1 head 3 already given by entry 0")
	_, err = DecodeNetInflightList([]byte{1, 0, 0, 0, 0, 0, 0, 0})
	assert.ErrorIs(t, err, ErrLength)
}
