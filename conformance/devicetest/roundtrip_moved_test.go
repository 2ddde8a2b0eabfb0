package devicetest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/spec"
)

// movedBug is a restore bug planted around the reference: it rewrites the
// fields of each DEV_CTX_READ result (read, the source's side) and of each
// DEV_CTX_WRITE (write, the destination's), and the parts of each
// DEV_PARTS_SET (set); nil leaves them be.
type movedBug struct {
	member.Device
	read, write func(devctx.Field) devctx.Field
	set         func(devctx.Part) devctx.Part
}

func (d *movedBug) Handle(ev member.Event) member.Effects {
	if ev.Kind == member.EvAdmin {
		switch {
		case d.write != nil && ev.Admin.Opcode == uint16(spec.DraftOpDevCtxWrite):
			ev.Admin.Data = rewriteFields(ev.Admin.Data, d.write)
		case d.set != nil && ev.Admin.Opcode == uint16(spec.OpDevPartsSet) && len(ev.Admin.Data) > spec.ResourceObjCmdHeaderSize:
			const hdr = spec.ResourceObjCmdHeaderSize
			if ps, err := devctx.DecodeParts(ev.Admin.Data[hdr:], devctx.DecodeOptions{AnyOrder: true}); err == nil {
				for i := range ps.List {
					ps.List[i] = d.set(ps.List[i])
				}
				ev.Admin.Data = append(append([]byte(nil), ev.Admin.Data[:hdr]...), devctx.EncodeParts(ps.List)...)
			}
		}
	}
	fx := d.Device.Handle(ev)
	if d.read != nil && ev.Kind == member.EvAdmin && ev.Admin.Opcode == uint16(spec.DraftOpDevCtxRead) && len(fx.Completions) == 1 {
		if res, err := devctx.DecodeCtxReadResult(fx.Completions[0].Result); err == nil && len(res.Ctx) > 0 {
			res.Ctx = rewriteFields(res.Ctx, d.read)
			fx.Completions[0].Result = res.Encode()
		}
	}
	return fx
}

// rewriteFields applies change to every field of an encoded context.
func rewriteFields(b []byte, change func(devctx.Field) devctx.Field) []byte {
	ctx, err := devctx.DecodeDraftContext(b)
	if err != nil {
		return b
	}
	for i, f := range ctx.Fields {
		ctx.Fields[i] = change(devctx.Field{Type: f.Type, Value: append([]byte(nil), f.Value...)})
	}
	return devctx.EncodeDraftContext(ctx)
}

// runtimeEntries applies change to every VQ_SPLIT_RUNTIME_CFG entry.
func runtimeEntries(change func(*devctx.VQSplitRuntimeEntry)) func(devctx.Field) devctx.Field {
	return func(f devctx.Field) devctx.Field {
		l, err := devctx.DecodeVQSplitRuntimeList(f.Value)
		if f.Type != spec.FieldVQSplitRuntimeCfg || err != nil {
			return f
		}
		for i := range l.Queues {
			change(&l.Queues[i])
		}
		return l.Field()
	}
}

// lowHalf keeps bits 0-31 of a feature word, as a restore through a
// 32-bit register would.
func lowHalf(v []byte) []byte {
	w, err := devctx.DecodeFeatureWords(v)
	if err != nil || len(w) == 0 {
		return v
	}
	w[0] &= 0xffffffff
	return w.Encode()
}

// TestMovedStateJudged: the round trips of a wrapped ring and of the
// programmed registers pass the reference virtio-blk and virtio-net, and
// fail, under their own requirement only, a device that saves its ring
// indices modulo the queue size, a destination that ignores the
// device-owned descriptors it is given or takes used_idx from
// last_avail_idx, one that restores driver_feature through a 32-bit path,
// and one that keeps its own cache mode instead of the context's DEV_CFG;
// a source that leaves the requests it took out of VQ_SPLIT_DEV_OWN_DESC
// fails DRAFT-STOP-02, the destination not judged.
func TestMovedStateJudged(t *testing.T) {
	const (
		wrapped   = "round-trip-wrapped-ring-taken-request"
		registers = "registers-read-back-after-move"
	)
	wrap := func(b movedBug) func(member.Factory) member.Factory {
		return func(f member.Factory) member.Factory {
			return func(cfg member.Config) member.Device {
				d := b
				d.Device = f(cfg)
				return &d
			}
		}
	}
	bugs := []struct {
		name  string
		bug   movedBug
		fails map[spec.Edition]string // the test each edition fails
		says  string
	}{
		{"reference", movedBug{}, nil, ""},
		{"saves-ring-slot", movedBug{read: runtimeEntries(func(e *devctx.VQSplitRuntimeEntry) {
			e.LastAvailIdx %= 32
			e.UsedIdx %= 32
		})}, map[spec.Edition]string{spec.Draft2023: wrapped}, "queue 0 in the context read in Freeze: used_idx 3 and last_avail_idx 5, with used idx 35 in guest memory"},
		{"ignores-device-owned", movedBug{write: func(f devctx.Field) devctx.Field {
			if f.Type == spec.FieldVQSplitDevOwnDesc {
				return devctx.DevOwnDescList{}.Field()
			}
			return f
		}}, map[spec.Edition]string{spec.Draft2023: wrapped}, "request 1 of the three in flight at the stop or after it: status 0xff, want 0"},
		{"source-omits-device-owned", movedBug{read: func(f devctx.Field) devctx.Field {
			if f.Type == spec.FieldVQSplitDevOwnDesc {
				return devctx.DevOwnDescList{}.Field()
			}
			return f
		}}, map[spec.Edition]string{spec.Draft2023: wrapped},
			"request 1 in flight at the stop (head 0, avail index 35), below the context's last_avail_idx 37, is neither in the used ring (used idx 35) nor a device-owned descriptor"},
		{"used-idx-from-last-avail", movedBug{write: runtimeEntries(func(e *devctx.VQSplitRuntimeEntry) { e.UsedIdx = e.LastAvailIdx })},
			map[spec.Edition]string{spec.Draft2023: wrapped}, "used index on the destination once it resumed: 39, 35 when the source stopped"},
		{"driver-features-low-half", movedBug{
			write: func(f devctx.Field) devctx.Field {
				if f.Type == spec.FieldDrvFeatures {
					f.Value = lowHalf(f.Value)
				}
				return f
			},
			set: func(p devctx.Part) devctx.Part {
				if p.Type == spec.PartDrvFeatures {
					p.Value = lowHalf(p.Value)
				}
				return p
			},
		}, map[spec.Edition]string{spec.Draft2023: registers, spec.Virtio14: registers}, "driver_feature (select 1) reads 0x0"},
		{"cache-mode-from-provisioning", movedBug{write: func(f devctx.Field) devctx.Field {
			if f.Type == spec.FieldDevCfg && len(f.Value) > 32 {
				f.Value[32] = 1 // the destination's own writeback, as it was provisioned
			}
			return f
		}}, map[spec.Edition]string{spec.Draft2023: registers}, "virtio_blk_config writeback reads 0x1, 0x0 on the source"},
	}
	// charges are the requirements a bug's failures charge, when not the
	// test's own: the source's.
	charges := map[string]string{"source-omits-device-owned": "DRAFT-STOP-02"}
	devices := []struct {
		name, typ string
		f         member.Factory
	}{
		{"blk", extdevice.TypeBlk, blk.New},
		{"net", extdevice.TypeNet, membernet.New},
	}
	for _, dev := range devices {
		for _, b := range bugs {
			f := wrap(b.bug)(dev.f)
			for _, dt := range movedTests() {
				if dt.blk && dev.typ != extdevice.TypeBlk {
					continue
				}
				for _, e := range spec.Editions {
					if !dt.AppliesTo(e) {
						continue
					}
					c := runCheck(dt, e, spec.DefaultRules(e), f, dev.typ)
					unit := dev.name + " " + b.name + " " + dt.Unit(e)
					want := b.fails[e] == dt.name && (dev.typ == extdevice.TypeBlk || b.name == "driver-features-low-half")
					if !want {
						assert.Empty(t, c.Fails, unit)
						continue
					}
					if !assert.NotEmpty(t, c.Fails, unit) {
						continue
					}
					said := false
					req := dt.id
					if r, ok := charges[b.name]; ok {
						req = r
					}
					for _, fl := range c.Fails {
						assert.Equal(t, []string{req}, fl.Requirements, "%s: %s", unit, fl.Message)
						said = said || strings.Contains(fl.Message, b.says)
					}
					assert.True(t, said, "%s: no failure says %q: %v", unit, b.says, c.Fails)
				}
			}
		}
	}
}

// TestWrappedRoundTripBlamesTheStop: in virtio-1.4 the source writes the
// requests it took back at the stop, so an IN request in flight there
// whose data the stop left out fails the wrapped round trip under
// DP-DEV-09, not the round trip's DP-DEV-08. (The guest posts 35 writes,
// one page each from harness.BufBase, then the OUT and the IN request.)
func TestWrappedRoundTripBlamesTheStop(t *testing.T) {
	var dt Test
	for _, x := range movedTests() {
		if x.id == "DP-DEV-08" && x.name == "round-trip-wrapped-ring-taken-request" {
			dt = x
		}
	}
	in := uint64(harness.BufBase + 36*0x1000)
	f := func(cfg member.Config) member.Device {
		return &plantedStop{Device: blk.New(cfg), c: cfg, atStop: func(p *plantedStop) {
			require.NoError(t, p.c.Mem.WriteMem(p.c.RID, in+16, make([]byte, 512)))
		}}
	}
	c := runCheck(dt, spec.Virtio14, spec.DefaultRules(spec.Virtio14), f, extdevice.TypeBlk)
	if assert.Len(t, c.Fails, 1) {
		assert.Equal(t, []string{"DP-DEV-09"}, c.Fails[0].Requirements)
		assert.Contains(t, c.Fails[0].Message, "the data the IN request in flight at the stop read")
	}
	c = runCheck(dt, spec.Virtio14, spec.DefaultRules(spec.Virtio14), blk.New, extdevice.TypeBlk)
	assert.Empty(t, c.Fails)
}
