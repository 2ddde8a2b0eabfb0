package world_test

import (
	"sort"
	"testing"

	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

func TestScratchCensus(t *testing.T) {
	atDecision(t, "smoke-migrate", spec.Virtio14, nil, []int{100}, func(k int, w *world.World) {
		w.StateHash()
		c, err := w.CopyCensusForTest()
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			n    string
			o, b int
		}
		var rows []row
		to, tb := 0, 0
		for ty, e := range c {
			rows = append(rows, row{ty.String(), e.Objects, e.Bytes})
			to += e.Objects
			tb += e.Bytes
		}
		sort.Slice(rows, func(i, j int) bool { return rows[i].b > rows[j].b })
		for _, r := range rows {
			t.Logf("%6d %4d %s", r.b, r.o, r.n)
		}
		t.Logf("total %d objects %d bytes", to, tb)
	})
}
