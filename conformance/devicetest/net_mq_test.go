package devicetest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/spec"
)

// TestNetMQRoundTripBlame plants the bugs of a multiqueue virtio-net
// device's migration that the one-pair device tests cannot see: a
// destination that restores one pair, or the maximum (the mutant
// restores-max-pairs, in both editions), breaks NET-PART-02 (DRAFT-CTX-01)
// in the pairs it reads back, and the maximum, steering frames to the pair
// beyond those in use, again in the frames; a source that saves one pair
// breaks NET-PART-02 in its state; a destination that reads back the pairs
// written to it but steers by the maximum breaks NET-DEV-10; one that
// takes the second pair's transmit queue as disabled breaks DP-DEV-08, in
// the queue read back and in the frame it does not send; one that restores
// every queue with one queue_size (transmitq1's half size lost) breaks
// DP-DEV-08 in the queue read back. The reference
// passes in both editions, on checks.
func TestNetMQRoundTripBlame(t *testing.T) {
	units := unitsByEdition(t, "net-mq-round-trip", 2)
	pairs := func(set, get func([]byte) []byte) member.Factory {
		return func(c member.Config) member.Device {
			return &partsRewriter{Device: membernet.New(c), cmd: spec.NetMQVQPairsSet, set: set, get: get, gets: map[uint64]bool{}}
		}
	}
	to := func(n byte) func([]byte) []byte { return func([]byte) []byte { return []byte{n, 0} } }
	maxPairs, ok := mutants.Lookup("restores-max-pairs")
	require.True(t, ok)
	restoresMax := maxPairs.Factory(membernet.New)
	restores := func(edit func(uint16, *devctx.VQCfg)) member.Factory {
		return func(c member.Config) member.Device { return &vqRestorer{Device: membernet.New(c), edit: edit} }
	}
	disablesTx2 := restores(func(vq uint16, v *devctx.VQCfg) {
		if vq == 3 {
			v.Enabled = 0
		}
	})
	// One queue_size for every queue, as a device with one register for
	// it would restore: the guest programmed transmitq1 smaller.
	oneSize := restores(func(_ uint16, v *devctx.VQCfg) { v.QueueSize = uint16(harness.QueueSizeOf(0)) })
	savesTx2AsTx1 := func(c member.Config) member.Device {
		return &vqSaver{Device: membernet.New(c), from: 1, to: 3, gets: map[uint64]bool{}}
	}
	const (
		backOne  = "the state read back from the destination after the resume: the VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET part holds (virtqueue_pairs=1), want what the source's state wrote to it, (virtqueue_pairs=2)"
		backMax  = "the state read back from the destination after the resume: the VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET part holds (virtqueue_pairs=3), want what the source's state wrote to it, (virtqueue_pairs=2)"
		beyond   = "is in a used buffer of receiveq3, beyond the 2 queue pairs in use the driver set with VQ_PAIRS_SET"
		tookMax  = "the destination took the pairs in use a DEV_PARTS_SET wrote otherwise (above)"
		savedOne = "the state read from the stopped source: the VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET part holds (virtqueue_pairs=1), want what the driver set, (virtqueue_pairs=2)"
	)
	for _, tc := range []struct {
		name string
		ed   spec.Edition
		f    member.Factory
		// reqs are the requirements the failures name (each failure
		// names one).
		reqs  []string
		words []string
	}{
		{"reference", spec.Virtio14, membernet.New, nil, nil},
		{"reference", spec.Draft2023, membernet.New, nil, nil},
		{"restores-one-pair", spec.Virtio14, pairs(to(1), nil), []string{"NET-PART-02"}, []string{backOne}},
		{"restores-max-pairs", spec.Virtio14, restoresMax, []string{"NET-PART-02"}, []string{backMax, beyond, tookMax}},
		{"restores-max-pairs", spec.Draft2023, restoresMax, []string{"DRAFT-CTX-01"}, []string{backMax, beyond, "a DEV_CTX_WRITE wrote otherwise"}},
		{"saves-one-pair", spec.Virtio14, pairs(nil, to(1)), []string{"NET-PART-02"}, []string{savedOne}},
		{"steers-by-max-reads-back-written", spec.Virtio14, pairs(to(3), to(2)), []string{"NET-DEV-10"},
			[]string{beyond, "the destination reads back the pairs in use and steers beyond them"}},
		{"restores-transmitq2-disabled", spec.Virtio14, disablesTx2, []string{"DP-DEV-08"},
			[]string{"transmitq2 (queue 3) is {QueueSize:32 Vector:4 Enabled:0", "a frame sent on transmitq2 after the resume: its used index is 0, want 1"}},
		{"restores-one-queue-size", spec.Virtio14, oneSize, []string{"DP-DEV-08"},
			[]string{"transmitq1 (queue 1) is {QueueSize:32 Vector:2 Enabled:1"}},
		// The source saves transmitq2 as transmitq1 (its ring addresses and
		// vector): the destination reads back what it was given and runs
		// transmitq1's ring for transmitq2, so only the driver's programming
		// shows the source wrong, and the frame it then does not send is
		// the source's too.
		{"saves-transmitq2-as-transmitq1", spec.Virtio14, savesTx2AsTx1, []string{"DP-DEV-02"},
			[]string{"the state read from the stopped source: transmitq2 (queue 3) is {QueueSize:16 Vector:2 Enabled:1", "want what the driver programmed, {QueueSize:32 Vector:4",
				"a frame sent on transmitq2 after the resume: its used index is 0, want 1: the source's state misstated transmitq2 (above)"}},
		{"saves-transmitq2-as-transmitq1", spec.Draft2023, savesTx2AsTx1, []string{"DRAFT-CTX-02"},
			[]string{"the state read from the stopped source: transmitq2 (queue 3) is {QueueSize:16 Vector:2 Enabled:1",
				"the source's state misstated transmitq2 (above)"}},
	} {
		t.Run(tc.name+"/"+tc.ed.String(), func(t *testing.T) {
			c := runCheck(units[tc.ed], tc.ed, spec.DefaultRules(tc.ed), tc.f, extdevice.TypeNet)
			require.NoError(t, c.Fatal)
			require.Empty(t, c.Skipped)
			got, msgs := c.Charged()
			assert.ElementsMatch(t, tc.reqs, got, "%q", msgs)
			all := strings.Join(msgs, "\n")
			for _, w := range tc.words {
				assert.Contains(t, all, w)
			}
			if tc.reqs == nil {
				assert.Positive(t, c.Asserted, "the reference passes on checks, not on none")
			}
		})
	}
}

// vqRestorer is a planted virtio-net device that applies the VQ_CFG parts
// of every DEV_PARTS_SET it is sent as edit changes them.
type vqRestorer struct {
	member.Device
	edit func(vq uint16, v *devctx.VQCfg)
}

func (d *vqRestorer) Handle(ev member.Event) member.Effects {
	hdr := spec.ResourceObjCmdHeaderSize
	if ev.Kind != member.EvAdmin || spec.Opcode(ev.Admin.Opcode) != spec.OpDevPartsSet || len(ev.Admin.Data) <= hdr {
		return d.Device.Handle(ev)
	}
	ps, err := devctx.DecodeParts(ev.Admin.Data[hdr:], devctx.DecodeOptions{AnyOrder: true})
	if err != nil {
		return d.Device.Handle(ev)
	}
	out := make([]devctx.Part, len(ps.List))
	for i, p := range ps.List {
		if v, err := devctx.DecodeVQCfg(p.Value); err == nil && p.Type == spec.PartVQCfg {
			vq := p.VQIndex()
			d.edit(vq, &v)
			p = v.Part(vq)
		}
		out[i] = p
	}
	ev.Admin.Data = append(append([]byte(nil), ev.Admin.Data[:hdr]...), devctx.EncodeParts(out)...)
	return d.Device.Handle(ev)
}

// vqSaver is a planted virtio-net device whose state reads give queue to
// the configuration of queue from: the VQ_CFG part of every DEV_PARTS_GET
// result (virtio-1.4), the PCI_VQ_CFG entry of every DEV_CTX_READ result
// (draft-2023).
type vqSaver struct {
	member.Device
	from, to uint16
	gets     map[uint64]bool // tags of DEV_PARTS_GET commands in flight
}

func (d *vqSaver) Handle(ev member.Event) member.Effects {
	if ev.Kind == member.EvAdmin && spec.Opcode(ev.Admin.Opcode) == spec.OpDevPartsGet {
		d.gets[ev.Admin.Tag] = true
	}
	read := ev.Kind == member.EvAdmin && ev.Admin.Opcode == uint16(spec.DraftOpDevCtxRead)
	fx := d.Device.Handle(ev)
	for i := range fx.Completions {
		c := &fx.Completions[i]
		switch {
		case c.Status != spec.StatusOK:
		case d.gets[c.Tag]:
			delete(d.gets, c.Tag)
			c.Result = d.parts(c.Result)
		case read:
			c.Result = d.context(c.Result)
		}
	}
	return fx
}

func (d *vqSaver) parts(b []byte) []byte {
	ps, err := devctx.DecodeParts(b, devctx.DecodeOptions{AnyOrder: true})
	if err != nil {
		return b
	}
	var from []byte
	for _, p := range ps.List {
		if p.Type == spec.PartVQCfg && p.VQIndex() == d.from {
			from = p.Value
		}
	}
	out := make([]devctx.Part, len(ps.List))
	for i, p := range ps.List {
		if p.Type == spec.PartVQCfg && p.VQIndex() == d.to && from != nil {
			p.Value = append([]byte(nil), from...)
		}
		out[i] = p
	}
	return devctx.EncodeParts(out)
}

func (d *vqSaver) context(b []byte) []byte {
	res, err := devctx.DecodeCtxReadResult(b)
	if err != nil {
		return b
	}
	ctx, err := devctx.DecodeDraftContext(res.Ctx)
	if err != nil {
		return b
	}
	for i, f := range ctx.Fields {
		l, err := devctx.DecodeVQCfgList(f.Value)
		if f.Type != spec.FieldPCIVQCfg || err != nil {
			continue
		}
		var from *devctx.VQCfgEntry
		for j := range l.Queues {
			if l.Queues[j].Index == d.from {
				from = &l.Queues[j]
			}
		}
		for j := range l.Queues {
			if l.Queues[j].Index == d.to && from != nil {
				e := *from
				e.Index = d.to
				l.Queues[j] = e
			}
		}
		ctx.Fields[i] = l.Field()
	}
	res.Ctx = devctx.EncodeDraftContext(ctx)
	return res.Encode()
}
