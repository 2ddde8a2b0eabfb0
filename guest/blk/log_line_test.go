package blk

import (
	"fmt"
	"math"
	"testing"

	"github.com/migsim/migsim/spec"
)

// TestLogLines checks the lines built without fmt against the fmt
// formats they replace, at small, large and extreme values.
func TestLogLines(t *testing.T) {
	for _, c := range []struct {
		sector uint64
		count  int
		status byte
		data   uint64
	}{
		{0, 1, 0, 0}, {4, 4, 1, 0x1}, {123456789, 8, 255, 0xdeadbeefcafe}, {math.MaxUint64, math.MaxInt, 2, math.MaxUint64},
		{7, -1, 0, 1 << 63},
	} {
		g := &Driver{}
		g.logRequest("write", c.sector, c.count, c.status, c.data, false)
		g.logRequest("read", c.sector, c.count, c.status, c.data, true)
		g.logUint("probe: DRIVER_OK capacity=", c.sector)
		st := spec.DeviceStatus(c.status)
		g.logFinal(c.sector, st, c.count)
		want := []string{
			fmt.Sprintf("write sector=%d count=%d: status=%d", c.sector, c.count, c.status),
			fmt.Sprintf("read sector=%d count=%d: status=%d data=%016x", c.sector, c.count, c.status, c.data),
			fmt.Sprintf("probe: DRIVER_OK capacity=%d", c.sector),
			fmt.Sprintf("final: capacity=%d status=%s outstanding=%d", c.sector, st, c.count),
		}
		if len(g.log) != len(want) {
			t.Fatalf("%d lines, want %d", len(g.log), len(want))
		}
		for i := range want {
			if g.log[i] != want[i] {
				t.Errorf("line %d = %q, want %q", i, g.log[i], want[i])
			}
		}
	}
}
