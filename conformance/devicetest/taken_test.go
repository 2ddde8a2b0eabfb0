package devicetest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// plantedStop is a planted bug around the reference blk: at the stop
// (before it answers) it runs atStop, and it rewrites each DEV_CTX_READ
// result with ctx (nil: unchanged).
type plantedStop struct {
	member.Device
	c      member.Config
	atStop func(p *plantedStop)
	ctx    func(devctx.DraftContext) devctx.DraftContext
}

func (d *plantedStop) Handle(ev member.Event) member.Effects {
	if ev.Kind == member.EvAdmin && ev.Admin.Opcode == harness.ModeSetOp(d.c.Edition) && bytes.Equal(ev.Admin.Data, harness.ModeData(d.c.Edition, spec.ModeStop)) {
		fx := d.Device.Handle(ev)
		d.atStop(d)
		return fx
	}
	fx := d.Device.Handle(ev)
	if d.ctx != nil && ev.Kind == member.EvAdmin && ev.Admin.Opcode == uint16(spec.DraftOpDevCtxRead) && len(fx.Completions) == 1 {
		res, err := devctx.DecodeCtxReadResult(fx.Completions[0].Result)
		if err == nil {
			if ctx, err := devctx.DecodeDraftContext(res.Ctx); err == nil {
				res.Ctx = devctx.EncodeDraftContext(d.ctx(ctx))
				fx.Completions[0].Result = res.Encode()
			}
		}
	}
	return fx
}

// TestTakenAtStopJudgesWhatTheHostReads: the tests of taken buffers fail a
// virtio-1.4 write-back with a wrong used length, a failed status or an IN
// request's data missing (DP-DEV-09), and a draft-2023 device that
// completed a request at Stop and still lists it as device-owned, one
// whose context leaves a request it completed untaken (last_avail_idx at
// or below its avail entry, a destination would take it again) or claims
// more taken than the driver posted, and one whose context has no
// VQ_SPLIT_RUNTIME_CFG entry for queue 0 (DRAFT-STOP-02); the reference
// passes both. (The test's guest posts the
// OUT request's header at bufBase and the IN request's at bufBase+0x1000,
// each with 512 bytes of data; their heads are 0 and 3.)
func TestTakenAtStopJudgesWhatTheHostReads(t *testing.T) {
	write := func(addr uint64, b []byte) func(*plantedStop) {
		return func(p *plantedStop) { require.NoError(t, p.c.Mem.WriteMem(p.c.RID, addr, b)) }
	}
	in := uint64(harness.BufBase + 0x1000)
	// complete completes the executed OUT request at Stop.
	complete := func(p *plantedStop) {
		p.Device.Handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: 1 << 48, Opcode: harness.ModeSetOp(p.c.Edition),
			Data: harness.ModeData(p.c.Edition, spec.ModeActive)}})
		p.Device.Handle(member.Event{Kind: member.EvStep, Step: member.Step{Kind: member.StepComplete}})
		p.Device.Handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: 1<<48 + 1, Opcode: harness.ModeSetOp(p.c.Edition),
			Data: harness.ModeData(p.c.Edition, spec.ModeStop)}})
	}
	// rewriteRuntime runs first at Stop (nil: nothing), then rewrites
	// each context read: queue 0's last_avail_idx in VQ_SPLIT_RUNTIME_CFG
	// becomes lastAvail, or, when lastAvail is negative, the field goes.
	rewriteRuntime := func(first func(*plantedStop), lastAvail int) func(*plantedStop) {
		return func(p *plantedStop) {
			if first != nil {
				first(p)
			}
			p.ctx = func(ctx devctx.DraftContext) devctx.DraftContext {
				var kept []devctx.Field
				for _, f := range ctx.Fields {
					if f.Type == spec.FieldVQSplitRuntimeCfg {
						if lastAvail < 0 {
							continue
						}
						l, err := devctx.DecodeVQSplitRuntimeList(f.Value)
						require.NoError(t, err)
						for i := range l.Queues {
							if l.Queues[i].Index == 0 {
								l.Queues[i].LastAvailIdx = uint16(lastAvail)
							}
						}
						f = l.Field()
					}
					kept = append(kept, f)
				}
				ctx.Fields = kept
				return ctx
			}
		}
	}
	// completeOwned completes the executed OUT request at Stop, then lists
	// it in VQ_SPLIT_DEV_OWN_DESC all the same.
	completeOwned := func(p *plantedStop) {
		complete(p)
		p.ctx = func(ctx devctx.DraftContext) devctx.DraftContext {
			for i, f := range ctx.Fields {
				if l, err := devctx.DecodeDevOwnDescList(f.Value); f.Type == spec.FieldVQSplitDevOwnDesc && err == nil {
					l.Descs = append([]devctx.DevOwnDesc{{Queue: 0, Head: 0}}, l.Descs...)
					ctx.Fields[i] = l.Field()
				}
			}
			return ctx
		}
	}
	for _, tc := range []struct {
		name   string
		ed     spec.Edition
		atStop func(*plantedStop)
		says   string
	}{
		{"reference", spec.Virtio14, nil, ""},
		{"used-length-zero", spec.Virtio14, write(harness.RingAt(0).Used+4+4, make([]byte, 4)),
			"request 1 (head 0) in the used ring when DEV_MODE_SET stopped completed: used length 0 and status 0x0, want 1 and 0"},
		{"status-ioerr", spec.Virtio14, write(in+16+512, []byte{1}),
			"request 2 (head 3) in the used ring when DEV_MODE_SET stopped completed: used length 513 and status 0x1, want 513 and 0"},
		{"in-data-missing", spec.Virtio14, write(in+16, make([]byte, 512)),
			"the data of the IN request in the used ring when DEV_MODE_SET completed"},
		{"reference", spec.Draft2023, nil, ""},
		{"completed-and-still-owned", spec.Draft2023, completeOwned,
			"request 1 (head 0) is both in the used ring and a device-owned descriptor of the context"},
		{"completed-and-not-taken", spec.Draft2023, rewriteRuntime(complete, 0),
			"request 1 (head 0) is in the used ring when Stop completed, at or above the context's last_avail_idx 0: a destination would take it again"},
		{"last-avail-beyond-posted", spec.Draft2023, rewriteRuntime(nil, 3),
			"queue 0's last_avail_idx in the context read in Stop is 3, beyond the 2 requests the driver posted"},
		{"owned-and-not-taken", spec.Draft2023, rewriteRuntime(nil, 1),
			"request 2 (head 3) is a device-owned descriptor of the context read in Stop, at or above its last_avail_idx 1: a destination would execute it, then take it again from the avail ring"},
		{"no-runtime-entry", spec.Draft2023, rewriteRuntime(nil, -1),
			"the context read in Stop has no VQ_SPLIT_RUNTIME_CFG entry for queue 0"},
	} {
		t.Run(tc.ed.String()+"/"+tc.name, func(t *testing.T) {
			f := blk.New
			if tc.atStop != nil {
				f = func(c member.Config) member.Device { return &plantedStop{Device: blk.New(c), c: c, atStop: tc.atStop} }
			}
			id := "DP-DEV-09"
			if tc.ed == spec.Draft2023 {
				id = "DRAFT-STOP-02"
			}
			c := runCheck(Test{id: id, name: "taken", run: takenAtStop}, tc.ed, spec.DefaultRules(tc.ed), f, extdevice.TypeBlk)
			if tc.says == "" {
				assert.Empty(t, c.Fails)
				return
			}
			var msgs []string
			for _, fl := range c.Fails {
				assert.Equal(t, []string{id}, fl.Requirements, fl.Message)
				msgs = append(msgs, fl.Message)
			}
			assert.Contains(t, strings.Join(msgs, "\n"), tc.says)
		})
	}
}
