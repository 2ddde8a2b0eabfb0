package catalog

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/world/por"
)

// sliceThrough is engine.CausalSlice's size with conflicts counted only
// on the resources of the classes keep admits (none: the finding's
// actor's own program).
func sliceThrough(res engine.Result, keep func(class uint8) bool) int {
	cs := res.Choices
	end := min(max(res.Finding.Step, 0), len(cs)-1)
	fps := make([]engine.Footprint, end+1)
	filter := func(ids []engine.Resource) []engine.Resource {
		var out []engine.Resource
		for _, r := range ids {
			if c, _, _ := por.Split(r); keep(c) {
				out = append(out, r)
			}
		}
		return out
	}
	for i := range fps {
		fps[i] = engine.NewFootprint(filter(cs[i].Footprint.Reads()), filter(cs[i].Footprint.Writes()))
	}
	in := []int{end}
	actors := map[int]bool{cs[end].Actor: true}
	for j := end - 1; j >= 0; j-- {
		dep := actors[cs[j].Actor]
		for _, k := range in {
			if dep {
				break
			}
			dep = fps[j].Conflicts(fps[k])
		}
		if dep {
			in = append(in, j)
			actors[cs[j].Actor] = true
		}
	}
	return len(in)
}

// TestCausalSlice_WhyBroad measures why the footprint slice of the
// regression schedules is every step (docs/engine.md, "Explaining"): the
// finding's actor's own program is about half of the steps, and the
// conflicts through one class of resource alone, a function's state or a
// guest's halt, already reach most of the rest: the migration carries
// the device's state and the guest's memory, which every earlier step of
// the guest and its VF wrote, into what the guest reads after it.
func TestCausalSlice_WhyBroad(t *testing.T) {
	files := regressFiles(t)
	var ress []engine.Result
	total := 0
	for _, f := range files {
		_, res := replayed(t, f)
		require.NotNil(t, res.Finding, f)
		ress = append(ress, res)
		total += len(res.Choices)
	}
	through := func(keep func(uint8) bool) float64 {
		n := 0
		for _, r := range ress {
			n += sliceThrough(r, keep)
		}
		return float64(n) / float64(total)
	}
	for _, tc := range []struct {
		name     string
		keep     func(uint8) bool
		min, max float64
	}{
		{name: "every class", keep: func(uint8) bool { return true }, min: 0.99, max: 1},
		{name: "the finding's actor's program alone", keep: func(uint8) bool { return false }, min: 0.4, max: 0.6},
		{name: "a function's state alone", keep: func(c uint8) bool { return c == por.ClassFunc }, min: 0.85, max: 1},
		{name: "a guest's halt alone", keep: func(c uint8) bool { return c == por.ClassHalt }, min: 0.65, max: 1},
		{name: "guest memory alone", keep: func(c uint8) bool { return c == por.ClassMem }, min: 0.75, max: 1},
	} {
		got := through(tc.keep)
		t.Logf("%s: %.2f of %d steps", tc.name, got, total)
		assert.GreaterOrEqual(t, got, tc.min, tc.name)
		assert.LessOrEqual(t, got, tc.max, tc.name)
	}
}
