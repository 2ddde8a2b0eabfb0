package devctx

import (
	"testing"

	"github.com/migsim/migsim/spec"
)

// memberParts is a member's DEV_PARTS_GET(ALL) result as package member
// builds it (appendParts): the features, four PCI_COMMON_CFG fields, the
// status, then VQ_CFG and VQ_NOTIFY_CFG for each of queues queues.
func memberParts(queues int) []Part {
	dev := NewPart(spec.PartDevFeatures, make([]byte, 8))
	dev.Flags = spec.PartFlagOptional
	ps := []Part{dev, drv8}
	for _, f := range []spec.CommonCfgField{spec.CfgDeviceFeatureSelect, spec.CfgDriverFeatureSelect,
		spec.CfgConfigMSIXVector, spec.CfgQueueSelect} {
		info, _ := spec.LookupCommonCfgField(uint32(f))
		ps = append(ps, NewCommonCfgPart(f, make([]byte, info.Size)))
	}
	ps = append(ps, status)
	for q := range queues {
		ps = append(ps, VQCfg{QueueSize: 256}.Part(uint16(q)))
	}
	for q := range queues {
		ps = append(ps, VQNotifyCfg{NotifyOff: uint16(q)}.Part(uint16(q)))
	}
	return ps
}

func BenchmarkDecodeParts(b *testing.B) {
	cases := []struct {
		name string
		in   []byte
		opts DecodeOptions
	}{
		{"member-2q", EncodeParts(memberParts(2)), DecodeOptions{Complete: true}},
		{"member-2q-any-order", EncodeParts(memberParts(2)), DecodeOptions{Complete: true, AnyOrder: true}},
		{"member-8q", EncodeParts(memberParts(8)), DecodeOptions{Complete: true}},
		// About 560 KiB: past any small-count fast path, it must stay linear.
		{"member-8192q", EncodeParts(memberParts(8192)), DecodeOptions{Complete: true}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(tc.in)))
			for b.Loop() {
				if _, err := DecodeParts(tc.in, tc.opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
