package statediff

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// FuzzNames: any two states a device returns, of either edition, get a
// list of names, none empty; a state compared with itself differs in
// nothing (it decodes or it does not); so does a state compared with its
// own re-encoding; a name said "added" comparing a with b is said "gone"
// comparing b with a.
func FuzzNames(f *testing.F) {
	parts := func(ps ...devctx.Part) []byte { return devctx.EncodeParts(ps) }
	status := devctx.Part{Type: spec.PartDeviceStatus, Value: []byte{0x0f}}
	dev := devctx.Part{Type: spec.PartDevFeatures, Value: make([]byte, 8)}
	vq := func(q byte) devctx.Part {
		return devctx.Part{Type: spec.PartVQCfg, Selector: [8]byte{q}, Value: make([]byte, 32)}
	}
	ctx := func(fs ...devctx.Field) []byte { return devctx.EncodeDraftContext(devctx.DraftContext{Fields: fs}) }
	common := devctx.Field{Type: spec.FieldPCICommonCfg, Value: []byte{1}}
	features := devctx.Field{Type: spec.FieldDevFeatures, Value: []byte{1}}
	f.Add(true, parts(dev, status, vq(0)), parts(status, dev, vq(0), vq(1)))
	f.Add(true, parts(status), parts(devctx.NewCommonCfgPart(spec.CfgQueueSelect, []byte{1, 0}), status))
	f.Add(true, parts(status, status), []byte{1, 2, 3})
	f.Add(false, ctx(common, features), ctx(common))
	f.Add(false, ctx(common), ctx(devctx.DeviceStatusField(0x0f), common))
	f.Add(false, []byte{}, ctx())
	f.Fuzz(func(t *testing.T, v14 bool, a, b []byte) {
		ed := spec.Draft2023
		if v14 {
			ed = spec.Virtio14
		}
		ab := Names(ed, a, b)
		require.NotEmpty(t, ab)
		for _, n := range ab {
			assert.NotEmpty(t, n)
		}
		ba := Names(ed, b, a)
		undecodable := []string{"the states do not decode to compare them"}
		if assert.Equal(t, ab[0] == undecodable[0], ba[0] == undecodable[0]) && ab[0] != undecodable[0] {
			for _, n := range ab {
				if k, ok := strings.CutSuffix(n, " added"); ok {
					assert.Contains(t, ba, k+" gone", "%q comparing a with b", n)
				}
			}
		}
		for _, s := range [][]byte{a, b} {
			self := Names(ed, s, s)
			if len(self) != 1 || (self[0] != undecodable[0] && self[0] != "the same parts, re-encoded") {
				t.Fatalf("a state compared with itself: %q", self)
			}
			if self[0] == undecodable[0] {
				continue
			}
			var again []byte
			if v14 {
				ps, err := devctx.DecodeParts(s, devctx.DecodeOptions{AnyOrder: true})
				require.NoError(t, err)
				again = devctx.EncodeParts(ps.List)
			} else {
				c, err := devctx.DecodeDraftContext(s)
				require.NoError(t, err)
				again = devctx.EncodeDraftContext(c)
			}
			assert.Equal(t, []string{"the same parts, re-encoded"}, Names(ed, s, again))
		}
	})
}
