package blk

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/virtq"
)

// FuzzRequest: any header and any chain shape go through fetch, execute and
// complete without a panic; a request that completes has a used length of
// at least the status byte and at most the chain's writable bytes.
func FuzzRequest(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0}, uint16(16), uint16(512), true, uint16(1))
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, uint16(16), uint16(512), false, uint16(1))
	f.Add([]byte{8}, uint16(4), uint16(20), true, uint16(0))
	f.Fuzz(func(t *testing.T, hdr []byte, hdrLen, dataLen uint16, dataWritable bool, stLen uint16) {
		mem := virtq.NewGuestMemory()
		require.NoError(t, mem.WriteMem(testRID, hdrAddr, hdr))
		segs := []virtq.Segment{{Addr: hdrAddr, Len: uint32(hdrLen)}}
		if dataLen > 0 {
			segs = append(segs, virtq.Segment{Addr: dataAt, Len: uint32(dataLen), Writable: dataWritable})
		}
		if stLen > 0 {
			segs = append(segs, virtq.Segment{Addr: stAt, Len: uint32(stLen), Writable: true})
		}
		r, err := run(testDevice(t, mem), segs)
		if err != nil {
			return
		}
		var writable uint32
		for _, s := range segs {
			if s.Writable {
				writable += s.Len
			}
		}
		require.GreaterOrEqual(t, r.Written, uint32(1))
		require.LessOrEqual(t, r.Written, writable)
	})
}
