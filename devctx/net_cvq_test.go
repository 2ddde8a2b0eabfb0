package devctx

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// loadNetVectors reads testdata/net-cvq-parts.json: one
// VIRTIO_NET_DEV_PART_CVQ_CFG_PART per vector, laid out from the virtio
// spec's net CVQ command definitions by hand (the file's "source").
func loadNetVectors(tb testing.TB) (map[string][]byte, []string) {
	tb.Helper()
	raw, err := os.ReadFile("testdata/net-cvq-parts.json")
	require.NoError(tb, err)
	var file struct {
		Vectors []vector `json:"vectors"`
	}
	require.NoError(tb, json.Unmarshal(raw, &file))
	out := map[string][]byte{}
	var names []string
	for _, v := range file.Vectors {
		b, err := hex.DecodeString(v.Hex)
		require.NoError(tb, err, v.Name)
		require.Len(tb, b, v.Len, v.Name)
		out[v.Name] = b
		names = append(names, v.Name)
	}
	slices.Sort(names)
	return out, names
}

func mustMAC(s string) MAC {
	var m MAC
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 6 {
		panic("bad test MAC " + s)
	}
	copy(m[:], b)
	return m
}

func TestNetCVQVectorsRoundTrip(t *testing.T) {
	vs, names := loadNetVectors(t)
	require.Len(t, names, 11)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			b := vs[name]
			ps, err := DecodeParts(b, DecodeOptions{})
			require.NoError(t, err)
			require.Len(t, ps.List, 1)
			p := ps.List[0]
			assert.Equal(t, spec.PartNetCVQCfg, p.Type)
			assert.Equal(t, b, EncodeParts(ps.List), "part re-encodes byte for byte")
			sel := p.NetCVQ()
			assert.True(t, sel.ReservedZero())
			assert.Equal(t, p.Selector, sel.Raw())
			v, err := DecodeNetCVQValue(sel.Cmd(), p.Value)
			require.NoError(t, err)
			assert.Equal(t, p.Value, v.Encode(), "value re-encodes byte for byte")
			rebuilt := NewNetCVQPart(sel.Cmd(), v)
			rebuilt.Flags = p.Flags
			assert.Equal(t, b, EncodeParts([]Part{rebuilt}), "built from the typed value")
			assert.NotContains(t, p.Describe(), "error=")
		})
	}
}

func TestNetCVQVectorsValues(t *testing.T) {
	vs, _ := loadNetVectors(t)
	value := func(name string) (Part, NetCVQValue) {
		ps, err := DecodeParts(vs[name], DecodeOptions{})
		require.NoError(t, err, name)
		v, err := DecodeNetCVQValue(ps.List[0].NetCVQ().Cmd(), ps.List[0].Value)
		require.NoError(t, err, name)
		return ps.List[0], v
	}
	p, v := value("part-net-rx-promisc-on")
	assert.Equal(t, NetRxMode{On: true}, v)
	assert.Equal(t, "NET_CVQ_CFG class 0 command 0 (VIRTIO_NET_CTRL_RX_PROMISC) flags=0 length=1: value=1 (on)", p.Describe())
	_, v = value("part-net-rx-allmulti-off")
	assert.Equal(t, NetRxMode{}, v)
	p, v = value("part-net-mac-table-set")
	assert.Equal(t, NetMACTable{Unicast: []MAC{mustMAC("525400123456"), mustMAC("525400abcdef")},
		Multicast: []MAC{mustMAC("01005e0000fb")}}, v)
	assert.Equal(t, "NET_CVQ_CFG class 1 command 0 (VIRTIO_NET_CTRL_MAC_TABLE_SET) flags=0 length=26: "+
		"unicast_entries=2 unicast=52:54:00:12:34:56,52:54:00:ab:cd:ef multicast_entries=1 multicast=01:00:5e:00:00:fb", p.Describe())
	_, v = value("part-net-mac-table-empty")
	assert.Equal(t, NetMACTable{Unicast: []MAC{}, Multicast: []MAC{}}, v)
	_, v = value("part-net-mac-addr-set")
	assert.Equal(t, NetMACAddr{MAC: mustMAC("020000000001")}, v)
	p, v = value("part-net-vlan-table")
	assert.Equal(t, NetVLANTable{IDs: []uint16{1, 100, 4094}}, v)
	assert.Contains(t, p.Describe(), "entries=3 vlans=1,100,4094")
	p, v = value("part-net-announce-ack-optional")
	assert.Equal(t, NetAnnounceAck{}, v)
	assert.True(t, p.Optional())
	assert.Equal(t, "NET_CVQ_CFG class 3 command 0 (VIRTIO_NET_CTRL_ANNOUNCE_ACK) flags=OPTIONAL length=0: data=none", p.Describe())
	_, v = value("part-net-mq-pairs")
	assert.Equal(t, NetMQPairs{Pairs: 4}, v)
	_, v = value("part-net-hash-config")
	assert.Equal(t, NetHashConfig{HashTypes: 3, Key: []byte{0xde, 0xad, 0xbe, 0xef}}, v)
	p, v = value("part-net-rss-config")
	assert.Equal(t, NetRSSConfig{HashTypes: 0x3f, Mask: 3, Table: []uint16{0, 1, 2, 3}, MaxTxVQ: 4, Key: []byte{}}, v)
	assert.Contains(t, p.Describe(), "indirection_table=0,2,4,6")
}

func TestNetCVQValueErrors(t *testing.T) {
	tests := []struct {
		name string
		c    spec.NetCVQCommand
		b    string
		want error
		msg  string
	}{
		{"rx mode two bytes", spec.NetRxPromisc, "0100", ErrLength, "length 2, want 1 (u8 on/off)"},
		{"rx mode 2", spec.NetRxNoUni, "02", ErrValue, "2, want 0 (off) or 1 (on)"},
		{"mac table no count", spec.NetMACTableSet, "020000", ErrTruncated, "unicast entries at offset 0: truncated: need 4 bytes, have 3"},
		{"mac table short", spec.NetMACTableSet, "02000000525400123456", ErrTruncated, "unicast entries at offset 0: truncated: 2 entries need 12 bytes, have 6"},
		{"mac table huge count", spec.NetMACTableSet, "ffffffff", ErrTruncated, "unicast entries at offset 0: truncated: 4294967295 entries need 25769803770 bytes, have 0"},
		{"mac table no multicast count", spec.NetMACTableSet, "00000000", ErrTruncated, "multicast entries at offset 4: truncated: need 4 bytes, have 0"},
		{"mac table trailing", spec.NetMACTableSet, "000000000000000001", ErrLength, "length 9, want 8"},
		{"mac addr short", spec.NetMACAddrSet, "0200000000", ErrLength, "length 5, want 6"},
		{"vlan odd", spec.NetVLANAdd, "010002", ErrLength, "length 3, want a multiple of 2"},
		{"vlan 4096", spec.NetVLANAdd, "0100" + "0010", ErrValue, "VLAN id 4096 at offset 2: bad value: want below 4096"},
		{"vlan twice", spec.NetVLANAdd, "0500" + "0500", ErrValue, "VLAN id 5 at offset 2: bad value: repeated"},
		{"announce with data", spec.NetAnnounceAck, "00", ErrLength, "length 1, want 0"},
		{"pairs 0", spec.NetMQVQPairsSet, "0000", ErrValue, "virtqueue_pairs 0, want 1 to 0x8000"},
		{"pairs 0x8001", spec.NetMQVQPairsSet, "0180", ErrValue, "virtqueue_pairs 32769"},
		{"pairs one byte", spec.NetMQVQPairsSet, "01", ErrLength, "length 1, want 2"},
		{"rss short", spec.NetMQRSSConfig, "3f000000", ErrTruncated, "header needs 8 bytes, have 4"},
		{"rss table past end", spec.NetMQRSSConfig, "3f000000ffff0000", ErrTruncated, "indirection_table at offset 8: truncated: 65536 entries"},
		{"rss key length", spec.NetMQRSSConfig, "3f00000000000000" + "0000" + "0400" + "05", ErrLength, "hash_key_length at offset 12: length 13, want 18 (hash_key_length 5)"},
		{"hash short", spec.NetMQHashConfig, "03000000", ErrTruncated, "header needs 13 bytes, have 4"},
		{"hash key length", spec.NetMQHashConfig, "03000000" + "0000000000000000" + "02" + "aa", ErrLength, "hash_key_length at offset 12: length 14, want 15"},
		{"vlan del is no part", spec.NetVLANDel, "0100", ErrSelector, "not a VIRTIO_NET_DEV_PART_CVQ_CFG_PART selector"},
		{"unknown class", spec.NetCVQCommand{Class: 9}, "", ErrSelector, "class 9 command 0 value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := hex.DecodeString(tc.b)
			require.NoError(t, err)
			_, err = DecodeNetCVQValue(tc.c, b)
			require.Error(t, err)
			assert.True(t, errors.Is(err, tc.want), "%v", err)
			assert.Contains(t, err.Error(), "devctx: NET_CVQ_CFG ")
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

func TestNetCVQSelectorDescribe(t *testing.T) {
	p := Part{Type: spec.PartNetCVQCfg, Selector: [8]byte{4, 0, 0, 0, 0, 0, 0, 7}, Value: []byte{2, 0}}
	assert.Equal(t, "class 4 command 0 (VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET) reserved 0x000000000007", p.SelectorString())
	assert.False(t, p.NetCVQ().ReservedZero())
	bad := Part{Type: spec.PartNetCVQCfg, Selector: [8]byte{4, 0}, Value: []byte{0, 0}}
	assert.Contains(t, bad.Describe(), "value=0000 error=NET_CVQ_CFG VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET value at offset 0: bad value")
}
