package extdevice_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// refAdmin drives the reference virtio-blk (member/blk) with `admin`
// events only, as the kit forwards them, so that the generated sections of
// docs/device-protocol.md state the statuses the reference answers.
type refAdmin struct {
	t   *testing.T
	ed  spec.Edition
	dev member.Device
	tag uint64
}

func newRefAdmin(t *testing.T, ed spec.Edition, rules spec.Rules) *refAdmin {
	t.Helper()
	return &refAdmin{t: t, ed: ed, dev: blk.New(member.Config{Edition: ed, Rules: rules, VF: 1, RID: 0x109,
		BAR0: 0xfe000000, Mem: virtq.NewGuestMemory(), Quiet: true})}
}

// do sends one admin request and returns its completion, which the
// reference gives at once (no FLR, reset or PM transition is in progress).
func (r *refAdmin) do(op uint16, data []byte, capacity int) member.AdminCompletion {
	r.t.Helper()
	r.tag++
	fx := r.dev.Handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: r.tag, Opcode: op, Data: data, ResultCap: capacity}})
	require.Len(r.t, fx.Completions, 1, "the reference answers opcode %#x at once", op)
	return fx.Completions[0]
}

// ok sends a request that must succeed and returns its result.
func (r *refAdmin) ok(op uint16, data []byte, capacity int) []byte {
	r.t.Helper()
	c := r.do(op, data, capacity)
	require.Equal(r.t, spec.StatusOK, c.Status, "opcode %#x: %s/%s", op, c.Status, c.Qualifier)
	return c.Result
}

// draftMode sets a draft-2023 mode.
func (r *refAdmin) draftMode(m spec.Mode) {
	r.ok(uint16(spec.DraftOpDevModeSet), adminq.DraftMode{Mode: m}.Encode(), 0)
}

// failureCase is one way a command fails: how to make the reference fail
// it (run) and the requirement that says so ("" when none names the
// status).
type failureCase struct {
	op   string
	when string
	req  string
	run  func(t *testing.T) member.AdminCompletion
}

// failureTable renders the cases as a Markdown table, with the status and
// qualifier the reference answered for each; a case the reference does not
// fail is an error.
func failureTable(t *testing.T, cases []failureCase) string {
	var b strings.Builder
	b.WriteString("| command | when | status / qualifier | requirement |\n|---|---|---|---|\n")
	for _, c := range cases {
		got := c.run(t)
		require.NotEqual(t, spec.StatusOK, got.Status, "%s %s: the reference succeeded", c.op, c.when)
		require.Empty(t, got.Result, "%s %s: a failed command carries no result", c.op, c.when)
		req := c.req
		if req == "" {
			req = "—"
		}
		fmt.Fprintf(&b, "| %s | %s | %s (%d) / %s (%d) | %s |\n", c.op, c.when, got.Status, uint16(got.Status), got.Qualifier, uint16(got.Qualifier), req)
	}
	return b.String()
}

// failuresNote is the text after both editions' failure tables: what the
// owner does with a status, and what the kit judges of it.
func failuresNote() string {
	return fmt.Sprintf("A command that succeeds answers status %s (%d) with qualifier %s (%d) (ADM-DEV-02). An %s carries one "+
		"of the qualifiers %s (%d) to %s (%d) (the reference's are %s; the kit's admin-status oracle on the rows and, for the "+
		"virtio-1.4 refusals in its table, the device test ADM-DEV-02/virtio-1.4/refusals-einval-qualifier report any other as the "+
		"member's, naming no requirement), and the reference's %s carries %s. A failed command changes nothing (ADM-DEV-03, AVQ-DEV-05) and has no `result`. The "+
		"owner makes the group, opcode and member checks itself (%s, %s, %s), so a member receives only its own edition's "+
		"commands, addressed to it.\n",
		spec.StatusOK, uint16(spec.StatusOK), spec.QOK, uint16(spec.QOK), spec.StatusEINVAL, spec.QInvalidCommand, uint16(spec.QInvalidCommand),
		spec.QInvalidMember, uint16(spec.QInvalidMember), spec.QInvalidField, spec.StatusENOMEM, spec.QNoResource,
		spec.QInvalidGroup, spec.QInvalidOpcode, spec.QInvalidMember)
}

// same requires two failures of one table row to answer alike and returns
// the first.
func same(t *testing.T, a, b member.AdminCompletion) member.AdminCompletion {
	t.Helper()
	require.Equal(t, [2]uint16{uint16(a.Status), uint16(a.Qualifier)}, [2]uint16{uint16(b.Status), uint16(b.Qualifier)},
		"the cases of one row answer the same status and qualifier")
	return a
}

// draftFailures are the draft-2023 commands' failures.
func draftFailures() []failureCase {
	ed := spec.Draft2023
	modeSet, ctxRead, ctxWrite := uint16(spec.DraftOpDevModeSet), uint16(spec.DraftOpDevCtxRead), uint16(spec.DraftOpDevCtxWrite)
	ctxOf := func(r *refAdmin) []byte {
		res, err := devctx.DecodeCtxReadResult(r.ok(ctxRead, nil, 1<<16))
		require.NoError(r.t, err)
		require.Zero(r.t, res.Remaining)
		return res.Ctx
	}
	return []failureCase{
		{spec.DraftOpDevModeSet.String(), "mode 3 to 255 (reserved)", "DRAFT-MODE-02", func(t *testing.T) member.AdminCompletion {
			return newRefAdmin(t, ed, spec.DefaultRules(ed)).do(modeSet, adminq.DraftMode{Mode: 3}.Encode(), 0)
		}},
		{spec.DraftOpDevModeSet.String(), "Active to Freeze or Freeze to Active under `transitions=strict-chain`", "DRAFT-MODE-03",
			func(t *testing.T) member.AdminCompletion {
				rules := spec.DefaultRules(ed)
				rules.Transitions = spec.TransitionsStrictChain
				r := newRefAdmin(t, ed, rules)
				c := r.do(modeSet, adminq.DraftMode{Mode: spec.ModeFreeze}.Encode(), 0)
				r.draftMode(spec.ModeStop)
				r.draftMode(spec.ModeFreeze)
				return same(t, c, r.do(modeSet, adminq.DraftMode{Mode: spec.ModeActive}.Encode(), 0))
			}},
		{spec.DraftOpDevCtxWrite.String(), "in Active or Stop", "DRAFT-CTX-01", func(t *testing.T) member.AdminCompletion {
			r := newRefAdmin(t, ed, spec.DefaultRules(ed))
			ctx := ctxOf(r)
			c := r.do(ctxWrite, ctx, 0)
			r.draftMode(spec.ModeStop)
			return same(t, c, r.do(ctxWrite, ctx, 0))
		}},
		{spec.DraftOpDevCtxWrite.String(), "in Freeze, a context that does not decode (docs/context-format.md) or that the device cannot apply", "DRAFT-CTX-01",
			func(t *testing.T) member.AdminCompletion {
				r := newRefAdmin(t, ed, spec.DefaultRules(ed))
				ctx := ctxOf(r)
				r.draftMode(spec.ModeStop)
				r.draftMode(spec.ModeFreeze)
				return r.do(ctxWrite, ctx[:len(ctx)-1], 0)
			}},
		{spec.DraftOpDevCtxRead.String(), "`result_cap` too small for the next whole field", "DRAFT-CTX-04", func(t *testing.T) member.AdminCompletion {
			return newRefAdmin(t, ed, spec.DefaultRules(ed)).do(ctxRead, nil, 8+spec.DraftCtxHeaderSize)
		}},
	}
}

// virtio14Failures are the virtio-1.4 member commands' failures.
func virtio14Failures() []failureCase {
	ed := spec.Virtio14
	meta, get, set := uint16(spec.OpDevPartsMetadataGet), uint16(spec.OpDevPartsGet), uint16(spec.OpDevPartsSet)
	partsOf := func(r *refAdmin) []byte {
		return r.ok(get, adminq.PartsGet{Type: spec.PartsGetAll}.Encode(), 1<<16)
	}
	stop := func(r *refAdmin) {
		r.ok(uint16(spec.OpDevModeSet), adminq.ModeFlags{Flags: spec.DevModeFlagStopped}.Encode(), 0)
	}
	return []failureCase{
		{spec.OpDevPartsMetadataGet.String(), "a `type` other than SIZE, COUNT and LIST", "", func(t *testing.T) member.AdminCompletion {
			return newRefAdmin(t, ed, spec.DefaultRules(ed)).do(meta, adminq.MetadataGet{Type: 3}.Encode(), 4096)
		}},
		{spec.OpDevPartsMetadataGet.String(), "a result longer than `result_cap` (LIST in a small buffer)", "DP-DEV-15", func(t *testing.T) member.AdminCompletion {
			return newRefAdmin(t, ed, spec.DefaultRules(ed)).do(meta, adminq.MetadataGet{Type: spec.MetadataList}.Encode(), 16)
		}},
		{spec.OpDevPartsGet.String(), "a `type` other than SELECTED and ALL", "", func(t *testing.T) member.AdminCompletion {
			return newRefAdmin(t, ed, spec.DefaultRules(ed)).do(get, adminq.PartsGet{Type: 2}.Encode(), 4096)
		}},
		{spec.OpDevPartsSet.String(), "while running (not stopped)", "DP-DEV-04", func(t *testing.T) member.AdminCompletion {
			r := newRefAdmin(t, ed, spec.DefaultRules(ed))
			return r.do(set, adminq.PartsSet{Parts: partsOf(r)}.Encode(), 0)
		}},
		{spec.OpDevPartsSet.String(), "stopped, a part whose length differs from the device's (a PCI_COMMON_CFG part's: its field's size at the offset its selector names, a queue address also as its two 32-bit halves), or parts that do not decode", "DP-DEV-05",
			func(t *testing.T) member.AdminCompletion {
				r := newRefAdmin(t, ed, spec.DefaultRules(ed))
				ps, err := devctx.DecodeParts(partsOf(r), devctx.DecodeOptions{})
				require.NoError(t, err)
				ps.List[0].Value = ps.List[0].Value[:len(ps.List[0].Value)-1]
				stop(r)
				return r.do(set, adminq.PartsSet{Parts: devctx.EncodeParts(ps.List)}.Encode(), 0)
			}},
		{spec.OpDevPartsSet.String(), "stopped, DEV_FEATURES or DRV_FEATURES with a feature bit the device does not offer", "DP-DEV-06",
			func(t *testing.T) member.AdminCompletion {
				r := newRefAdmin(t, ed, spec.DefaultRules(ed))
				stop(r)
				c := r.do(set, adminq.PartsSet{Parts: devctx.EncodeParts([]devctx.Part{
					devctx.NewPart(spec.PartDevFeatures, devctx.FeatureWords{1 << 63}.Encode())})}.Encode(), 0)
				return same(t, c, r.do(set, adminq.PartsSet{Parts: devctx.EncodeParts([]devctx.Part{
					devctx.NewPart(spec.PartDrvFeatures, devctx.FeatureWords{1 << 63}.Encode())})}.Encode(), 0))
			}},
		{spec.OpDevPartsSet.String(), "stopped, a VQ_CFG or VQ_NOTIFY_CFG part for a queue the device does not have (its selector at or past `num_queues`), " +
			"or a VQ_CFG queue_size that is not a power of two up to `queue_size_max`", "DP-DEV-08",
			func(t *testing.T) member.AdminCompletion {
				r := newRefAdmin(t, ed, spec.DefaultRules(ed))
				stop(r)
				c := r.do(set, adminq.PartsSet{Parts: devctx.EncodeParts([]devctx.Part{devctx.NewVQPart(spec.PartVQCfg, 7, make([]byte, 32))})}.Encode(), 0)
				c = same(t, c, r.do(set, adminq.PartsSet{Parts: devctx.EncodeParts([]devctx.Part{devctx.NewVQPart(spec.PartVQNotifyCfg, 7, make([]byte, 8))})}.Encode(), 0))
				return same(t, c, r.do(set, adminq.PartsSet{Parts: devctx.EncodeParts([]devctx.Part{devctx.NewVQPart(spec.PartVQCfg, 0, append([]byte{3, 0, 0xff, 0xff}, make([]byte, 28)...))})}.Encode(), 0))
			}},
		{spec.OpDevPartsSet.String(), "stopped, a part of a type the device does not carry (a virtio-blk device given NET_CVQ_CFG) without the OPTIONAL flag; " +
			"an OPTIONAL one is ignored (DP-DEV-07)", "",
			func(t *testing.T) member.AdminCompletion {
				r := newRefAdmin(t, ed, spec.DefaultRules(ed))
				stop(r)
				opt := devctx.NewPart(spec.PartNetCVQCfg, make([]byte, 8))
				opt.Flags = spec.PartFlagOptional
				require.Equal(t, spec.StatusOK, r.do(set, adminq.PartsSet{Parts: devctx.EncodeParts([]devctx.Part{opt})}.Encode(), 0).Status,
					"an OPTIONAL part the device does not carry is ignored")
				return r.do(set, adminq.PartsSet{Parts: devctx.EncodeParts([]devctx.Part{devctx.NewPart(spec.PartNetCVQCfg, make([]byte, 8))})}.Encode(), 0)
			}},
	}
}
