package scenario

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// TestVerbTableBind: an operation binds as the first form of its verb
// under the edition that accepts it; a verb of the other edition, an
// unknown verb and a refused argument each say so.
func TestVerbTableBind(t *testing.T) {
	table := VerbTable{
		{Name: "go", Args: []ArgSpec{{Name: "n", Kind: ArgInt, Min: 1, Max: 3, Required: true}}},
		{Name: "go", Args: []ArgSpec{{Name: "w", Kind: ArgWord, Values: []string{"far"}, Required: true}}},
		{Name: "old", Editions: []spec.Edition{spec.Draft2023}},
	}
	op := func(verb string, args ...Arg) Op { return Op{Verb: verb, Args: args} }
	for _, tc := range []struct {
		name string
		op   Op
		ed   spec.Edition
		want string // error; empty: binds
	}{
		{"first form", op("go", Arg{Key: "n", Value: "0x2"}), spec.Virtio14, ""},
		{"second form", op("go", Arg{Key: "w", Value: "far"}), spec.Virtio14, ""},
		{"the first form's refusal", op("go", Arg{Key: "n", Value: "9"}), spec.Virtio14, "want a number 1..3"},
		{"another edition's verb", op("old"), spec.Virtio14, "old: not a virtio-1.4 operation"},
		{"its own edition", op("old"), spec.Draft2023, ""},
		{"unknown", op("stop"), spec.Virtio14, `unknown operation "stop" (want go)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := table.Bind(tc.op, tc.ed, Context{VFs: 1, Queues: 1})
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	n, err := IntArg(op("go", Arg{Key: "n", Value: "0b11"}), "n", 1)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	n, err = IntArg(op("go"), "n", 7)
	require.NoError(t, err)
	assert.Equal(t, 7, n, "absent: the default")
}
