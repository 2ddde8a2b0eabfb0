package devctx

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/spec"
)

// TestAppendValueMatchesEncode checks that every AppendValue appends
// exactly what Encode (or the Field constructor) returns, after whatever
// the buffer held.
func TestAppendValueMatchesEncode(t *testing.T) {
	var img CommonCfgImage
	for i := range img {
		img[i] = byte(i + 1)
	}
	rt := CommonRuntimeCfg{Writes: []SplitWrite{{Queue: 1, Field: spec.CfgQueueDescLo, Flags: SplitLoWritten, Lo: 7, Hi: 9}}}
	vq := VQCfgList{Queues: []VQCfgEntry{{Index: 0, Size: 8, Desc: 0x1000}, {Index: 1, Size: 16, Device: 0x2000}}}
	run := VQSplitRuntimeList{Queues: []VQSplitRuntimeEntry{{Index: 0, LastAvailIdx: 3, UsedIdx: 2, Flags: RuntimeIRQHeld}}}
	own := DevOwnDescList{Descs: []DevOwnDesc{{Queue: 0, Head: 5}, {Queue: 1, Head: 2}}}
	pe := PendingEvents{Flags: PendingFLR, HeldIRQs: 5}
	fw := FeatureWords{1 << 32, 3}
	tests := []struct {
		name   string
		encode []byte
		append func([]byte) []byte
	}{
		{"PCI_COMMON_CFG", img.Field().Value, img.AppendValue},
		{"PCI_COMMON_RUNTIME_CFG", rt.Encode(), rt.AppendValue},
		{"empty PCI_COMMON_RUNTIME_CFG", CommonRuntimeCfg{}.Encode(), CommonRuntimeCfg{}.AppendValue},
		{"PCI_VQ_CFG", vq.Encode(), vq.AppendValue},
		{"VQ_SPLIT_RUNTIME_CFG", run.Encode(), run.AppendValue},
		{"VQ_SPLIT_DEV_OWN_DESC", own.Encode(), own.AppendValue},
		{"PENDING_EVENTS", pe.Encode(), pe.AppendValue},
		{"DEV_FEATURES", fw.Encode(), fw.AppendValue},
		{"DEVICE_STATUS", DeviceStatusField(0x0f).Value, func(b []byte) []byte { return AppendDeviceStatus(b, 0x0f) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			prefix := []byte{0xaa, 0xbb, 0xcc}
			got := tc.append(append([]byte(nil), prefix...))
			assert.Equal(t, prefix, got[:len(prefix)], "the buffer's bytes are kept")
			assert.Equal(t, tc.encode, got[len(prefix):])
		})
	}
}
