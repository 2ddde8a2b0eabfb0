package ownerview

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// TestPartsImage pins partsImage (one decode when the result is in order)
// to what a read made of it before: NormalisedParts, then a decode in the
// required order for the error.
func TestPartsImage(t *testing.T) {
	status := devctx.NewPart(spec.PartDeviceStatus, []byte{0x0f})
	drv := devctx.NewPart(spec.PartDrvFeatures, make([]byte, 8))
	vq0 := devctx.VQCfg{QueueSize: 8}.Part(0)
	vq1 := devctx.VQCfg{QueueSize: 8}.Part(1)
	qsel := devctx.NewCommonCfgPart(spec.CfgQueueSelect, []byte{1, 0})
	msix := devctx.NewCommonCfgPart(spec.CfgConfigMSIXVector, []byte{2, 0})
	opt := devctx.Part{Type: 0x2ff, Flags: spec.PartFlagOptional, Value: []byte{4}}
	reserved := devctx.EncodeParts([]devctx.Part{drv, status})
	reserved[3] = 0xaa // the reserved header byte: the image drops it
	cases := []struct {
		name string
		in   []byte
		want error // nil, or the sentinel the read errs with
	}{
		{"in order and sorted", devctx.EncodeParts([]devctx.Part{drv, msix, qsel, status, vq0, vq1}), nil},
		{"in order, selectors unsorted", devctx.EncodeParts([]devctx.Part{drv, qsel, msix, status, vq1, vq0}), nil},
		{"in order, unknown optional part", devctx.EncodeParts([]devctx.Part{opt, status, vq0}), nil},
		{"reserved byte set", reserved, nil},
		{"out of order", devctx.EncodeParts([]devctx.Part{vq1, status, drv}), devctx.ErrOrder},
		{"duplicate", devctx.EncodeParts([]devctx.Part{status, vq0, vq0}), devctx.ErrDuplicate},
		{"no DEVICE_STATUS", devctx.EncodeParts([]devctx.Part{drv, vq0}), devctx.ErrMissing},
		{"out of order and a duplicate", devctx.EncodeParts([]devctx.Part{vq0, status, vq0}), devctx.ErrDuplicate},
		{"truncated", devctx.EncodeParts([]devctx.Part{status, vq0})[:40], devctx.ErrTruncated},
		{"empty", nil, devctx.ErrMissing},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantImg, wantErr := NormalisedParts(tc.in)
			if wantErr != nil {
				wantImg = tc.in
			} else if _, err := devctx.DecodeParts(tc.in, devctx.DecodeOptions{Complete: true}); err != nil {
				wantErr = err
			}
			img, err := partsImage(tc.in)
			assert.Equal(t, wantImg, img)
			assert.Equal(t, wantErr, err)
			if tc.want == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tc.want)
			}
		})
	}
}
