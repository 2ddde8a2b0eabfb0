package compat

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// TestCheckSavedState runs every load-time check of a saved state: the
// header (CheckLoad) and the payload (its parts and their selectors), each
// mismatch naming the part's index and type.
func TestCheckSavedState(t *testing.T) {
	vq := func(i uint16) devctx.Part { return devctx.VQCfg{QueueSize: 64}.Part(i) }
	feat := devctx.NewPart(spec.PartDevFeatures, devctx.FeatureWords{compatBits(32, 15)}.Encode())
	vendor := func(opt bool) devctx.Part {
		p := devctx.NewPart(0x3ff, make([]byte, 8))
		if opt {
			p.Flags = spec.PartFlagOptional
		}
		return p
	}
	draft := func(idx ...uint16) []byte {
		var l devctx.VQCfgList
		for _, i := range idx {
			l.Queues = append(l.Queues, devctx.VQCfgEntry{Index: i, Size: 64})
		}
		return devctx.EncodeDraftContext(devctx.DraftContext{Fields: []devctx.Field{l.Field()}})
	}
	saved := func(manifest []PartEntry, payload []byte) []byte {
		h := compatLoadHeader()
		h.Parts = manifest
		return EncodeSavedState(h, payload)
	}
	partsOf := func(ps ...devctx.Part) []byte { return devctx.EncodeParts(ps) }
	manifest := []PartEntry{{Type: spec.PartDevFeatures}, {Type: spec.PartVQCfg}}
	cases := []struct {
		name     string
		saved    []byte
		codes    []MismatchCode
		fields   []string
		warnings []string
	}{
		{name: "parts in range", saved: saved(manifest, partsOf(feat, vq(0), vq(3)))},
		{name: "selector past num-queues", saved: saved(manifest, partsOf(feat, vq(0), vq(4), vq(9))),
			codes: []MismatchCode{CodeContext, CodeContext}, fields: []string{"part 2 (VQ_CFG) selector", "part 3 (VQ_CFG) selector"}},
		{name: "unknown payload part by index", saved: saved(manifest, partsOf(feat, vendor(false), vq(0), vendor(false))),
			codes: []MismatchCode{CodePartUnknown, CodePartUnknown}, fields: []string{"payload part 1 (PART_0x03ff)", "payload part 3 (PART_0x03ff)"}},
		{name: "optional payload part skipped", saved: saved(manifest, partsOf(feat, vendor(true))),
			warnings: []string{"payload part 1 (PART_0x03ff) (OPTIONAL) unknown to the destination: skipped"}},
		{name: "trailing bytes", saved: saved(manifest, append(partsOf(feat), 1, 2, 3)),
			codes: []MismatchCode{CodeCorrupt}, fields: []string{"payload"}},
		{name: "repeated unknown manifest type, each by index", saved: saved(append(manifest, PartEntry{Type: 0x3ff}, PartEntry{Type: 0x3ff}), partsOf(feat)),
			codes: []MismatchCode{CodePartUnknown, CodePartUnknown}, fields: []string{"manifest part 2 (PART_0x03ff)", "manifest part 3 (PART_0x03ff)"}},
		{name: "draft in range", saved: saved(nil, draft(0, 3))},
		{name: "draft past num-queues", saved: saved(nil, draft(0, 5)),
			codes: []MismatchCode{CodeContext}, fields: []string{"field 0 (PCI_VQ_CFG) selector"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			plan, err := CheckSavedState(c.saved, compatLoadCaps(), Where{Phase: PhaseLoad, Member: 3})
			if c.codes == nil {
				require.NoError(t, err)
				assert.Equal(t, c.warnings, plan.Warnings)
				return
			}
			var ie *IncompatibleError
			require.True(t, errors.As(err, &ie), "%v", err)
			assert.Equal(t, c.codes, ie.Codes())
			var fields []string
			for _, m := range ie.Mismatches {
				fields = append(fields, m.Field)
			}
			assert.Equal(t, c.fields, fields)
			assert.Contains(t, err.Error(), "load, member 3")
		})
	}
}

// The messages of the payload mismatches.
func TestCheckSavedStateMessages(t *testing.T) {
	h := compatLoadHeader()
	payload := devctx.EncodeParts([]devctx.Part{devctx.VQCfg{QueueSize: 64}.Part(6), devctx.NewPart(0x3ff, nil)})
	_, err := CheckSavedState(EncodeSavedState(h, payload), compatLoadCaps(), Where{Phase: PhaseLoad, Member: 1})
	require.Error(t, err)
	assert.Equal(t, "devctx: incompatible (load, member 1, model virtio-spec.org/pci/virtio-net): "+
		"part-unknown payload part 1 (PART_0x03ff): source sends it without OPTIONAL, destination does not know it", err.Error())
	payload = devctx.EncodeParts([]devctx.Part{devctx.VQCfg{QueueSize: 64}.Part(6)})
	_, err = CheckSavedState(EncodeSavedState(h, payload), compatLoadCaps(), Where{Phase: PhaseLoad, Member: 1})
	require.Error(t, err)
	assert.Equal(t, "devctx: incompatible (load, member 1, model virtio-spec.org/pci/virtio-net): "+
		"context part 0 (VQ_CFG) selector: source vq 6, destination num-queues 4 (vq 0-3)", err.Error())
}

// FuzzCheckSavedState: every load-time check of any bytes ends in a plan
// or an *IncompatibleError, never a panic.
func FuzzCheckSavedState(f *testing.F) {
	h := compatLoadHeader()
	f.Add(EncodeSavedState(h, devctx.EncodeParts([]devctx.Part{devctx.VQCfg{QueueSize: 64}.Part(6), devctx.NewPart(0x3ff, nil)})))
	h.Parts = nil
	f.Add(EncodeSavedState(h, devctx.EncodeDraftContext(devctx.DraftContext{})))
	f.Add([]byte("MGSC"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := CheckSavedState(b, compatLoadCaps(), Where{Phase: PhaseLoad})
		if err != nil {
			var ie *IncompatibleError
			require.True(t, errors.As(err, &ie), "%v", err)
			require.NotEmpty(t, ie.Mismatches)
		}
	})
}
