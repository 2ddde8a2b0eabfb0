package devctx

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// TestDuplicateSelectorsPastTheScan: a selector given twice is an
// ErrDuplicate naming the first part, whether the first lies among the
// seenSmall a seenSet scans or among those it keeps in its map.
func TestDuplicateSelectorsPastTheScan(t *testing.T) {
	var vqs, notifies, cfgs []Part
	for q := range 3 * seenSmall {
		vqs = append(vqs, VQCfg{}.Part(uint16(q)))
		notifies = append(notifies, VQNotifyCfg{}.Part(uint16(q)))
	}
	for _, f := range spec.CommonCfgFields {
		cfgs = append(cfgs, NewCommonCfgPart(f.Field, make([]byte, f.Size)))
	}
	require.Greater(t, len(cfgs), seenSmall)
	cases := []struct {
		name  string
		parts []Part
		dup   Part
		first int // index of the part the duplicate repeats
		msg   string
	}{
		{"vq in the scan", vqs, vqs[3], 3, "vq 3 already given by part 3"},
		{"vq in the map", vqs, vqs[2*seenSmall], 2 * seenSmall, fmt.Sprintf("vq %d already given by part %d", 2*seenSmall, 2*seenSmall)},
		{"notify vq in the map", append(append([]Part{}, vqs...), notifies...), notifies[seenSmall+1],
			len(vqs) + seenSmall + 1, fmt.Sprintf("vq %d already given by part %d", seenSmall+1, len(vqs)+seenSmall+1)},
		{"last offset, in the map", cfgs, cfgs[len(cfgs)-1], len(cfgs) - 1,
			fmt.Sprintf("offset %d already given by part %d", cfgs[len(cfgs)-1].CommonCfgOffset(), len(cfgs)-1)},
		{"first offset, in the scan", cfgs, cfgs[0], 0, "offset 0 already given by part 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ok := EncodeParts(tc.parts)
			ps, err := DecodeParts(ok, DecodeOptions{AnyOrder: true})
			require.NoError(t, err)
			require.Len(t, ps.List, len(tc.parts))
			_, err = DecodeParts(append(ok, EncodeParts([]Part{tc.dup})...), DecodeOptions{AnyOrder: true})
			require.ErrorIs(t, err, ErrDuplicate)
			var pe *PartError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, len(tc.parts), pe.Index)
			assert.Equal(t, len(ok), pe.Offset)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}
