package devicetest

import (
	"fmt"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// queueConfigs returns every virtqueue's configuration a state read holds,
// by queue index: the VQ_CFG parts (virtio-1.4) or the entries of the
// PCI_VQ_CFG field (draft-2023), as the driver-set values queue_size,
// queue_msix_vector, queue_enable and the three ring addresses.
func queueConfigs(c *harness.Check, state []byte) (map[uint16]devctx.VQCfg, error) {
	out := map[uint16]devctx.VQCfg{}
	if c.Ed == spec.Virtio14 {
		ps, err := devctx.DecodeParts(state, devctx.DecodeOptions{AnyOrder: true})
		if err != nil {
			return nil, err
		}
		for _, p := range ps.List {
			if p.Type != spec.PartVQCfg {
				continue
			}
			v, err := devctx.DecodeVQCfg(p.Value)
			if err != nil {
				return nil, fmt.Errorf("VQ_CFG of vq %d: %w", p.VQIndex(), err)
			}
			out[p.VQIndex()] = v
		}
		return out, nil
	}
	ctx, err := devctx.DecodeDraftContext(state)
	if err != nil {
		return nil, err
	}
	for _, f := range ctx.Fields {
		if f.Type != spec.FieldPCIVQCfg {
			continue
		}
		l, err := devctx.DecodeVQCfgList(f.Value)
		if err != nil {
			return nil, err
		}
		for _, e := range l.Queues {
			out[e.Index] = devctx.VQCfg{QueueSize: e.Size, Vector: e.MSIXVector, Enabled: e.Enabled, Desc: e.Desc, Driver: e.Driver, Device: e.Device}
		}
	}
	return out, nil
}

// queuesSavedReq is the requirement a source breaks whose state read
// misstates a queue the driver programmed: a DEV_PARTS_GET returns the
// device's parts as they are (DP-DEV-02, "Device parts": every
// DEV_PARTS_GET(ALL) returns the full current state); the first context
// read after a DEV_CTX_DISCARD returns every field (DRAFT-CTX-02), each
// with the device's value.
func queuesSavedReq(c *harness.Check) string {
	if c.Ed == spec.Virtio14 {
		return "DP-DEV-02"
	}
	return "DRAFT-CTX-02"
}

// judgeQueuesSaved checks that the state read from the stopped source
// holds, for every queue of every pair and for controlq, what the driver
// programmed (harness.Programmed: size, vector, enabled, ring addresses),
// and returns the queues it misstates or leaves out, by name. A source
// that saves one queue's configuration as another's would otherwise pass:
// its destination reads back what it was given.
func judgeQueuesSaved(c *harness.Check, state []byte) []string {
	w, err := queueConfigs(c, state)
	if err != nil {
		c.Fatalf("the queues' configuration in the state read from the stopped source does not decode: %v", err)
	}
	var bad []string
	for q := range 2*mqMaxPairs + 1 {
		want, name := harness.Programmed(q), mqQueueName(q)
		switch got, ok := w[uint16(q)]; {
		case !ok:
			c.Errorf(queuesSavedReq(c), "the state read from the stopped source has no configuration of %s (queue %d), which the driver programmed", name, q)
		case got != want:
			c.Errorf(queuesSavedReq(c), "the state read from the stopped source: %s (queue %d) is %+v, want what the driver programmed, %+v", name, q, got, want)
		default:
			c.Asserted++
			continue
		}
		bad = append(bad, name)
	}
	return bad
}

// mqQueueName names queue q of the multiqueue test's device.
func mqQueueName(q int) string {
	if q == 2*mqMaxPairs {
		return "controlq"
	}
	return harness.QueueName(q)
}

// judgeQueuesBack checks that the destination reads back, for every queue
// of every pair and for controlq, the configuration the source's state
// wrote to it: values a DEV_PARTS_SET or DEV_CTX_WRITE sets that it does
// not hold after the resume break applyReq. A queue the source's state
// does not carry is left to the frames after the move.
func judgeQueuesBack(c *harness.Check, written, back []byte) {
	w, err := queueConfigs(c, written)
	if err != nil {
		c.Fatalf("the queues' configuration in the state read from the stopped source does not decode: %v", err)
	}
	b, err := queueConfigs(c, back)
	if err != nil {
		c.Errorf(applyReq(c), "the queues' configuration in the state read back from the destination after the resume does not decode: %v", err)
		return
	}
	for q := range uint16(2*mqMaxPairs + 1) {
		want, ok := w[q]
		if !ok {
			continue
		}
		name := mqQueueName(int(q))
		got, ok := b[q]
		switch {
		case !ok:
			c.Errorf(applyReq(c), "the state read back from the destination after the resume has no configuration of %s (queue %d), which the %s wrote to it", name, q, stateWrite(c))
		case got != want:
			c.Errorf(applyReq(c), "the state read back from the destination after the resume: %s (queue %d) is %+v, want what the %s wrote to it, %+v", name, q, got, stateWrite(c), want)
		default:
			c.Asserted++
		}
	}
}
