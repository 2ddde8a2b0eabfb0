package conformance_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/spec"
)

// errAcker is a planted draft-2023 virtio-net source that records the
// control commands it applied and has not completed in NET_INFLIGHT with
// ack VIRTIO_NET_ERR: its destination completes them with that ack, as
// the record tells it to.
type errAcker struct {
	member.Device
}

func (d *errAcker) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if ev.Kind == member.EvAdmin && ev.Admin.Opcode == uint16(spec.DraftOpDevCtxRead) && len(fx.Completions) == 1 && fx.Completions[0].Status == spec.StatusOK {
		res, err := devctx.DecodeCtxReadResult(fx.Completions[0].Result)
		if err != nil {
			return fx
		}
		ctx, err := devctx.DecodeDraftContext(res.Ctx)
		if err != nil {
			return fx
		}
		for i, f := range ctx.Fields {
			if f.Type != spec.FieldNetInflight {
				continue
			}
			l, err := devctx.DecodeNetInflightList(f.Value)
			if err != nil {
				continue
			}
			for j := range l.Entries {
				if l.Entries[j].Queue == 2 { // controlq of one pair
					l.Entries[j].Ack = 1
				}
			}
			ctx.Fields[i] = devctx.Field{Type: spec.FieldNetInflight, Value: l.Encode()}
		}
		res.Ctx = devctx.EncodeDraftContext(ctx)
		fx.Completions[0].Result = res.Encode()
	}
	return fx
}

// TestInflightAckCharged: a source that saves the ack of a control
// command in flight at the stop as VIRTIO_NET_ERR fails
// net-cvq-in-flight-at-stop on the guest's ack, and the failure charges
// DRAFT-CTX-09 — the NET_INFLIGHT record carries the ack a destination
// completes the command with — not DRAFT-CTX-01, which stays involved:
// the destination applied what it was written.
func TestInflightAckCharged(t *testing.T) {
	f := func(c member.Config) member.Device { return &errAcker{Device: membernet.New(c)} }
	rep, err := conformance.Check(conformance.NetFactoryDevice("saves-err-ack", f), conformance.Short(), conformance.Parts(false, true),
		conformance.Scenarios("net-cvq-in-flight-at-stop"), conformance.Editions(spec.Draft2023), conformance.ReplayDir(t.TempDir()))
	require.NoError(t, err)
	u, ok := rep.Unit("net-cvq-in-flight-at-stop/draft-2023")
	require.True(t, ok)
	require.Len(t, u.Failures, 1)
	fl := u.Failures[0]
	assert.Contains(t, fl.Message, "ctrl VIRTIO_NET_CTRL_RX_PROMISC 1: ack 1")
	assert.Equal(t, []string{"DRAFT-CTX-09"}, fl.Requirements)
	assert.Equal(t, "by the first difference: a control command's ack", fl.Charged)
	assert.Contains(t, fl.Involved, "DRAFT-CTX-01")
}
