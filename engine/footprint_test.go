package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Steps commute when their actors differ and their footprints do not
// conflict; copying steps and comparing them allocate nothing.
func TestStep_Independent(t *testing.T) {
	w, other := Writes(1), Writes(2)
	assert.False(t, Step{Actor: 1, Footprint: w}.Independent(Step{Actor: 1}), "same actor never commutes")
	assert.False(t, Step{Actor: 1, Footprint: w}.Independent(Step{Actor: 2, Footprint: Reads(1)}))
	assert.True(t, Step{Actor: 1, Footprint: w}.Independent(Step{Actor: 2, Footprint: other}))
	steps := []Step{{Actor: 0, Footprint: NewFootprint([]Resource{1, 3}, []Resource{2})}, {Actor: 1, Footprint: Reads(2)}}
	var buf []Step
	n := testing.AllocsPerRun(100, func() {
		buf = append(buf[:0], steps...)
		_ = buf[0].Independent(buf[1])
	})
	assert.Zero(t, n)
}
