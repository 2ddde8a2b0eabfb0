package devicetest

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/spec"
)

// requestBug is a planted saved-state bug around a reference member: bug
// sees every admin request before the member does, may rewrite it, and
// answers it OK itself (the member never sees it) when it returns true.
type requestBug struct {
	member.Device
	bug func(req *member.AdminRequest) (answered bool)
}

func (d requestBug) Handle(ev member.Event) member.Effects {
	if ev.Kind != member.EvAdmin {
		return d.Device.Handle(ev)
	}
	ev.Admin.Data = append([]byte(nil), ev.Admin.Data...)
	if d.bug(&ev.Admin) {
		return member.Effects{Completions: []member.AdminCompletion{{Tag: ev.Admin.Tag, Status: spec.StatusOK}}}
	}
	return d.Device.Handle(ev)
}

// referenceDevices are the reference virtio-blk and virtio-net, each with
// the type its device protocol hello names: what a test of a planted bug
// checks passes first.
var referenceDevices = []struct {
	typ string
	f   member.Factory
}{{extdevice.TypeBlk, blk.New}, {extdevice.TypeNet, membernet.New}}

// plant returns f with bug planted.
func plant(f member.Factory, bug func(req *member.AdminRequest) bool) member.Factory {
	return func(c member.Config) member.Device { return requestBug{Device: f(c), bug: bug} }
}

// plantCtxField plants a device that edits, in every DEV_CTX_WRITE it
// takes, each field of type typ: edit gets the field's value and returns
// the field to write instead, or false to leave it (a value it cannot
// decode).
func plantCtxField(f member.Factory, typ spec.FieldType, edit func(v []byte) (devctx.Field, bool)) member.Factory {
	return plant(f, func(req *member.AdminRequest) bool {
		if req.Opcode != uint16(spec.DraftOpDevCtxWrite) {
			return false
		}
		ctx, err := devctx.DecodeDraftContext(req.Data)
		if err != nil {
			return false
		}
		for i, fl := range ctx.Fields {
			if fl.Type != typ {
				continue
			}
			if nf, ok := edit(fl.Value); ok {
				ctx.Fields[i] = nf
			}
		}
		req.Data = devctx.EncodeDraftContext(ctx)
		return false
	})
}

// unitNamed returns the device test of the given requirement and name.
func unitNamed(t *testing.T, id, name string) Test {
	t.Helper()
	for _, dt := range All() {
		if dt.id == id && dt.name == name {
			return dt
		}
	}
	require.FailNow(t, "no device test "+id+"/"+name)
	return Test{}
}

// TestDiscardKeepingBaselineChargedToDRAFTCTX03: a device that answers
// DEV_CTX_DISCARD with OK and keeps its incremental baseline returns only
// the changed fields on the next read. Every device test that reads the
// context back after a discard then fails, and each failure is charged to
// DRAFT-CTX-03, the requirement broken, naming the fields missing — not to
// the requirement of the test that happened to read its state back
// (ADM-DEV-02, DRAFT-MODE-03, PCI-DEV-03, …).
func TestDiscardKeepingBaselineChargedToDRAFTCTX03(t *testing.T) {
	keeps := plant(blk.New, func(req *member.AdminRequest) bool {
		return req.Opcode == uint16(spec.DraftOpDevCtxDiscard)
	})
	ed := spec.Draft2023
	failed := map[string]bool{}
	for _, dt := range All() {
		if !dt.AppliesTo(ed) || dt.netOnly || len(dt.knobs) > 0 {
			continue
		}
		c := runCheck(dt, ed, spec.DefaultRules(ed), keeps, extdevice.TypeBlk)
		for _, fl := range c.Fails {
			failed[dt.id+"/"+dt.name] = true
			assert.Equal(t, []string{"DRAFT-CTX-03"}, fl.Requirements, "%s: %s", dt.Unit(ed), fl.Message)
			assert.Contains(t, fl.Message, "the read after DEV_CTX_DISCARD returns", dt.Unit(ed))
		}
	}
	for _, u := range []string{"DRAFT-CTX-03/discard-restarts-full", "DRAFT-CTX-04/small-buffer-whole-fields", "DRAFT-MODE-02/reserved-modes-refused",
		"ADM-DEV-03/refused-command-no-side-effects", "DRAFT-FLR-01/flr-drops-written-context"} {
		assert.True(t, failed[u], u)
	}
}

// TestSizeGetFreezeBound: a device that answers DEV_CTX_SIZE_GET with
// freeze_mode 1 as with freeze_mode 0 (the size of a read now) fails
// DRAFT-CTX-06's size-get-freeze-bound, once the driver leaves a queue
// address half written; the reference virtio-blk and virtio-net pass it.
func TestSizeGetFreezeBound(t *testing.T) {
	dt := unitNamed(t, "DRAFT-CTX-06", "size-get-freeze-bound")
	ed := spec.Draft2023
	for _, dev := range referenceDevices {
		ref := runCheck(dt, ed, spec.DefaultRules(ed), dev.f, dev.typ)
		assert.Empty(t, ref.Fails, dev.typ)
		assert.Positive(t, ref.Asserted, dev.typ)
		now := plant(dev.f, func(req *member.AdminRequest) bool {
			if req.Opcode == uint16(spec.DraftOpDevCtxSizeGet) && len(req.Data) > 0 {
				req.Data[0] = 0
			}
			return false
		})
		c := runCheck(dt, ed, spec.DefaultRules(ed), now, dev.typ)
		if assert.Len(t, c.Fails, 1, dev.typ) {
			assert.Equal(t, []string{"DRAFT-CTX-06"}, c.Fails[0].Requirements)
			assert.Contains(t, c.Fails[0].Message, "after queue 1's queue_desc lo was written alone, returns")
			assert.Contains(t, c.Fails[0].Message, "DEV_CTX_SIZE_GET(freeze_mode 1) returned in Active before that write")
		}
	}
}

// TestLengthMismatchLonger: a device that takes a part longer than its
// own by copying its own length's worth (and dropping the rest) fails
// DP-DEV-05's length-mismatch-fails, for a VQ_CFG (32 bytes) as for the
// DEV_FEATURES and DRV_FEATURES parts (one le64: a device that reads the
// first word of any multiple of 8); the reference virtio-blk and
// virtio-net pass it.
func TestLengthMismatchLonger(t *testing.T) {
	dt := unitNamed(t, "DP-DEV-05", "length-mismatch-fails")
	ed := spec.Virtio14
	for _, dev := range referenceDevices {
		ref := runCheck(dt, ed, spec.DefaultRules(ed), dev.f, dev.typ)
		assert.Empty(t, ref.Fails, dev.typ)
	}
	for _, tc := range []struct {
		typ  spec.PartType
		own  int
		want string
	}{
		{spec.PartVQCfg, 32, "DEV_PARTS_SET of queue 0's own VQ_CFG followed by 8 zero bytes (a 40-byte value, the device's is 32): OK, want a failure"},
		{spec.PartDevFeatures, 8, "DEV_PARTS_SET of the device's own DEV_FEATURES followed by a zero le64 (a 16-byte value, the device's is 8): OK, want a failure"},
		{spec.PartDrvFeatures, 8, "DEV_PARTS_SET of the device's own DRV_FEATURES followed by a zero le64 (a 16-byte value, the device's is 8): OK, want a failure"},
	} {
		clips := plant(blk.New, func(req *member.AdminRequest) bool {
			if req.Opcode != uint16(spec.OpDevPartsSet) || len(req.Data) < spec.ResourceObjCmdHeaderSize {
				return false
			}
			// Walk the headers by hand: the decoder refuses the length.
			in, out := req.Data[spec.ResourceObjCmdHeaderSize:], req.Data[:spec.ResourceObjCmdHeaderSize:spec.ResourceObjCmdHeaderSize]
			for len(in) >= 16 {
				n := int(binary.LittleEndian.Uint32(in[12:]))
				if n > len(in)-16 {
					return false
				}
				hdr, value := append([]byte(nil), in[:16]...), in[16:16+n]
				if spec.PartType(binary.LittleEndian.Uint16(hdr)) == tc.typ && n > tc.own {
					binary.LittleEndian.PutUint32(hdr[12:], uint32(tc.own))
					value = value[:tc.own]
				}
				out = append(append(out, hdr...), value...)
				in = in[16+n:]
			}
			req.Data = append(out, in...) // a header cut short goes on as it came
			return false
		})
		c := runCheck(dt, ed, spec.DefaultRules(ed), clips, extdevice.TypeBlk)
		if assert.Len(t, c.Fails, 1, tc.typ) {
			assert.Equal(t, []string{"DP-DEV-05"}, c.Fails[0].Requirements)
			assert.Contains(t, c.Fails[0].Message, tc.want)
		}
	}
}

// TestMetadataSizeIsABound: DEV_PARTS_METADATA_GET(SIZE) is the most the
// parts take (virtio spec, device parts: the maximum size of all parts),
// so a device that reports 16 bytes more than its DEV_PARTS_GET(ALL)
// returns passes DP-DEV-15's metadata-buffer-too-small, and one that
// reports 16 bytes less fails it, naming both sizes.
func TestMetadataSizeIsABound(t *testing.T) {
	dt := unitNamed(t, "DP-DEV-15", "metadata-buffer-too-small")
	ed := spec.Virtio14
	for _, delta := range []int{16, -16} {
		f := func(c member.Config) member.Device {
			return sizeSkew{Device: blk.New(c), delta: delta}
		}
		c := runCheck(dt, ed, spec.DefaultRules(ed), f, extdevice.TypeBlk)
		if delta > 0 {
			assert.Empty(t, c.Fails, "SIZE %+d", delta)
			continue
		}
		if assert.Len(t, c.Fails, 1, "SIZE %+d", delta) {
			assert.Equal(t, []string{"DP-DEV-15"}, c.Fails[0].Requirements)
			assert.Regexp(t, `^DEV_PARTS_METADATA_GET\(SIZE\) returns \d+, less than the \d+ bytes DEV_PARTS_GET\(ALL\) returns$`, c.Fails[0].Message)
		}
	}
}

// sizeSkew is a planted bug around the reference blk: its
// DEV_PARTS_METADATA_GET(SIZE) answers are delta bytes off.
type sizeSkew struct {
	member.Device
	delta int
}

func (d sizeSkew) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if ev.Kind != member.EvAdmin || ev.Admin.Opcode != uint16(spec.OpDevPartsMetadataGet) ||
		len(ev.Admin.Data) <= spec.ResourceObjCmdHeaderSize || spec.MetadataType(ev.Admin.Data[spec.ResourceObjCmdHeaderSize]) != spec.MetadataSize {
		return fx
	}
	for i, c := range fx.Completions {
		if c.Tag == ev.Admin.Tag && c.Status == spec.StatusOK && len(c.Result) >= 4 {
			r := append([]byte(nil), c.Result...)
			binary.LittleEndian.PutUint32(r, uint32(int(binary.LittleEndian.Uint32(r))+d.delta))
			fx.Completions[i].Result = r
		}
	}
	return fx
}

// TestPendingEventsApplied: a device that drops the held queue interrupts
// (held_irqs) or the held configuration-change interrupt (flags bit 0) of
// the PENDING_EVENTS written to it fails DRAFT-CTX-01's
// pending-events-applied with the one it dropped; the reference
// virtio-blk and virtio-net pass it.
func TestPendingEventsApplied(t *testing.T) {
	dt := unitNamed(t, "DRAFT-CTX-01", "pending-events-applied")
	ed := spec.Draft2023
	for _, dev := range referenceDevices {
		ref := runCheck(dt, ed, spec.DefaultRules(ed), dev.f, dev.typ)
		assert.Empty(t, ref.Fails, dev.typ)
		assert.Equal(t, 2, ref.Asserted, dev.typ)
		for _, bug := range []struct {
			name string
			drop func(*devctx.PendingEvents)
			msg  string
		}{
			{"drops held_irqs", func(p *devctx.PendingEvents) { p.HeldIRQs = 0 }, "no MSI-X message for queue 0's vector (1)"},
			{"drops the config-change flag", func(p *devctx.PendingEvents) { p.Flags &^= devctx.PendingConfigIRQ }, "no MSI-X message for the configuration vector (0)"},
		} {
			f := plantCtxField(dev.f, spec.FieldPendingEvents, func(v []byte) (devctx.Field, bool) {
				p, err := devctx.DecodePendingEvents(v)
				bug.drop(&p)
				return p.Field(), err == nil
			})
			c := runCheck(dt, ed, spec.DefaultRules(ed), f, dev.typ)
			if assert.Len(t, c.Fails, 1, "%s %s", dev.typ, bug.name) {
				assert.Equal(t, []string{"DRAFT-CTX-01"}, c.Fails[0].Requirements)
				assert.Contains(t, c.Fails[0].Message, bug.msg)
			}
		}
	}
}

// TestSplitWriteCarried: a device that reads PCI_COMMON_RUNTIME_CFG's
// flags the wrong way round (bit 0 as the hi half written), and one that
// drops the entries, keep the write open after the guest writes the other
// half: each fails DRAFT-CTX-07's split-write-carried, naming the entry
// left; the reference virtio-blk and virtio-net pass it.
func TestSplitWriteCarried(t *testing.T) {
	dt := unitNamed(t, "DRAFT-CTX-07", "split-write-carried")
	ed := spec.Draft2023
	for _, dev := range referenceDevices {
		ref := runCheck(dt, ed, spec.DefaultRules(ed), dev.f, dev.typ)
		assert.Empty(t, ref.Fails, dev.typ)
		assert.Equal(t, 3, ref.Asserted, dev.typ)
		for _, bug := range []struct {
			name string
			edit func(*devctx.CommonRuntimeCfg)
			msg  string
		}{
			{"swaps the halves", func(rt *devctx.CommonRuntimeCfg) {
				for i := range rt.Writes {
					rt.Writes[i].Flags ^= 3
				}
			}, "the destination's PCI_COMMON_RUNTIME_CFG, once the guest wrote queue 1's queue_desc hi there, holds [{Queue:1 Field:queue_desc_lo Flags:2 Lo:286334976 Hi:3}]"},
			{"drops the entries", func(rt *devctx.CommonRuntimeCfg) { rt.Writes = nil }, "the destination's PCI_COMMON_RUNTIME_CFG, once the guest wrote queue 1's queue_desc hi there, holds [{Queue:1 Field:queue_desc_lo Flags:2 Lo:286334976 Hi:3}]"},
		} {
			f := plantCtxField(dev.f, spec.FieldPCICommonRuntimeCfg, func(v []byte) (devctx.Field, bool) {
				rt, err := devctx.DecodeCommonRuntimeCfg(v)
				bug.edit(&rt)
				return rt.Field(), err == nil
			})
			c := runCheck(dt, ed, spec.DefaultRules(ed), f, dev.typ)
			if assert.NotEmpty(t, c.Fails, "%s %s", dev.typ, bug.name) {
				assert.Equal(t, []string{"DRAFT-CTX-07"}, c.Fails[0].Requirements)
				assert.Contains(t, c.Fails[0].Message, bug.msg, "%s %s", dev.typ, bug.name)
			}
		}
	}
}
