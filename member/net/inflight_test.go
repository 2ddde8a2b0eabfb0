package net

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// stages are how far a request has gone when the source stops.
var stages = []struct {
	name  string
	steps []member.StepKind
}{
	{"fetched", []member.StepKind{member.StepFetch}},
	{"executed, not completed", []member.StepKind{member.StepFetch, member.StepExecute}},
}

// TestTxInFlightAtStopIsSentOnce: a transmit buffer the source has taken
// when it stops is written back before the stop completes (virtio-1.4,
// DP-DEV-09) or carried as a device-owned descriptor (draft-2023); either
// way its frame is on the wire exactly once — the draft destination learns
// from NET_INFLIGHT that the source already sent it.
func TestTxInFlightAtStopIsSentOnce(t *testing.T) {
	for _, e := range spec.Editions {
		for _, st := range stages {
			t.Run(e.String()+"/"+st.name, func(t *testing.T) {
				src := newRig(t, e, spec.DefaultRules(e), nil, "src", nil)
				gu := newGuest(src, allFeatures, 0, 1, ctrlMQ)
				frame := ethFrame(src.link.Peer(), src.link.MAC(), 60, 1)
				gu.post(1, 0, frame)
				gu.kick(1)
				for _, k := range st.steps {
					src.runOnly(k)
				}
				dst := migrate(t, src, gu)
				dst.run()
				gu.harvest()
				assert.Equal(t, 1, gu.tx, "the guest sees its buffer used once")
				tx := src.link.Transmitted()
				require.Len(t, tx, 1, "on the wire exactly once")
				assert.Equal(t, frame, tx[0].Frame.Data)
			})
		}
	}
}

// TestRxInFlightAtStopIsDeliveredOnce: a receive buffer the source filled
// and did not complete before a draft-2023 migration is completed by the
// destination with the frame already in guest memory, not refilled with
// the next frame.
func TestRxInFlightAtStopIsDeliveredOnce(t *testing.T) {
	for _, e := range spec.Editions {
		t.Run(e.String(), func(t *testing.T) {
			src := newRig(t, e, spec.DefaultRules(e), nil, "src", nil)
			gu := newGuest(src, allFeatures, 0, 1, ctrlMQ)
			gu.postRx(0, 1, 2048)
			src.runOnly(member.StepFetch)
			first := src.link.Frame(src.link.MAC(), 1, -1, 64)
			src.port.Arrive(first)
			src.backend()
			src.runOnly(member.StepExecute)
			require.Len(t, src.link.Delivered(), 1)
			dst := migrate(t, src, gu)
			second := dst.link.Frame(dst.link.MAC(), 1, -1, 64)
			dst.port.Arrive(second)
			dst.backend()
			gu.postRx(0, 1, 2048)
			dst.run()
			gu.harvest()
			assert.Equal(t, [][]byte{first.Data, second.Data}, gu.frames(), "each frame once, in order")
			assert.Len(t, dst.link.Delivered(), 2)
		})
	}
}

// TestCtrlInFlightAtStopIsAppliedOnce: a control command applied on the
// source and not acked when it stops is acked by the destination with the
// source's ack; its effect travels in the saved state. (Applying these
// commands again would be harmless — each sets state, none adds to it — but
// the draft destination completes what NET_INFLIGHT names without doing
// it again, as for frames.)
func TestCtrlInFlightAtStopIsAppliedOnce(t *testing.T) {
	for _, e := range spec.Editions {
		t.Run(e.String(), func(t *testing.T) {
			src := newRig(t, e, spec.DefaultRules(e), nil, "src", nil)
			gu := newGuest(src, allFeatures, 0, 1, ctrlMQ)
			table := devctx.NetMACTable{Unicast: []devctx.MAC{{2, 0, 0, 0, 0, 8}}}.Encode()
			gu.postCtrl(spec.NetMACTableSet, table)
			gu.postCtrl(spec.NetMQVQPairsSet, []byte{9, 0})
			gu.kick(gu.ctrlQ)
			src.runOnly(member.StepFetch)
			src.runOnly(member.StepExecute)
			dst := migrate(t, src, gu)
			dst.run()
			gu.harvest()
			assert.Equal(t, []uint8{spec.NetAckOK, spec.NetAckErr}, gu.acks, "each command acked once, as the source decided")
			assert.Equal(t, string(table), cvqPart(dst.partsGetAnyEdition(t), spec.NetMACTableSet))
		})
	}
}

// partsGetAnyEdition returns the net parts: DEV_PARTS_GET on virtio-1.4,
// the NET_CVQ field of a context read on draft-2023 (the device is left
// quiesced).
func (g *rig) partsGetAnyEdition(t *testing.T) []devctx.Part {
	if g.ed == spec.Virtio14 {
		return g.partsGet()
	}
	g.modeSet(spec.ModeStop)
	c, err := devctx.DecodeDraftContext(g.ctxRead())
	require.NoError(t, err)
	for _, f := range c.Fields {
		if f.Type == spec.FieldNetCVQ {
			ps, err := devctx.DecodeNetCVQField(f.Value)
			require.NoError(t, err)
			return ps
		}
	}
	t.Fatal("no NET_CVQ field")
	return nil
}

func TestDraftFieldsRoundTrip(t *testing.T) {
	src := newRig(t, spec.Draft2023, spec.DefaultRules(spec.Draft2023), nil, "src", nil)
	gu := newGuest(src, allFeatures, 0, 1, 2, 3, 4, 5, 6, 7, ctrlMQ)
	configure(t, gu)
	src.port.RequestAnnounce()
	src.backend()
	gu.post(1, 0, ethFrame(src.link.Peer(), src.link.MAC(), 60, 1))
	gu.kick(1)
	src.runOnly(member.StepFetch)
	src.runOnly(member.StepExecute)
	src.modeSet(spec.ModeStop)
	c, err := devctx.DecodeDraftContext(src.ctxRead())
	require.NoError(t, err)
	var types []spec.FieldType
	var inflight devctx.NetInflightList
	for _, f := range c.Fields {
		types = append(types, f.Type)
		if f.Type == spec.FieldNetInflight {
			inflight, err = devctx.DecodeNetInflightList(f.Value)
			require.NoError(t, err)
		}
		if f.Type == spec.FieldDevCfg {
			assert.Equal(t, spec.NetStatusLinkUp|spec.NetStatusAnnounce, uint16(f.Value[6])|uint16(f.Value[7])<<8,
				"the draft carries a pending announce in DEV_CFG")
		}
	}
	assert.Subset(t, types, []spec.FieldType{spec.FieldDevCfg, spec.FieldNetCVQ, spec.FieldNetInflight})
	assert.Equal(t, []devctx.NetInflight{{Queue: 1, Head: 0}}, inflight.Entries, "the transmitted frame's buffer")
	src.modeSet(spec.ModeActive)
	dst := migrate(t, src, gu)
	want, got := netState(t, src), netState(t, dst)
	inflightKey := spec.FieldNetInflight.String()
	assert.Equal(t, string(devctx.NetInflightList{}.Encode()), got[inflightKey], "the destination completed it")
	delete(want, inflightKey)
	delete(got, inflightKey)
	assert.Equal(t, want, got, "DEV_CFG (announce pending included) and NET_CVQ arrive unchanged")
	assert.Len(t, dst.link.Transmitted(), 1, "and the frame was not sent again")
}

// TestTxReexecAll: under reexec=all (the draft's "in-flight descriptors are
// re-executed" as written) the source records no execution, so a draft
// destination sends again a frame the source put on the wire and did not
// complete; virtio-1.4 wrote the buffer back at the stop and sends it once
// under either value.
func TestTxReexecAll(t *testing.T) {
	for _, c := range []struct {
		e     spec.Edition
		sends int
	}{{spec.Draft2023, 2}, {spec.Virtio14, 1}} {
		t.Run(c.e.String(), func(t *testing.T) {
			r := spec.DefaultRules(c.e)
			require.NoError(t, r.Set("reexec", "all"))
			src := newRig(t, c.e, r, nil, "src", nil)
			gu := newGuest(src, allFeatures, 0, 1, ctrlMQ)
			gu.post(1, 0, ethFrame(src.link.Peer(), src.link.MAC(), 60, 1))
			gu.kick(1)
			src.runOnly(member.StepFetch)
			src.runOnly(member.StepExecute)
			dst := migrate(t, src, gu)
			dst.run()
			gu.harvest()
			assert.Equal(t, 1, gu.tx, "the guest sees its buffer used once")
			assert.Len(t, src.link.Transmitted(), c.sends, "frames on the wire")
		})
	}
}
