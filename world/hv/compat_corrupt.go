package hv

import (
	"fmt"
	"math"

	"github.com/migsim/migsim/scenario"
)

// corruptOp is `corrupt [vf=N] byte=K`: byte K of the VF's saved state
// (header included; a negative K counts from the end, -1 is the last byte)
// is flipped on its way to the next destination it reaches: the next
// write, the first record of the next load, the next vfio-write.
func (hv *Hypervisor) corruptOp(op scenario.Op) error {
	v, ok := scenario.Lookup(op.Args, "byte")
	if !ok {
		return fmt.Errorf("corrupt: want byte=K (an offset in the saved state; negative counts from the end)")
	}
	n, err := scenario.ParseNumber(v, math.MinInt, math.MaxInt)
	if err != nil {
		return fmt.Errorf("corrupt: byte=%s: %w", v, err)
	}
	k := int(n)
	vfs, err := hv.vfs(op)
	if err != nil {
		return fmt.Errorf("corrupt: %w", err)
	}
	for _, vf := range vfs {
		hv.local(fmt.Sprintf("corrupt vf%d byte=%d", vf, k), nop)
		hv.compat.corrupt[vf] = append(hv.compat.corrupt[vf], k)
	}
	return nil
}

// applyCorruption returns saved with the VF's pending byte flips applied
// (a copy; saved itself is left alone) and forgets them. An offset outside
// the state is an error naming it.
func (c *hvCompat) applyCorruption(vf int, saved []byte) ([]byte, error) {
	flips := c.corrupt[vf]
	if len(flips) == 0 {
		return saved, nil
	}
	delete(c.corrupt, vf)
	out := append([]byte(nil), saved...)
	for _, k := range flips {
		at := k
		if at < 0 {
			at += len(out)
		}
		if at < 0 || at >= len(out) {
			return nil, fmt.Errorf("world: corrupt vf%d byte=%d: outside the %d bytes of the saved state", vf, k, len(out))
		}
		out[at] ^= 0xff
	}
	return out, nil
}
