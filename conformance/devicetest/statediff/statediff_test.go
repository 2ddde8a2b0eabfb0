package statediff

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// TestNames: the draft-2023 fields that differ, appear or go, in the order
// of the state after; an undecodable state and a re-encoding say so.
func TestNames(t *testing.T) {
	ctx := func(fs ...devctx.Field) []byte { return devctx.EncodeDraftContext(devctx.DraftContext{Fields: fs}) }
	common := func(v byte) devctx.Field { return devctx.Field{Type: spec.FieldPCICommonCfg, Value: []byte{v}} }
	features := devctx.Field{Type: spec.FieldDevFeatures, Value: []byte{1}}
	name := func(f spec.FieldType) string { return f.String() + " field" }
	for _, tc := range []struct {
		name          string
		before, after []byte
		want          []string
	}{
		{"changed", ctx(common(1), features), ctx(common(2), features), []string{name(spec.FieldPCICommonCfg)}},
		{"added", ctx(common(1)), ctx(common(1), features), []string{name(spec.FieldDevFeatures) + " added"}},
		{"gone", ctx(common(1), features), ctx(common(1)), []string{name(spec.FieldDevFeatures) + " gone"}},
		{"same", ctx(common(1)), ctx(common(1)), []string{"the same parts, re-encoded"}},
		{"undecodable", ctx(common(1)), []byte{1, 2, 3}, []string{"the states do not decode to compare them"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Names(spec.Draft2023, tc.before, tc.after))
		})
	}
}
