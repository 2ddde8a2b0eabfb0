package compat

import (
	"errors"
	"fmt"
	"testing"

	"github.com/migsim/migsim/spec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func compatLoadCaps() DeviceCaps {
	c := compatCaps(compatNet, 1, 3, compatNumQueues(AllowRange(1, 8)), compatRSSCaps)
	c.Models[0].Features = compatBits(32, 15, 17, compatBitRSS)
	return c
}

func compatLoadHeader() CompatHeader {
	h := compatHdr(compatNet, 3, Param{"num-queues", IntValue(4)})
	h.DeviceFeatures = compatBits(32, 15)
	h.Parts = []PartEntry{{Type: spec.PartDevFeatures}, {Type: spec.PartDrvFeatures}, {Type: spec.PartVQCfg}}
	return h
}

func TestCompatLoad_Steps8And9(t *testing.T) {
	payload := []byte("parts")
	enc := func(mod func(h *CompatHeader)) []byte {
		h := compatLoadHeader()
		if mod != nil {
			mod(&h)
		}
		return EncodeSavedState(h, payload)
	}
	flipCRC := func(b []byte) []byte { b[len(b)-1] ^= 0x80; return b }
	cases := []struct {
		name   string
		saved  []byte
		known  func(spec.PartType) bool
		codes  []MismatchCode
		fields []string
	}{
		{name: "ok", saved: enc(nil)},
		{name: "crc_corrupt", saved: flipCRC(enc(nil)), codes: []MismatchCode{CodeCorrupt}, fields: []string{"crc32c"}},
		{name: "truncated_payload", saved: enc(nil)[:len(enc(nil))-2], codes: []MismatchCode{CodeCorrupt}, fields: []string{"payload_len"}},
		{name: "bad_magic", saved: append([]byte("XXXX"), enc(nil)[4:]...), codes: []MismatchCode{CodeFormat}, fields: []string{"header"}},
		{name: "model_before_crc", saved: flipCRC(enc(func(h *CompatHeader) { h.Model, h.VirtioDeviceID = compatBlk, 2 })),
			codes: []MismatchCode{CodeModel}},
		{name: "driver_features_not_subset", saved: enc(func(h *CompatHeader) { df := compatBits(32, 17, 22); h.DriverFeatures = &df }),
			codes: []MismatchCode{CodeContext, CodeContext}, fields: []string{"VIRTIO_NET_F_CTRL_VQ", "VIRTIO_NET_F_MQ"}},
		{name: "driver_features_subset", saved: enc(func(h *CompatHeader) { df := compatBits(32); h.DriverFeatures = &df })},
		{name: "unknown_mandatory_part", saved: enc(func(h *CompatHeader) { h.Parts = append(h.Parts, PartEntry{Type: 0x300}) }),
			codes: []MismatchCode{CodePartUnknown}, fields: []string{"manifest part 3 (PART_0x0300)"}},
		{name: "unknown_optional_part_ok", saved: enc(func(h *CompatHeader) {
			h.Parts = append(h.Parts, PartEntry{Type: 0x300, Flags: spec.PartFlagOptional})
		})},
		{name: "knownPart_overrides", saved: enc(nil), known: func(t spec.PartType) bool { return t != spec.PartVQCfg },
			codes: []MismatchCode{CodePartUnknown}, fields: []string{"manifest part 2 (VQ_CFG)"}},
		{name: "context_and_parts_all_reported", saved: enc(func(h *CompatHeader) {
			df := compatBits(32, 22)
			h.DriverFeatures = &df
			h.Parts = append(h.Parts, PartEntry{Type: 0x301}, PartEntry{Type: 0x300})
		}), codes: []MismatchCode{CodeContext, CodePartUnknown, CodePartUnknown}, fields: []string{"VIRTIO_NET_F_MQ", "manifest part 3 (PART_0x0301)", "manifest part 4 (PART_0x0300)"}},
		{name: "precheck_stage_at_load", saved: enc(func(h *CompatHeader) { h.Params = []Param{{"num-queues", IntValue(9)}} }),
			codes: []MismatchCode{CodeParamValue}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := append([]byte(nil), tc.saved...)
			dst := compatLoadCaps()
			dstBefore := compatCopyCaps(dst)
			plan, err := CheckLoad(tc.saved, dst, Where{Phase: PhaseLoad, Member: 7}, tc.known)
			assert.Equal(t, before, tc.saved, "input bytes untouched")
			assert.Equal(t, dstBefore, dst, "capabilities untouched")
			if len(tc.codes) == 0 {
				require.NoError(t, err)
				assert.Equal(t, payload, plan.Payload)
				return
			}
			var ie *IncompatibleError
			require.True(t, errors.As(err, &ie), "want *IncompatibleError, got %v", err)
			assert.Equal(t, tc.codes, ie.Codes())
			assert.Equal(t, PhaseLoad, ie.Phase)
			assert.Equal(t, uint64(7), ie.Member)
			assert.Equal(t, LoadPlan{}, plan)
			if tc.fields != nil {
				var fields []string
				for _, m := range ie.Mismatches {
					fields = append(fields, m.Field)
				}
				assert.Equal(t, tc.fields, fields)
			}
		})
	}
}

func TestCompatLoad_PlanSetsOffAndSkipsOptional(t *testing.T) {
	h := compatLoadHeader()
	h.Parts = append(h.Parts, PartEntry{Type: 0x300, Flags: spec.PartFlagOptional}, PartEntry{Type: 0x300, Flags: spec.PartFlagOptional})
	plan, err := CheckLoad(EncodeSavedState(h, []byte{1, 2}), compatLoadCaps(), Where{Phase: PhaseLoad}, nil)
	require.NoError(t, err)
	assert.Equal(t, h.DeviceFeatures, plan.Features, "destination offers exactly the source bitmap")
	assert.Equal(t, []Param{{"rss", BoolValue(false)}}, plan.SetToOff)
	assert.Equal(t, []Param{{"num-queues", IntValue(4)}, {"rss", BoolValue(false)}}, plan.Params)
	assert.Equal(t, []PartEntry{{Type: 0x300, Flags: spec.PartFlagOptional}, {Type: 0x300, Flags: spec.PartFlagOptional}}, plan.Skipped,
		"every manifest entry, a repeated type included")
	assert.Equal(t, []string{"manifest part 3 (PART_0x0300) (OPTIONAL) unknown to the destination: skipped",
		"manifest part 4 (PART_0x0300) (OPTIONAL) unknown to the destination: skipped"}, plan.Warnings)
}

func TestCompatLoad_ExactCorruptMessage(t *testing.T) {
	b := EncodeSavedState(compatLoadHeader(), []byte("parts"))
	b[len(b)-1] ^= 0x80
	_, err := CheckLoad(b, compatLoadCaps(), Where{Phase: PhaseLoad, Member: 2}, nil)
	require.Error(t, err)
	want := fmt.Sprintf("devctx: incompatible (load, member 2, model virtio-spec.org/pci/virtio-net): "+
		"corrupt crc32c: byte 16: crc32c %#08x, payload has %#08x", CompatCRC32C([]byte("parts")), CompatCRC32C(b[len(b)-5:]))
	assert.Equal(t, want, err.Error())
	_, err = CheckLoad([]byte("NOPE"), compatLoadCaps(), Where{Phase: PhaseLoad, Member: 2}, nil)
	require.Error(t, err)
	assert.Equal(t, `devctx: incompatible (load, member 2, model (unknown)): format header: byte 0: bad magic "NOPE", want "MGSC"`, err.Error())
}

func TestCompatLoad_CRC32CIsCastagnoli(t *testing.T) {
	// The CRC-32C check value (RFC 3720 appendix B.4).
	assert.Equal(t, uint32(0xe3069283), CompatCRC32C([]byte("123456789")))
}
