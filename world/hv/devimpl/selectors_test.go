package devimpl

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/spec"
)

func TestCheckSelectors(t *testing.T) {
	plan := compat.LoadPlan{Header: compat.CompatHeader{Model: compat.ModelBlk},
		Params: []compat.Param{{Name: ParamNumQueues, Value: compat.IntValue(2)}}}
	at := compat.Where{Phase: compat.PhaseLoad, Member: 1}
	vq := func(i uint16) devctx.Part { return devctx.VQCfg{QueueSize: 64}.Part(i) }
	parts := func(ps ...devctx.Part) []byte { return devctx.EncodeParts(ps) }
	draft := func(idx ...uint16) []byte {
		var l devctx.VQCfgList
		for _, i := range idx {
			l.Queues = append(l.Queues, devctx.VQCfgEntry{Index: i, Size: 64})
		}
		return devctx.EncodeDraftContext(devctx.DraftContext{Fields: []devctx.Field{l.Field()}})
	}
	cases := []struct {
		name    string
		ed      spec.Edition
		payload []byte
		bad     string
	}{
		{"1.4 parts in range", spec.Virtio14, parts(vq(0), vq(1)), ""},
		{"1.4 parts out of range", spec.Virtio14, parts(vq(0), vq(2)), "vq 2"},
		{"1.4 stream out of range", spec.Virtio14, owner.EncodeRecord(owner.TagDeviceData, 0, parts(vq(3))), "vq 3"},
		{"draft in range", spec.Draft2023, draft(0, 1), ""},
		{"draft out of range", spec.Draft2023, draft(0, 5), "vq 5"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckSelectors(c.ed, c.payload, plan, at)
			if c.bad == "" {
				assert.NoError(t, err)
				return
			}
			var ie *compat.IncompatibleError
			require.True(t, errors.As(err, &ie), "%v", err)
			require.Len(t, ie.Mismatches, 1)
			assert.Equal(t, compat.CodeContext, ie.Mismatches[0].Code)
			assert.Equal(t, c.bad, ie.Mismatches[0].Source)
			assert.Contains(t, err.Error(), "load, member 1")
		})
	}
}
