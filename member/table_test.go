package member_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// tableEvent is one event of the mode × event table.
type tableEvent struct {
	name string
	do   func(g *rig, gu *guest) member.AdminCompletion
}

// observed is what the table checks for one (edition, mode, event).
type observed struct {
	dma, msix, ctxChanged, held bool
	status                      spec.Status
}

func tableEvents(e spec.Edition, m spec.Mode) []tableEvent {
	ok := member.AdminCompletion{}
	evs := []tableEvent{
		{"common-config write", func(g *rig, _ *guest) member.AdminCompletion { g.common(spec.CfgQueueSelect, 1); return ok }},
		{"device-config write", func(g *rig, _ *guest) member.AdminCompletion {
			g.write(pcie.BAR0DeviceCfg+cfgWriteback, []byte{0})
			return ok
		}},
		{"doorbell", func(g *rig, gu *guest) member.AdminCompletion {
			gu.submit(0, tOut, 0, pattern(3, 512), 512)
			gu.g.rec.Reset()
			gu.kick(0)
			return ok
		}},
		{"FLR start", func(g *rig, _ *guest) member.AdminCompletion {
			g.flr()
			g.handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: 99, Opcode: modeSetOp(e), Data: modeData(e, m)}})
			return ok
		}},
		{"reset", func(g *rig, _ *guest) member.AdminCompletion { g.common(spec.CfgDeviceStatus, 0); return ok }},
		{"DEV_MODE_SET same", func(g *rig, _ *guest) member.AdminCompletion { return g.modeSet(m) }},
	}
	if e == spec.Draft2023 {
		for _, op := range []spec.DraftOpcode{spec.DraftOpDevModeGet, spec.DraftOpDevCtxSizeGet, spec.DraftOpDevCtxRead,
			spec.DraftOpDevCtxFieldsQuery, spec.DraftOpDevCtxDiscard} {
			evs = append(evs, tableEvent{op.String(), func(g *rig, _ *guest) member.AdminCompletion { return g.admin(uint16(op), nil, 4096) }})
		}
		evs = append(evs, tableEvent{"DEV_CTX_WRITE", func(g *rig, _ *guest) member.AdminCompletion {
			return g.admin(uint16(spec.DraftOpDevCtxWrite), devctx.EncodeDraftContext(devctx.DraftContext{Fields: g.in.DraftFields()}), 0)
		}})
		return evs
	}
	meta := make([]byte, 16)
	evs = append(evs,
		tableEvent{"DEV_PARTS_METADATA_GET", func(g *rig, _ *guest) member.AdminCompletion {
			return g.admin(uint16(spec.OpDevPartsMetadataGet), meta, 4096)
		}},
		tableEvent{"DEV_PARTS_GET", func(g *rig, _ *guest) member.AdminCompletion {
			return g.admin(uint16(spec.OpDevPartsGet), partsGetData(spec.PartsGetAll), 4096)
		}},
		tableEvent{"DEV_PARTS_SET", func(g *rig, _ *guest) member.AdminCompletion {
			return g.admin(uint16(spec.OpDevPartsSet), append(make([]byte, objHeaderSize), devctx.EncodeParts(g.in.Parts())...), 0)
		}},
	)
	return evs
}

// expect is the spec outcome of an event in a mode with default knobs.
func expect(e spec.Edition, m spec.Mode, ev string) observed {
	q := m.Quiesced()
	o := observed{}
	switch ev {
	case "common-config write":
		o.ctxChanged = true // DRAFT-PCI-01, DP-DEV-10: same in every mode
	case "device-config write":
		// Draft DEV_CFG changes unless frozen; 1.4 has no DEV_CFG part.
		o.ctxChanged = e == spec.Draft2023 && m != spec.ModeFreeze
	case "doorbell":
		o.dma, o.msix = !q, !q
		// Draft: ring indices (Active) or the latched doorbell (Stop) are
		// in VQ_SPLIT_RUNTIME_CFG; no 1.4 part carries either.
		o.ctxChanged = e == spec.Draft2023 && m != spec.ModeFreeze
	case "FLR start":
		o.held = true                      // DP-DEV-12, flr-vs-mode=hold-reply
		o.ctxChanged = e == spec.Draft2023 // PENDING_EVENTS FLR in progress
	case "reset":
		o.ctxChanged = true // status ← 0 and defaults, in every mode
	case "DEV_CTX_WRITE":
		if m != spec.ModeFreeze {
			o.status = spec.StatusEINVAL
		}
	case "DEV_PARTS_SET":
		if m != spec.ModeStop {
			o.status = spec.StatusEINVAL
		}
	}
	return o
}

// TestModeEventTable runs every event in every mode of both editions with
// default knobs and checks DMA, MSI-X, context change, held reply and
// status (DP-DEV-09..13, DRAFT-FRZ-02, DRAFT-PCI-01).
func TestModeEventTable(t *testing.T) {
	for _, e := range spec.Editions {
		for _, m := range e.Modes() {
			for _, ev := range tableEvents(e, m) {
				t.Run(fmt.Sprintf("%s/%s/%s", e, e.ModeName(m), ev.name), func(t *testing.T) {
					g, gu := liveRig(t, e, spec.DefaultRules(e))
					require.Equal(t, spec.StatusOK, g.modeSet(m).Status)
					g.run(-1)
					g.rec.Reset()
					g.irqs, g.comps = nil, nil
					d := g.dev.ContextDigest()
					c := ev.do(g, gu)
					got := observed{status: c.Status, held: g.dev.Status().HeldReplies > 0}
					g.run(-1)
					got.dma = len(g.rec.Accesses) > 0
					got.msix = len(g.irqs) > 0
					got.ctxChanged = g.dev.ContextDigest() != d
					assert.Equal(t, expect(e, m, ev.name), got)
				})
			}
		}
	}
}
