package spec

import (
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPartTypeKnownMatchesNames checks every part type value: Known (a
// switch) agrees with the names String uses and with PartTypes.
func TestPartTypeKnownMatchesNames(t *testing.T) {
	assert.Len(t, partNames, len(PartTypes()))
	for v := 0; v <= math.MaxUint16; v++ {
		p := PartType(v)
		_, named := partNames[p]
		if p.Known() != named || named != slices.Contains(PartTypes(), p) {
			t.Errorf("%s: Known %v, named %v, in PartTypes %v", p, p.Known(), named, slices.Contains(PartTypes(), p))
		}
	}
}
