package devctx

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// propertyCases is the number of random contexts per property test.
const propertyCases = 5000

// encodedEqual compares contexts by their encoding (so nil and empty values
// compare equal).
func encodedEqual(t *testing.T, want, got DraftContext, msgAndArgs ...any) bool {
	t.Helper()
	return assert.Equal(t, EncodeDraftContext(want), EncodeDraftContext(got), msgAndArgs...)
}

func TestMergeDeltaProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(2023, 14))
	for i := range propertyCases {
		before := randContext(r, false)
		var after DraftContext
		if r.IntN(2) == 0 {
			after = mutate(r, before) // same field set
		} else {
			// a superset of before's types: new fields appear
			after = Merge(before, randContext(r, false))
			after = mutate(r, after)
		}
		d := Delta(before, after)
		if !encodedEqual(t, after, Merge(before, d), "case %d", i) {
			return
		}
		for _, f := range d.Fields {
			require.True(t, f.Type.Known(), "case %d", i)
		}
		assert.Empty(t, Delta(after, Merge(before, d)).Fields, "case %d: nothing changed since after", i)
	}
}

func TestDraftEncodeDecodeProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 42))
	for i := range propertyCases {
		c := randContext(r, r.IntN(4) == 0)
		b := EncodeDraftContext(c)
		got, err := DecodeDraftContext(b)
		require.NoError(t, err, "case %d", i)
		if !encodedEqual(t, c, got, "case %d", i) {
			return
		}
		require.Len(t, got.Fields, len(c.Fields), "case %d", i)
		for j := range c.Fields {
			assert.Equal(t, c.Fields[j].Type, got.Fields[j].Type)
			assert.Equal(t, string(c.Fields[j].Value), string(got.Fields[j].Value))
		}
	}
}

func TestPartsEncodeDecodeProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 4))
	for i := range propertyCases {
		ps := randParts(r)
		b := EncodeParts(ps)
		got, err := DecodeParts(b, DecodeOptions{Complete: true})
		require.NoError(t, err, "case %d", i)
		require.Len(t, got.List, len(ps), "case %d", i)
		assert.Equal(t, b, EncodeParts(got.List), "case %d", i)
	}
}

// randParts returns a valid complete run in the required order.
func randParts(r *rand.Rand) []Part {
	var ps []Part
	if r.IntN(2) == 0 {
		ps = append(ps, NewPart(spec.PartDevFeatures, make([]byte, 8*r.IntN(3))))
	}
	ps = append(ps, NewPart(spec.PartDrvFeatures, FeatureWords{r.Uint64()}.Encode()))
	for _, f := range spec.CommonCfgFields {
		if r.IntN(3) == 0 {
			ps = append(ps, NewCommonCfgPart(f.Field, CommonCfgBytes(f.Field, r.Uint32())))
		}
	}
	ps = append(ps, NewPart(spec.PartDeviceStatus, []byte{byte(r.Uint32())}))
	nq := uint16(r.IntN(4))
	for q := range nq {
		ps = append(ps, VQCfg{QueueSize: uint16(r.Uint32()), Desc: r.Uint64()}.Part(q))
	}
	for q := range nq {
		ps = append(ps, VQNotifyCfg{NotifyOff: q}.Part(q))
	}
	return ps
}

func TestDeltaAndMergeExamples(t *testing.T) {
	a := Field{Type: spec.FieldDeviceStatus, Value: []byte{1, 0, 0, 0, 0, 0, 0, 0}}
	a2 := Field{Type: spec.FieldDeviceStatus, Value: []byte{4, 0, 0, 0, 0, 0, 0, 0}}
	b := Field{Type: spec.FieldDevCfg, Value: []byte{9}}
	c := Field{Type: spec.FieldPCICommonCfg, Value: []byte{}}
	cases := []struct {
		name          string
		before, after DraftContext
		delta, merged DraftContext
	}{
		{"unchanged", DraftContext{Fields: []Field{a, b}}, DraftContext{Fields: []Field{a, b}}, DraftContext{}, DraftContext{Fields: []Field{a, b}}},
		{"changed value", DraftContext{Fields: []Field{a, b}}, DraftContext{Fields: []Field{a2, b}},
			DraftContext{Fields: []Field{a2}}, DraftContext{Fields: []Field{a2, b}}},
		{"new type lands in canonical place", DraftContext{Fields: []Field{a, b}}, DraftContext{Fields: []Field{c, a, b}},
			DraftContext{Fields: []Field{c}}, DraftContext{Fields: []Field{c, a, b}}},
		{"from empty", DraftContext{}, DraftContext{Fields: []Field{b, a}}, DraftContext{Fields: []Field{b, a}}, DraftContext{Fields: []Field{a, b}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := Delta(tc.before, tc.after)
			assert.Equal(t, tc.delta, d)
			assert.Equal(t, tc.merged, Merge(tc.before, d))
		})
	}
	assert.Equal(t, DraftContext{Fields: []Field{c, a, b}}, Canonical(DraftContext{Fields: []Field{b, a, c}}))
}

// TestMergeRepeatedAndLargeContexts checks Merge against its definition on
// contexts with repeated and unordered types, small ones (scanned) and
// large ones (indexed): a field of a type the merged list holds replaces
// its first field of that type, one of a new type is appended, and the
// result is stably sorted by type.
func TestMergeRepeatedAndLargeContexts(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	gen := func(n, types int) DraftContext {
		var c DraftContext
		for range n {
			c.Fields = append(c.Fields, Field{Type: spec.FieldType(1 + r.IntN(types)), Value: randValue(r)})
		}
		return c
	}
	reference := func(base, delta DraftContext) DraftContext {
		var out []Field
		out = append(out, base.Fields...)
		for _, f := range delta.Fields {
			i := slices.IndexFunc(out, func(g Field) bool { return g.Type == f.Type })
			if i >= 0 {
				out[i] = f
			} else {
				out = append(out, f)
			}
		}
		return Canonical(DraftContext{Fields: out})
	}
	for _, size := range []struct{ base, delta, types int }{
		{0, 0, 4}, {0, 3, 4}, {3, 0, 4}, {5, 5, 4}, {12, 9, 30}, {40, 40, 60}, {300, 200, 500},
	} {
		for range 20 {
			base, delta := gen(size.base, size.types), gen(size.delta, size.types)
			want, got := reference(base, delta), Merge(base, delta)
			require.Equal(t, len(want.Fields), len(got.Fields), "%+v", size)
			for i := range want.Fields {
				require.Equal(t, want.Fields[i].Type, got.Fields[i].Type, "%+v field %d", size, i)
				require.Equal(t, want.Fields[i].Value, got.Fields[i].Value, "%+v field %d", size, i)
			}
		}
	}
	assert.Nil(t, Merge(DraftContext{}, DraftContext{}).Fields)
}
