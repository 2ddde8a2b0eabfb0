package compat

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// Part sizes of the complete run stateRun builds, for the offsets below:
// DEV_FEATURES 0, DRV_FEATURES 24, PCI_COMMON_CFG 48, DEVICE_STATUS 66,
// VQ_CFG 83, end 131.
const stateRunEnd = 131

// stateRun returns a complete run for compatLoadHeader's features: the
// common parts (one PCI_COMMON_CFG, queue_select), VQ_CFG for each queue,
// then extra.
func stateRun(queues []uint16, extra ...devctx.Part) []devctx.Part {
	fs := compatLoadHeader().DeviceFeatures
	ps := []devctx.Part{
		devctx.NewPart(spec.PartDevFeatures, devctx.FeatureWords{fs}.Encode()),
		devctx.NewPart(spec.PartDrvFeatures, devctx.FeatureWords{fs}.Encode()),
		devctx.NewCommonCfgPart(spec.CfgQueueSelect, devctx.CommonCfgBytes(spec.CfgQueueSelect, 0)),
		devctx.NewPart(spec.PartDeviceStatus, []byte{0x0f}),
	}
	for _, q := range queues {
		ps = append(ps, devctx.VQCfg{QueueSize: 64}.Part(q))
	}
	return append(ps, extra...)
}

// manifestOf lists the part types of ps once each, in order, with their
// OPTIONAL flags, as an implementation writes its manifest.
func manifestOf(ps []devctx.Part) []PartEntry {
	var m []PartEntry
	seen := map[spec.PartType]bool{}
	for _, p := range ps {
		if !seen[p.Type] {
			seen[p.Type] = true
			m = append(m, PartEntry{Type: p.Type, Flags: p.Flags & spec.PartFlagOptional})
		}
	}
	return m
}

// savedState encodes compatLoadHeader, changed by mod, with manifest and
// payload.
func savedState(manifest []PartEntry, payload []byte, mod ...func(*CompatHeader)) []byte {
	h := compatLoadHeader()
	h.Parts = manifest
	for _, f := range mod {
		f(&h)
	}
	return EncodeSavedState(h, payload)
}

// savedParts is a saved state of the parts with their own manifest.
func savedParts(ps []devctx.Part, mod ...func(*CompatHeader)) []byte {
	return savedState(manifestOf(ps), devctx.EncodeParts(ps), mod...)
}

// expandOffsets turns the offsets of an expected message into the saved
// state's: "@N" is "byte B+N (payload offset N)" and "#N" is "B+N", where
// B is where the payload starts.
func expandOffsets(msg string, base int) string {
	msg = regexp.MustCompile(`@(\d+)`).ReplaceAllStringFunc(msg, func(s string) string {
		n, _ := strconv.Atoi(s[1:])
		return fmt.Sprintf("byte %d (payload offset %d)", base+n, n)
	})
	return regexp.MustCompile(`#(\d+)`).ReplaceAllStringFunc(msg, func(s string) string {
		n, _ := strconv.Atoi(s[1:])
		return strconv.Itoa(base + n)
	})
}

// TestCheckSavedState runs every load-time check of a saved state: the
// header (CheckLoad), then the payload decoded as the device would decode
// it (a complete run of parts, or a draft context and its field values)
// and cross-checked with the manifest and the header's features, every
// mismatch naming the part or field, its index and byte offset.
func TestCheckSavedState(t *testing.T) {
	vendor := func(opt bool) devctx.Part {
		p := devctx.NewPart(0x3ff, make([]byte, 8))
		if opt {
			p.Flags = spec.PartFlagOptional
		}
		return p
	}
	q0 := []uint16{0}
	knowsVendor := compatLoadCaps()
	knowsVendor.Models[0].Parts = append(spec.PartTypes(), 0x3ff)
	withFeatures := func(dev, drv devctx.FeatureWords) []devctx.Part {
		ps := stateRun(q0)
		ps[0].Value, ps[1].Value = dev.Encode(), drv.Encode()
		return ps
	}
	hdrFeatures := compatLoadHeader().DeviceFeatures
	mq := compatBits(22)
	draft := func(fs ...devctx.Field) []byte {
		return devctx.EncodeDraftContext(devctx.DraftContext{Fields: fs})
	}
	vqList := func(idx ...uint16) devctx.Field {
		var l devctx.VQCfgList
		for _, i := range idx {
			l.Queues = append(l.Queues, devctx.VQCfgEntry{Index: i, Size: 64})
		}
		return l.Field()
	}
	devField := func(w uint64) devctx.Field {
		return devctx.FeaturesField(spec.FieldDevFeatures, devctx.FeatureWords{w})
	}
	// A context of one field of type 0xb, which no decoder knows.
	unknownField := binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(
		binary.LittleEndian.AppendUint64(nil, 1), 0xb), 0)
	run := stateRun(q0)
	order := []devctx.Part{run[3], run[0], run[1], run[2], run[4]} // DEVICE_STATUS first
	cases := []struct {
		name     string
		saved    []byte
		caps     *DeviceCaps
		want     []string // the mismatches, in order ("@N", "#N": expandOffsets)
		warnings []string
	}{
		{name: "complete run", saved: savedParts(stateRun([]uint16{0, 3}))},
		{name: "unknown OPTIONAL part skipped", saved: savedParts(stateRun(q0, vendor(true))), warnings: []string{
			"manifest part 5 (PART_0x03ff) (OPTIONAL) unknown to the destination: skipped",
			"payload part 5 (PART_0x03ff) (OPTIONAL) unknown to the destination: skipped"}},
		{name: "mandatory vendor part the destination knows", saved: savedParts(stateRun(q0, vendor(false))), caps: &knowsVendor},
		{name: "mandatory part the manifest calls OPTIONAL",
			saved: savedState(manifestOf(stateRun(q0, vendor(true))), devctx.EncodeParts(stateRun(q0, vendor(false)))),
			want: []string{"context payload part 5 (PART_0x03ff): at @131: OPTIONAL clear, manifest part 5 has it set",
				"part-unknown payload part 5 (PART_0x03ff): source sends it without OPTIONAL, destination does not know it"},
			warnings: []string{"manifest part 5 (PART_0x03ff) (OPTIONAL) unknown to the destination: skipped"}},
		{name: "selector past num-queues", saved: savedParts(stateRun([]uint16{0, 6})),
			want: []string{"context part 5 (VQ_CFG) selector: source vq 6, destination num-queues 4 (vq 0-3)"}},
		{name: "first part bad", saved: savedState(manifestOf(stateRun(q0)), bytes.Repeat([]byte{0xff}, 40)),
			want: []string{"context payload (virtio-1.4 device parts): part 0 (PART_0xffff) at @0: truncated: length 4294967295 runs past the end (24 bytes left)"}},
		{name: "bytes after the last part", saved: savedState(manifestOf(stateRun(q0)), append(devctx.EncodeParts(stateRun(q0)), 1, 2, 3)),
			want: []string{"context payload (virtio-1.4 device parts): part 5 (PART_0x0201) at @131: truncated: header needs 16 bytes, 3 left"}},
		{name: "DEVICE_STATUS before DEV_FEATURES", saved: savedParts(order),
			want: []string{"context payload (virtio-1.4 device parts): part 1 (DEV_FEATURES) at @17: out of order: DEV_FEATURES after DEVICE_STATUS"}},
		{name: "two DEV_FEATURES", saved: savedParts(append([]devctx.Part{stateRun(q0)[0]}, stateRun(q0)...)),
			want: []string{"context payload (virtio-1.4 device parts): part 1 (DEV_FEATURES) at @24: duplicate: DEV_FEATURES already given by part 0"}},
		{name: "DEVICE_STATUS of 3 bytes", saved: savedParts(func() []devctx.Part {
			ps := stateRun(q0)
			ps[3].Value = []byte{0x0f, 0, 0}
			return ps
		}()), want: []string{"context payload (virtio-1.4 device parts): part 3 (DEVICE_STATUS) at @66: length 3, want 1"}},
		{name: "empty payload, a manifest of five types", saved: savedState(manifestOf(stateRun(q0)), nil), want: []string{
			"context payload (virtio-1.4 device parts): end of the run at @0: missing: a complete run holds exactly one DEVICE_STATUS",
			"context manifest part 0 (DEV_FEATURES): the payload holds no DEV_FEATURES part",
			"context manifest part 1 (DRV_FEATURES): the payload holds no DRV_FEATURES part",
			"context manifest part 2 (PCI_COMMON_CFG): the payload holds no PCI_COMMON_CFG part",
			"context manifest part 3 (DEVICE_STATUS): the payload holds no DEVICE_STATUS part",
			"context manifest part 4 (VQ_CFG): the payload holds no VQ_CFG part"}},
		{name: "manifest lists a type the payload lacks",
			saved: savedState(append(manifestOf(stateRun(q0)), PartEntry{Type: spec.PartVQNotifyCfg}), devctx.EncodeParts(stateRun(q0))),
			want:  []string{"context manifest part 5 (VQ_NOTIFY_CFG): the payload holds no VQ_NOTIFY_CFG part"}},
		{name: "payload holds a type the manifest lacks",
			saved: savedState(manifestOf(stateRun(q0)), devctx.EncodeParts(stateRun(q0, devctx.VQNotifyCfg{}.Part(0)))),
			want:  []string{"context payload part 5 (VQ_NOTIFY_CFG): at @131: the manifest does not list VQ_NOTIFY_CFG"}},
		{name: "DEV_FEATURES offers a bit the header lacks", saved: savedParts(withFeatures(devctx.FeatureWords{hdrFeatures | mq}, devctx.FeatureWords{hdrFeatures})),
			want: []string{"context DEV_FEATURES bit 22 (VIRTIO_NET_F_MQ): payload part 0 (byte #0) offers it, the header's device_features does not"}},
		{name: "DEV_FEATURES lacks a bit the header has", saved: savedParts(withFeatures(devctx.FeatureWords{compatBits(32)}, devctx.FeatureWords{compatBits(32)})),
			want: []string{"context DEV_FEATURES bit 15 (VIRTIO_NET_F_MRG_RXBUF): the header's device_features has it, payload part 0 (byte #0) does not"}},
		{name: "DEV_FEATURES bit 64", saved: savedParts(withFeatures(devctx.FeatureWords{hdrFeatures, 1}, devctx.FeatureWords{hdrFeatures})),
			want: []string{"context DEV_FEATURES word 1 (bits 64-127): payload part 0 (byte #0) sets 0x1, the header carries bits 0-63 only"}},
		{name: "DRV_FEATURES acknowledges what the device does not offer", saved: savedParts(withFeatures(devctx.FeatureWords{hdrFeatures}, devctx.FeatureWords{hdrFeatures | mq})),
			want: []string{"context DRV_FEATURES bit 22 (VIRTIO_NET_F_MQ): payload part 1 (byte #24) acknowledges it, the header's device_features does not"}},
		{name: "DRV_FEATURES against the driver-features TLV", saved: savedParts(withFeatures(devctx.FeatureWords{hdrFeatures}, devctx.FeatureWords{hdrFeatures}),
			func(h *CompatHeader) { df := compatBits(32); h.DriverFeatures = &df }),
			want: []string{"context DRV_FEATURES bit 15 (VIRTIO_NET_F_MRG_RXBUF): payload part 1 (byte #24) acknowledges it, the header's driver_features does not"}},
		{name: "NET_CVQ_CFG value the network device refuses", saved: savedParts(stateRun(q0, devctx.Part{Type: spec.PartNetCVQCfg,
			Selector: devctx.NetCVQSelector{Class: spec.NetRxPromisc.Class, Command: spec.NetRxPromisc.Command}.Raw(), Value: []byte{2}})),
			want: []string{"context payload part 5 (NET_CVQ_CFG): at @131: NET_CVQ_CFG VIRTIO_NET_CTRL_RX_PROMISC value at offset 0: bad value: 2, want 0 (off) or 1 (on)"}},
		{name: "draft context", saved: savedState(nil, draft(devField(hdrFeatures), vqList(0, 3)))},
		{name: "draft selector past num-queues", saved: savedState(nil, draft(vqList(0, 5))),
			want: []string{"context field 0 (PCI_VQ_CFG) selector: source vq 5, destination num-queues 4 (vq 0-3)"}},
		{name: "draft unknown field type", saved: savedState(nil, unknownField),
			want: []string{"context payload (draft-2023 context): field 0 (FIELD_0x000b) at @8: unknown field type 0xb (known 0x1-0xa, device-type 0x1000-0x1fff)"}},
		{name: "draft DEVICE_STATUS of 1 byte", saved: savedState(nil, draft(devctx.Field{Type: spec.FieldDeviceStatus, Value: []byte{0x0f}})),
			want: []string{"context payload field 0 (DEVICE_STATUS): at @8: DEVICE_STATUS value at offset 0: length 1, want 8"}},
		{name: "draft DEV_FEATURES offers a bit the header lacks", saved: savedState(nil, draft(devField(hdrFeatures|mq))),
			want: []string{"context DEV_FEATURES bit 22 (VIRTIO_NET_F_MQ): payload field 0 (byte #8) offers it, the header's device_features does not"}},
		{name: "draft bytes after the counted fields", saved: savedState(nil, append(draft(), 0, 0, 0, 0, 0, 0, 0, 0)),
			want: []string{"context payload (draft-2023 context): context at offset 8: trailing bytes: 8 bytes after the 0 fields of field_count (offsets in the payload, which starts at byte #0)"}},
		{name: "a context under a manifest is read as parts", saved: savedState(manifestOf(stateRun(q0)), draft(vqList(0))),
			want: []string{"context payload (virtio-1.4 device parts): part 2 (PART_0x0000) at @32: reserved not zero: flags 0x41: bits 0x40 undefined (bit 0, OPTIONAL, is the only flag)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			caps := compatLoadCaps()
			if c.caps != nil {
				caps = *c.caps
			}
			plan, err := CheckSavedState(c.saved, caps, Where{Phase: PhaseLoad, Member: 3})
			_, base, herr := DecodeHeader(c.saved)
			require.NoError(t, herr)
			assert.Equal(t, base, plan.PayloadOffset)
			assert.Equal(t, c.warnings, plan.Warnings)
			if c.want == nil {
				require.NoError(t, err)
				return
			}
			var ie *IncompatibleError
			require.True(t, errors.As(err, &ie), "%v", err)
			var got []string
			for _, m := range ie.Mismatches {
				got = append(got, m.String())
			}
			want := make([]string, len(c.want))
			for i, w := range c.want {
				want[i] = expandOffsets(w, base)
			}
			assert.Equal(t, want, got)
			assert.Contains(t, err.Error(), "(load, member 3, model "+ModelNet)
		})
	}
}

// FuzzCheckSavedState: every load-time check of any bytes ends in a plan
// or an *IncompatibleError with at least one mismatch, never a panic; a
// plan's payload is where PayloadOffset says. Seeds: complete and broken
// runs of parts, draft contexts, and the hand-made states of
// testdata/trial.
func FuzzCheckSavedState(f *testing.F) {
	q := []uint16{0}
	f.Add(savedParts(stateRun(q)))
	f.Add(savedParts(stateRun([]uint16{0, 6}, devctx.NewPart(0x3ff, nil))))
	f.Add(savedState(manifestOf(stateRun(q)), nil))
	f.Add(savedState(manifestOf(stateRun(q)), bytes.Repeat([]byte{0xff}, 40)))
	f.Add(savedParts(append([]devctx.Part{stateRun(q)[3]}, stateRun(q)...)))
	f.Add(savedState(nil, devctx.EncodeDraftContext(devctx.DraftContext{})))
	f.Add(savedState(nil, devctx.EncodeDraftContext(devctx.DraftContext{Fields: []devctx.Field{
		{Type: spec.FieldDeviceStatus, Value: []byte{1}}, {Type: spec.FieldNetCVQ, Value: []byte{1, 2}}}})))
	f.Add([]byte("MGSC"))
	files, err := filepath.Glob(filepath.Join(trialDir, "*.state"))
	require.NoError(f, err)
	for _, p := range files {
		b, err := os.ReadFile(p)
		require.NoError(f, err)
		f.Add(b)
	}
	caps := compatLoadCaps()
	f.Fuzz(func(t *testing.T, b []byte) {
		plan, err := CheckSavedState(b, caps, Where{Phase: PhaseLoad})
		if err != nil {
			var ie *IncompatibleError
			require.True(t, errors.As(err, &ie), "%v", err)
			require.NotEmpty(t, ie.Mismatches)
			return
		}
		require.Equal(t, b[plan.PayloadOffset:], plan.Payload)
	})
}
