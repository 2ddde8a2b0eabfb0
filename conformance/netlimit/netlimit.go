// Package netlimit applies the device protocol's line limit to a
// scenario's network before any run (docs/device-protocol.md, "The kit's
// line limit"). The kit sends an external virtio-net device, in one
// backend event, every frame that waits on its port; the frames a port
// can ever hold are those the scenario's `rx` operations make for its VF
// (docs/net.md, "The wire in scenarios"), and in the worst case all of
// them wait for one late backend event (a member not there yet, a host
// down). Check refuses a scenario whose frames could take more than
// extdevice.FrameRoom bytes in that line, naming the kit's limit: an
// input error, never the device's failure. The in-process devices have
// no such limit.
package netlimit

import (
	"fmt"
	"slices"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world/vocab"
)

// Bound is the most a VF's ports can hold at once, in the worst case
// that every frame the scenario makes for it waits for one backend event.
type Bound struct {
	// VF is the VF, 1-based.
	VF int
	// Frames counts the frames the scenario's rx operations make for it.
	Frames int
	// Bytes is what they take in one line of the kit
	// (extdevice.FrameBytes each, at the largest sequence number).
	Bytes int
}

// Bounds returns the bound of every VF some rx operation names, in VF
// order. Every peer program counts, whatever edition it runs under: a
// bound for every row of the scenario. Errors are rx operations that do
// not bind, which a scenario that loaded (scenario.Check) has none of.
func Bounds(s *scenario.Scenario) ([]Bound, error) {
	rx := vocab.WireVerbs.Lookup("rx", 0)
	if len(rx) != 1 {
		return nil, fmt.Errorf("netlimit: the wire's verbs have %d rx operations, want 1", len(rx))
	}
	ctx := scenario.Context{VFs: s.VFs, Queues: s.Queues, Hosts: vocab.Hosts}
	type op struct{ vf, n, size int }
	var ops []op
	frames := map[int]int{}
	for _, p := range s.Actors {
		if p.Kind != scenario.ActorPeer {
			continue
		}
		for _, o := range p.Ops {
			if o.Verb != "rx" {
				continue
			}
			v, err := scenario.Bind(rx[0], o, ctx)
			if err != nil {
				return nil, fmt.Errorf("netlimit: %s:%d: %w", s.File, o.Line, err)
			}
			x := op{vf: int(v.Int("vf")), n: int(v.Int("n")), size: int(v.Int("size"))}
			ops = append(ops, x)
			frames[x.vf] += x.n
		}
	}
	var out []Bound
	for _, x := range ops {
		i := slices.IndexFunc(out, func(b Bound) bool { return b.VF == x.vf })
		if i < 0 {
			out, i = append(out, Bound{VF: x.vf, Frames: frames[x.vf]}), len(out)
		}
		// A link numbers its frames from 1: none exceeds the VF's count.
		out[i].Bytes += x.n * extdevice.FrameBytes(uint64(frames[x.vf]), x.size)
	}
	slices.SortFunc(out, func(a, b Bound) int { return a.VF - b.VF })
	return out, nil
}

// Check returns nil when an external virtio-net device can run every row
// of s whose settings are settings (the row's `set:`; the scenario's own
// apply) within the kit's line limit: the VFs are virtio-blk, or no VF's
// frames exceed extdevice.FrameRoom. Else the error wraps
// extdevice.ErrKitLimit and names the VF, its frames and the limit.
func Check(s *scenario.Scenario, settings []scenario.Arg) error {
	if scenario.VFDevice(s.Settings, settings) != extdevice.TypeNet {
		return nil
	}
	bs, err := Bounds(s)
	if err != nil {
		return err
	}
	for _, b := range bs {
		if err := CheckBound(b); err != nil {
			return fmt.Errorf("netlimit: scenario %s: %w", s.Name, err)
		}
	}
	return nil
}

// CheckBound returns nil when b's frames fit one line of the kit, else
// an error that wraps extdevice.ErrKitLimit.
func CheckBound(b Bound) error {
	if b.Bytes <= extdevice.FrameRoom {
		return nil
	}
	return fmt.Errorf("%w: the rx operations of vf %d make %d frames, which take %d bytes in one line of the device protocol "+
		"should they all wait for one backend event; the kit sends an external virtio-net device at most %d bytes of frames "+
		"in a line of at most %d (docs/device-protocol.md, \"The kit's line limit\"): an external device cannot run this scenario, "+
		"the in-process devices can; fewer or smaller frames fit", extdevice.ErrKitLimit, b.VF, b.Frames, b.Bytes, extdevice.FrameRoom, extdevice.MaxLine)
}
