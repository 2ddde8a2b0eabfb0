package devctx

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// FuzzDecodeNetCVQValue checks that decoding any value under any selector
// never panics, that what decodes re-encodes byte for byte, and that a
// decoded NET_CVQ field and NET_INFLIGHT list re-encode the same way:
//
//	go test ./devctx -run '^$' -fuzz FuzzDecodeNetCVQValue -fuzztime 2m
func FuzzDecodeNetCVQValue(f *testing.F) {
	vs, names := loadNetVectors(f)
	for _, name := range names {
		b := vs[name]
		f.Add(b[4], b[5], b[spec.PartHeaderSize:])
	}
	f.Add(uint8(1), uint8(0), []byte{0xff, 0xff, 0xff, 0xff})
	f.Add(uint8(4), uint8(1), []byte{0, 0, 0, 0, 0xff, 0xff, 0, 0})
	// Values the layouts forbid: PROMISC 2, a repeated VLAN, VLAN 4096,
	// virtqueue_pairs 0, a MAC table count of 0xffffffff.
	f.Add(uint8(0), uint8(0), []byte{2})
	f.Add(uint8(2), uint8(0), []byte{5, 0, 5, 0})
	f.Add(uint8(2), uint8(0), []byte{0, 0x10})
	f.Add(uint8(4), uint8(0), []byte{0, 0})
	f.Add(uint8(1), uint8(0), []byte{0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, class, command uint8, b []byte) {
		c := spec.NetCVQCommand{Class: spec.NetCtrlClass(class), Command: command}
		v, err := DecodeNetCVQValue(c, b)
		if err == nil {
			assert.Equal(t, b, v.Encode())
			assert.NotEmpty(t, v.Attrs())
			p := NewNetCVQPart(c, v)
			got, err := DecodeNetCVQField(EncodeParts([]Part{p}))
			require.NoError(t, err)
			assert.Equal(t, []Part{p}, got)
		}
		p := Part{Type: spec.PartNetCVQCfg, Selector: NetCVQSelector{Class: c.Class, Command: c.Command}.Raw(), Value: b}
		assert.NotEmpty(t, p.Describe())
		if _, err := p.DecodeAttrs(spec.VirtioDeviceIDNet, 100); err != nil {
			at, ok := ErrorOffset(err)
			require.True(t, ok, "%v names an offset", err)
			assert.GreaterOrEqual(t, at, 100)
			assert.LessOrEqual(t, at, 100+len(b))
		}
		if fs, err := DecodeNetCVQField(b); err == nil {
			assert.Equal(t, b, EncodeParts(fs))
		}
		if l, err := DecodeNetInflightList(b); err == nil {
			again := l.Encode()
			assert.Len(t, again, len(b))
			l2, err := DecodeNetInflightList(again)
			require.NoError(t, err)
			assert.Equal(t, l, l2)
		}
	})
}
