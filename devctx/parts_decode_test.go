package devctx

import (
	"errors"
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// rawPart builds a part header with an arbitrary length field followed by
// value (the length need not match, to build hostile input).
func rawPart(t spec.PartType, flags uint8, sel [8]byte, length uint32, value []byte) []byte {
	h := PartHeader{Type: t, Flags: flags, Selector: sel, Length: length}
	return append(h.Encode(), value...)
}

// cat concatenates byte slices.
func cat(bs ...[]byte) []byte {
	var out []byte
	for _, b := range bs {
		out = append(out, b...)
	}
	return out
}

// enc encodes parts.
func enc(ps ...Part) []byte { return EncodeParts(ps) }

var (
	drv8     = NewPart(spec.PartDrvFeatures, make([]byte, 8))
	dev8     = NewPart(spec.PartDevFeatures, make([]byte, 8))
	status   = NewPart(spec.PartDeviceStatus, []byte{0x0f})
	qsel     = NewCommonCfgPart(spec.CfgQueueSelect, []byte{1, 0})
	vq0      = VQCfg{QueueSize: 8}.Part(0)
	vq1      = VQCfg{QueueSize: 8}.Part(1)
	notify0  = VQNotifyCfg{}.Part(0)
	unknown6 = Part{Type: 0x106, Value: []byte{1, 2, 3}}
)

func TestDP_DEV_03_PartDecodeErrors(t *testing.T) {
	cases := []struct {
		name    string
		in      []byte
		opts    DecodeOptions
		want    error
		index   int
		offset  int
		typ     spec.PartType
		hasType bool
		msg     string
	}{
		{"truncated header after a part", cat(enc(status), make([]byte, 7)), DecodeOptions{}, ErrTruncated, 1, 17, 0, true,
			"header needs 16 bytes, 7 left"},
		{"truncated header of one byte", []byte{3}, DecodeOptions{}, ErrTruncated, 0, 0, 0, false,
			"devctx: part 0 at offset 0: truncated"},
		{"length past the end", cat(enc(drv8), rawPart(spec.PartVQCfg, 0, [8]byte{}, 32, make([]byte, 10))), DecodeOptions{}, ErrTruncated, 1, 24, spec.PartVQCfg, true,
			"length 32 runs past the end (10 bytes left)"},
		{"hostile length", rawPart(spec.PartDrvFeatures, 0, [8]byte{}, 0xFFFFFFFF, make([]byte, 8)), DecodeOptions{}, ErrTruncated, 0, 0, spec.PartDrvFeatures, true,
			"length 4294967295 runs past the end"},
		{"VQ_CFG length", enc(NewPart(spec.PartDrvFeatures, make([]byte, 16)),
			NewCommonCfgPart(spec.CfgDeviceFeatureSelect, make([]byte, 4)),
			NewCommonCfgPart(spec.CfgDeviceFeature, make([]byte, 4)),
			NewVQPart(spec.PartVQCfg, 0, make([]byte, 24))), DecodeOptions{}, ErrLength, 3, 72, spec.PartVQCfg, true,
			"devctx: part 3 (VQ_CFG) at offset 72: length 24, want 32"},
		{"VQ_NOTIFY_CFG length", enc(NewVQPart(spec.PartVQNotifyCfg, 0, make([]byte, 4))), DecodeOptions{}, ErrLength, 0, 0, spec.PartVQNotifyCfg, true,
			"length 4, want 8"},
		{"DEVICE_STATUS length", enc(NewPart(spec.PartDeviceStatus, []byte{1, 2})), DecodeOptions{}, ErrLength, 0, 0, spec.PartDeviceStatus, true,
			"length 2, want 1"},
		{"features not a multiple of 8", enc(NewPart(spec.PartDevFeatures, make([]byte, 12))), DecodeOptions{}, ErrLength, 0, 0, spec.PartDevFeatures, true,
			"length 12, want a multiple of 8"},
		{"common cfg length", enc(NewCommonCfgPart(spec.CfgQueueSelect, make([]byte, 4))), DecodeOptions{}, ErrLength, 0, 0, spec.PartPCICommonCfg, true,
			"length 4, want 2 (size of queue_select at offset 22)"},
		{"common cfg offset inside a field", enc(NewCommonCfgPart(23, []byte{0})), DecodeOptions{}, ErrSelector, 0, 0, spec.PartPCICommonCfg, true,
			"offset 23 starts no field"},
		{"common cfg offset past the struct", enc(NewCommonCfgPart(64, []byte{0})), DecodeOptions{}, ErrSelector, 0, 0, spec.PartPCICommonCfg, true,
			"offset 64 starts no field"},
		{"common cfg duplicate offset", enc(qsel, qsel), DecodeOptions{}, ErrDuplicate, 1, 18, spec.PartPCICommonCfg, true,
			"offset 22 already given by part 0"},
		{"DEV_FEATURES twice", enc(dev8, dev8), DecodeOptions{}, ErrDuplicate, 1, 24, spec.PartDevFeatures, true,
			"DEV_FEATURES already given by part 0"},
		{"DRV_FEATURES twice", enc(drv8, drv8), DecodeOptions{}, ErrDuplicate, 1, 24, spec.PartDrvFeatures, true,
			"already given by part 0"},
		{"DEVICE_STATUS twice", enc(status, status), DecodeOptions{Complete: true}, ErrDuplicate, 1, 17, spec.PartDeviceStatus, true,
			"already given by part 0"},
		{"VQ_CFG twice for one vq", enc(vq0, vq1, vq0), DecodeOptions{}, ErrDuplicate, 2, 96, spec.PartVQCfg, true,
			"vq 0 already given by part 0"},
		{"VQ_NOTIFY_CFG twice for one vq", enc(notify0, notify0), DecodeOptions{}, ErrDuplicate, 1, 24, spec.PartVQNotifyCfg, true,
			"vq 0 already given by part 0"},
		{"DEVICE_STATUS after VQ_CFG", enc(vq0, status), DecodeOptions{}, ErrOrder, 1, 48, spec.PartDeviceStatus, true,
			"DEVICE_STATUS after VQ_CFG"},
		{"DEV_FEATURES after DRV_FEATURES", enc(drv8, dev8), DecodeOptions{}, ErrOrder, 1, 24, spec.PartDevFeatures, true,
			"DEV_FEATURES after DRV_FEATURES"},
		{"VQ_CFG after VQ_NOTIFY_CFG", enc(notify0, vq1), DecodeOptions{}, ErrOrder, 1, 24, spec.PartVQCfg, true,
			"VQ_CFG after VQ_NOTIFY_CFG"},
		{"unknown mandatory common type", enc(status, unknown6), DecodeOptions{}, ErrUnknownMandatory, 1, 17, 0x106, true,
			"part 1 (PART_0x0106) at offset 17: unknown mandatory part type"},
		{"unknown mandatory device-type part", enc(Part{Type: 0x201}), DecodeOptions{}, ErrUnknownMandatory, 0, 0, 0x201, true,
			"(OPTIONAL flag clear)"},
		{"complete run without DEVICE_STATUS", enc(drv8, vq0), DecodeOptions{Complete: true}, ErrMissing, 2, 72, spec.PartDeviceStatus, true,
			"a complete run holds exactly one DEVICE_STATUS"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ps, err := DecodeParts(tc.in, tc.opts)
			require.Error(t, err)
			assert.Empty(t, ps.List)
			assert.ErrorIs(t, err, tc.want)
			var pe *PartError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.index, pe.Index, "index")
			assert.Equal(t, tc.offset, pe.Offset, "offset")
			assert.Equal(t, tc.hasType, pe.HasType, "has type")
			if tc.hasType {
				assert.Equal(t, tc.typ, pe.Type, "type")
				assert.Contains(t, err.Error(), fmt.Sprintf("devctx: part %d (%s) at offset %d: ", tc.index, tc.typ, tc.offset))
			}
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

func TestDP_DEV_03_RequiredOrderAccepted(t *testing.T) {
	cases := []struct {
		name  string
		parts []Part
		opts  DecodeOptions
	}{
		{"full order", []Part{dev8, drv8, qsel, NewCommonCfgPart(spec.CfgQueueDescLo, make([]byte, 4)), status, vq0, vq1, notify0,
			{Type: spec.PartNetCVQCfg, Selector: [8]byte{1, 0}, Value: []byte{1}}}, DecodeOptions{Complete: true}},
		{"selected get without DEVICE_STATUS", []Part{vq1}, DecodeOptions{}},
		{"empty selected result", nil, DecodeOptions{}},
		{"any order", []Part{vq0, status, drv8}, DecodeOptions{Complete: true, AnyOrder: true}},
		{"zero feature words", []Part{NewPart(spec.PartDrvFeatures, nil), status}, DecodeOptions{Complete: true}},
		{"VQ_CFG of several vqs in any vq order", []Part{vq1, vq0, status}, DecodeOptions{AnyOrder: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := EncodeParts(tc.parts)
			ps, err := DecodeParts(b, tc.opts)
			require.NoError(t, err)
			assert.Len(t, ps.List, len(tc.parts))
			assert.Equal(t, b, EncodeParts(ps.List))
		})
	}
}

func TestDP_DEV_07_UnknownOptionalPartKept(t *testing.T) {
	opt := Part{Type: 0x106, Flags: spec.PartFlagOptional, Selector: [8]byte{9}, Value: []byte{1, 2, 3}}
	optDev := Part{Type: 0x2ff, Flags: spec.PartFlagOptional, Value: []byte{4}}
	b := EncodeParts([]Part{drv8, opt, status, optDev})
	ps, err := DecodeParts(b, DecodeOptions{Complete: true})
	require.NoError(t, err)
	require.Len(t, ps.List, 4)
	assert.Equal(t, b, EncodeParts(ps.List), "unknown optional parts re-encode in place")
	assert.Equal(t, []PartWarning{{Offset: 24, Index: 1, Type: 0x106}, {Offset: 60, Index: 3, Type: 0x2ff}}, ps.Unknown)
	assert.Equal(t, "devctx: part 1 (PART_0x0106) at offset 24: unknown optional part type kept", ps.Unknown[0].String())
}

func TestHostileLengthAllocatesNothingBeyondInput(t *testing.T) {
	in := rawPart(spec.PartDrvFeatures, 0, [8]byte{}, 0xFFFFFFFF, make([]byte, 8))
	var before, after runtime.MemStats
	const runs = 100
	runtime.ReadMemStats(&before)
	for range runs {
		_, err := DecodeParts(in, DecodeOptions{Complete: true})
		require.ErrorIs(t, err, ErrTruncated)
	}
	runtime.ReadMemStats(&after)
	perRun := (after.TotalAlloc - before.TotalAlloc) / runs
	assert.Less(t, perRun, uint64(2048), "bytes allocated per decode of a 24-byte hostile input")
}

func TestPartHeaderAndSelectors(t *testing.T) {
	h := PartHeader{Type: spec.PartVQCfg, Flags: spec.PartFlagOptional, Selector: [8]byte{2}, Length: 32}
	b := h.Encode()
	require.Len(t, b, spec.PartHeaderSize)
	got, err := DecodePartHeader(b)
	require.NoError(t, err)
	assert.Equal(t, h, got)
	assert.True(t, got.Optional())

	b[3] = 0xaa // reserved byte: kept in the header, dropped from a part
	got, err = DecodePartHeader(b)
	require.NoError(t, err)
	assert.Equal(t, uint8(0xaa), got.Reserved)
	assert.Equal(t, b, got.Encode())
	assert.Contains(t, got.Describe(), "reserved=0xaa")
	got.Reserved = 0
	assert.Equal(t, h, got)

	_, err = DecodePartHeader(b[:15])
	assert.ErrorIs(t, err, ErrTruncated)
	assert.Contains(t, err.Error(), "need 16 bytes, have 15")

	_, err = DecodePartHeaders(make([]byte, 20))
	assert.ErrorIs(t, err, ErrTruncated)
	var pe *PartError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 16, pe.Offset)
	assert.Equal(t, 1, pe.Index)

	p := NewCommonCfgPart(spec.CfgQueueDeviceHi, make([]byte, 4))
	assert.Equal(t, uint32(52), p.CommonCfgOffset())
	assert.Equal(t, "offset 52 (queue_device_hi)", p.SelectorString())
	assert.Equal(t, "offset 23 (no field)", NewCommonCfgPart(23, nil).SelectorString())
	assert.Equal(t, uint16(0x1234), NewVQPart(spec.PartVQNotifyCfg, 0x1234, nil).VQIndex())
	assert.Equal(t, "class 1 command 4", Part{Type: spec.PartNetCVQCfg, Selector: [8]byte{1, 4}}.SelectorString())
	assert.Equal(t, "selector 0900000000000000", Part{Type: 0x300, Selector: [8]byte{9}}.SelectorString())
	assert.Equal(t, "OPTIONAL|0x80", Part{Flags: 0x81}.FlagsString())
}

func TestPartDescribeBadValue(t *testing.T) {
	p := NewVQPart(spec.PartVQCfg, 0, []byte{1, 2})
	d := p.Describe()
	assert.Contains(t, d, "value=0102")
	assert.Contains(t, d, "error=VQ_CFG value at offset 0: length 2, want 32")
	as := p.Attrs()
	require.NotEmpty(t, as)
	assert.Equal(t, Attr{"type", "VQ_CFG (0x0104)"}, as[0])
	assert.True(t, errors.Is(func() error { _, err := DecodeVQNotifyCfg(nil); return err }(), ErrLength))
}
