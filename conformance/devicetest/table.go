package devicetest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/spec"
)

// The mode × event table: every event a host can send, in every quiesced
// mode of both editions (and the admin commands in every mode), with what
// the host must observe: guest-memory accesses, MSI-X messages, a change
// of the state it reads back, and the admin status. Each cell is a device
// test of the requirement its expectation comes from.

// tableEvent is one event of the table: do sends it and returns the admin
// completion's status (OK for a non-admin event); what says what it sends,
// for a failure's message ("" for an admin command: its name says it).
type tableEvent struct {
	name string
	what string
	do   func(g *harness.Rig, gu *harness.Guest) spec.Status
	// prepare, when set, runs before the cell judges anything: it may
	// skip the cell (harness.Check.Skipf) on a device without what the
	// event needs.
	prepare func(g *harness.Rig)
}

// cellWant is what the host must observe for one cell.
type cellWant struct {
	dma, msix, changed bool
	status             spec.Status
	// ids: the requirement of the cell first; dmaID, msixID, changedID
	// name the requirement a wrong observation breaks ("" for ids[0]).
	ids                      []string
	dmaID, msixID, changedID string
	// where names the part (virtio-1.4) or context field (draft-2023)
	// a change must show in, when changed is true and one does.
	where string
}

func tableEvents(e spec.Edition) []tableEvent {
	ok := spec.StatusOK
	evs := []tableEvent{
		{name: "common-config-write", what: fmt.Sprintf("queue_select (common configuration offset %d) written 1", spec.CfgQueueSelect),
			do: func(g *harness.Rig, _ *harness.Guest) spec.Status { g.Common(spec.CfgQueueSelect, 1); return ok }},
		{name: "device-config-write", what: fmt.Sprintf("virtio-blk writeback (device configuration offset %d) written with the other cache mode", harness.BlkCfgWriteback),
			do: func(g *harness.Rig, _ *harness.Guest) spec.Status {
				wb := g.Read(blkConfig(harness.BlkCfgWriteback), 1)[0]
				g.Write(blkConfig(harness.BlkCfgWriteback), []byte{harness.WritebackFlipped(wb)})
				return ok
			},
			prepare: func(g *harness.Rig) { g.Writeback() }},
		{name: "doorbell", what: "the work queue's doorbell written with work posted", do: func(g *harness.Rig, gu *harness.Guest) spec.Status {
			gu.PostWork(3)
			g.Quiet()
			gu.Kick(gu.WorkQueue())
			return ok
		}},
		{name: "reset", what: "device_status written 0 (a virtio reset)", do: func(g *harness.Rig, _ *harness.Guest) spec.Status { g.Common(spec.CfgDeviceStatus, 0); return ok }},
		{name: "DEV_MODE_SET-same"}, // filled per mode
	}
	if e == spec.Draft2023 {
		for _, op := range []spec.DraftOpcode{spec.DraftOpDevModeGet, spec.DraftOpDevCtxSizeGet, spec.DraftOpDevCtxRead,
			spec.DraftOpDevCtxFieldsQuery, spec.DraftOpDevCtxDiscard} {
			evs = append(evs, tableEvent{name: op.String(), do: func(g *harness.Rig, _ *harness.Guest) spec.Status {
				return g.Admin(uint16(op), make([]byte, 8), 4096).Status
			}})
		}
		return append(evs, tableEvent{name: "DEV_CTX_WRITE", do: func(g *harness.Rig, _ *harness.Guest) spec.Status {
			st, _ := g.CtxWrite(harness.DecodeFields(g.Check, g.State()))
			return st
		}})
	}
	meta := make([]byte, spec.ResourceObjCmdHeaderSize+8)
	return append(evs,
		tableEvent{name: "DEV_PARTS_METADATA_GET", do: func(g *harness.Rig, _ *harness.Guest) spec.Status {
			return g.Admin(uint16(spec.OpDevPartsMetadataGet), meta, 4096).Status
		}},
		tableEvent{name: "DEV_PARTS_GET", do: func(g *harness.Rig, _ *harness.Guest) spec.Status {
			return g.Admin(uint16(spec.OpDevPartsGet), harness.PartsGetData(spec.PartsGetAll), harness.SnapshotCap).Status
		}},
		tableEvent{name: "DEV_PARTS_SET", do: func(g *harness.Rig, _ *harness.Guest) spec.Status { return g.PartsSet(g.State()).Status }},
	)
}

// cellExpect is the spec's outcome of an event in a mode with default
// knobs, and the requirements it comes from; ok is false for cells the
// table leaves out (a doorbell or a configuration write while running).
func cellExpect(e spec.Edition, m spec.Mode, ev string) (w cellWant, ok bool) {
	draft := e == spec.Draft2023
	q := m.Quiesced()
	pick := func(d, v string) string {
		if draft {
			return d
		}
		return v
	}
	switch ev {
	case "common-config-write":
		// Registers behave the same in every mode; queue_select is state.
		if !draft && !q {
			return w, false
		}
		w.changed, w.ids = true, []string{pick("DRAFT-PCI-01", "DP-DEV-10")}
		w.where = pick(spec.FieldPCICommonCfg.String()+" field", spec.PartPCICommonCfg.String()+" part of queue_select")
	case "device-config-write":
		switch {
		case !q:
			return w, false
		case m == spec.ModeFreeze:
			w.ids = []string{"DRAFT-FRZ-03", "DRAFT-FRZ-02"}
		default:
			// Draft: DEV_CFG changes in Stop; 1.4 has no part for it.
			w.changed, w.ids = draft, []string{pick("DRAFT-STOP-03", "DP-DEV-10")}
			w.where = spec.FieldDevCfg.String() + " field"
		}
	case "doorbell":
		switch {
		case !q:
			return w, false
		case m == spec.ModeFreeze:
			w.ids, w.changedID = []string{"DRAFT-FRZ-01", "DRAFT-FRZ-02"}, "DRAFT-FRZ-02"
		case draft:
			// The latched doorbell is in VQ_SPLIT_RUNTIME_CFG.
			w.changed, w.ids = true, []string{"DRAFT-STOP-02", "DRAFT-STOP-01", "DRAFT-STOP-03"}
			w.msixID, w.changedID = "DRAFT-STOP-01", "DRAFT-STOP-03"
			w.where = spec.FieldVQSplitRuntimeCfg.String() + " field (the latched doorbell)"
		default:
			w.ids = []string{"DP-DEV-11", "DP-DEV-10"}
		}
	case "reset":
		w.changed, w.ids = true, []string{"PCI-DEV-03"}
	case "DEV_MODE_SET-same":
		w.ids = []string{pick("DRAFT-MODE-03", "DP-DEV-13")}
	case "DEV_CTX_WRITE":
		if m != spec.ModeFreeze {
			w.status = spec.StatusEINVAL
		}
		w.ids = []string{"DRAFT-CTX-01"}
	case "DEV_PARTS_SET":
		if !q {
			w.status = spec.StatusEINVAL
		}
		w.ids = []string{"DP-DEV-02"}
		if !q {
			w.ids = []string{"DP-DEV-04", "DP-DEV-02"}
		}
	case "DEV_MODE_GET":
		w.ids = []string{"DRAFT-MODE-04"}
	case "DEV_CTX_SIZE_GET":
		w.ids = []string{"DRAFT-CTX-06"}
	case "DEV_CTX_READ":
		w.ids = []string{"DRAFT-CTX-02"}
	case "DEV_CTX_DISCARD":
		w.ids = []string{"DRAFT-CTX-03"}
	case "DEV_CTX_FIELDS_QUERY", "DEV_PARTS_METADATA_GET":
		w.ids = []string{"ADM-DEV-02"}
	case "DEV_PARTS_GET":
		w.ids = []string{"DP-DEV-02"}
	default:
		return w, false
	}
	return w, true
}

// tableTests builds one device test per cell of both editions.
func tableTests() []Test {
	var out []Test
	for _, e := range spec.Editions {
		for _, m := range e.Modes() {
			for _, ev := range tableEvents(e) {
				w, ok := cellExpect(e, m, ev.name)
				if !ok {
					continue
				}
				stoppedIDs(e, m, &w)
				if ev.name == "DEV_MODE_SET-same" {
					ev.do = func(g *harness.Rig, _ *harness.Guest) spec.Status { return g.ModeSet(m).Status }
				}
				name := fmt.Sprintf("table-%s-%s", strings.ToLower(e.ModeName(m)), strings.ToLower(ev.name))
				out = append(out, Test{id: w.ids[0], also: w.ids[1:], name: name, editions: []spec.Edition{e},
					blk: ev.name == "device-config-write", run: func(c *harness.Check) { tableCell(c, m, ev, w) }})
			}
		}
	}
	return out
}

// stoppedIDs charges what a stopped device must not do, whatever the
// event of the cell, to the requirement that forbids it rather than to the
// event's: in Stop (draft-2023) a guest-memory access breaks DRAFT-STOP-02
// and an MSI-X message DRAFT-STOP-01; stopped (virtio-1.4), either breaks
// DP-DEV-11. Freeze is the deeper of the draft's two quiesce levels (the
// device is stopped, then its state frozen; reached from Active directly
// on a destination), so the same two rules forbid them there, as the
// catalog's oracles no-dma-when-stopped and no-notify-when-stopped judge
// it (docs/oracles.md): the Freeze rules themselves (DRAFT-FRZ-*) are
// about notifications, configuration writes and the context. A cell that
// names its own requirement for them keeps it.
func stoppedIDs(e spec.Edition, m spec.Mode, w *cellWant) {
	if m != spec.ModeStop && m != spec.ModeFreeze {
		return
	}
	dma, irq := "DP-DEV-11", "DP-DEV-11"
	if e == spec.Draft2023 {
		dma, irq = "DRAFT-STOP-02", "DRAFT-STOP-01"
	}
	for _, x := range []struct {
		id   *string
		want string
	}{{&w.dmaID, dma}, {&w.msixID, irq}} {
		if *x.id != "" || w.ids[0] == x.want {
			continue
		}
		*x.id = x.want
		if !slices.Contains(w.ids, x.want) {
			w.ids = append(w.ids, x.want)
		}
	}
}

// tableCell runs one cell.
func tableCell(c *harness.Check, m spec.Mode, ev tableEvent, w cellWant) {
	g, gu := c.Live()
	if ev.prepare != nil {
		ev.prepare(g)
	}
	g.MustMode(m)
	g.Run()
	before := g.State()
	g.Quiet()
	st := ev.do(g, gu)
	g.Run()
	dma, msix := len(g.Rec.Accesses) > 0, len(g.IRQs) > 0
	after := g.State()
	changed := !bytesEqual(after, before)
	if st != w.status {
		c.Errorf("", "admin status %s, want %s", st, w.status)
	}
	switch {
	case dma && !w.dma:
		c.Errorf(w.dmaID, "guest-memory accesses: %d, want none%s", len(g.Rec.Accesses), harness.FirstAccess(c, g.Rec.Accesses))
	case dma != w.dma:
		c.Errorf(w.dmaID, "guest-memory accesses: none, want some")
	}
	if msix != w.msix {
		c.Errorf(w.msixID, "MSI-X messages: %v, want %v", msix, w.msix)
	}
	if changed != w.changed {
		c.Errorf(w.changedID, "%s", changedMessage(c.Ed, ev, w, before, after))
	}
}

func bytesEqual(a, b []byte) bool { return string(a) == string(b) }
