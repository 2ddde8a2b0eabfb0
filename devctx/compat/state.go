package compat

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// The checks of a saved state's payload at load (docs/compat.md, "Decision
// procedure", the payload checks): CheckLoad judges the header and its
// manifest; these judge the bytes after it. The selector checks alone are
// what the simulated hypervisor runs on its payloads (runs of parts, VFIO
// stream records, draft contexts); CheckSavedState decodes the whole
// payload (payload.go).

// ParamNumQueues is the parameter the part selectors are checked against.
const ParamNumQueues = "num-queues"

// numQueues returns the plan's num-queues, or -1 when it has none.
func numQueues(plan LoadPlan) int64 {
	for _, p := range plan.Params {
		if p.Name == ParamNumQueues && p.Value.Type == ParamInt {
			return p.Value.Int
		}
	}
	return -1
}

// PayloadPart is one part of a run of device parts, with its index in the
// run.
type PayloadPart struct {
	Index  int
	Header devctx.PartHeader
}

// WalkParts splits a run of virtio-1.4 device parts (16-byte header,
// value) into its headers, without judging them; it stops at the first
// part that does not fit and returns the byte offset it stopped at.
func WalkParts(run []byte) (parts []PayloadPart, end int) {
	for off := 0; len(run)-off >= spec.PartHeaderSize; {
		h, err := devctx.DecodePartHeader(run[off:])
		if err != nil || uint64(h.Length) > uint64(len(run)-off-spec.PartHeaderSize) {
			return parts, off
		}
		parts = append(parts, PayloadPart{Index: len(parts), Header: h})
		off += spec.PartHeaderSize + int(h.Length)
		end = off
	}
	return parts, end
}

// CheckPartSelectors checks the per-queue parts (VQ_CFG, VQ_NOTIFY_CFG) of
// runs of device parts against the plan's num-queues (no num-queues: no
// check). A mismatch names the part's index in its run and its type.
func CheckPartSelectors(runs [][]byte, plan LoadPlan, at Where) error {
	nq := numQueues(plan)
	if nq < 0 {
		return nil
	}
	var bad []Mismatch
	for _, run := range runs {
		parts, _ := WalkParts(run)
		for _, p := range parts {
			if p.Header.Type != spec.PartVQCfg && p.Header.Type != spec.PartVQNotifyCfg {
				continue
			}
			if q := binary.LittleEndian.Uint16(p.Header.Selector[:2]); int64(q) >= nq {
				bad = append(bad, selectorMismatch(fmt.Sprintf("part %d (%s)", p.Index, p.Header.Type), q, nq))
			}
		}
	}
	return incompatibleIf(plan, at, bad)
}

// CheckContextSelectors checks the PCI_VQ_CFG entries of a draft-2023
// context against the plan's num-queues. A context that does not decode
// passes: CheckPayloadContext reports malformed contexts.
func CheckContextSelectors(ctx []byte, plan LoadPlan, at Where) error {
	nq := numQueues(plan)
	if nq < 0 {
		return nil
	}
	c, err := devctx.DecodeDraftContext(ctx)
	if err != nil {
		return nil
	}
	return incompatibleIf(plan, at, contextSelectorMismatches(c, nq))
}

// contextSelectorMismatches returns a mismatch per PCI_VQ_CFG entry of c
// whose queue is not below nq (nq < 0: no num-queues, no check).
func contextSelectorMismatches(c devctx.DraftContext, nq int64) []Mismatch {
	if nq < 0 {
		return nil
	}
	var bad []Mismatch
	for i, f := range c.Fields {
		if f.Type != spec.FieldPCIVQCfg {
			continue
		}
		if l, err := devctx.DecodeVQCfgList(f.Value); err == nil {
			for _, q := range l.Queues {
				if int64(q.Index) >= nq {
					bad = append(bad, selectorMismatch(fmt.Sprintf("field %d (%s)", i, f.Type), q.Index, nq))
				}
			}
		}
	}
	return bad
}

func selectorMismatch(what string, q uint16, nq int64) Mismatch {
	return Mismatch{Code: CodeContext, Field: what + " selector",
		Source: fmt.Sprintf("vq %d", q), Destination: fmt.Sprintf("num-queues %d (vq 0-%d)", nq, nq-1)}
}

func incompatibleIf(plan LoadPlan, at Where, bad []Mismatch) error {
	if len(bad) == 0 {
		return nil
	}
	return &IncompatibleError{Phase: at.Phase, Member: at.Member, Model: plan.Header.Model, Impl: plan.Header.Impl, Mismatches: bad}
}

// CheckSavedState runs every load-time check of a saved state, as any
// implementation writes it (the compatibility header, then the payload),
// against a destination: CheckLoad on the header and its manifest, then
// the whole payload decoded with devctx's decoders and cross-checked with
// the header. The
// manifest says what the payload is: a draft-2023 context holds fields,
// not parts, and has an empty manifest (CheckPayloadContext); a payload of
// virtio-1.4 device parts lists the part types it holds
// (CheckPayloadParts).
func CheckSavedState(saved []byte, dst DeviceCaps, at Where) (LoadPlan, error) {
	plan, err := CheckLoad(saved, dst, at, nil)
	if err != nil {
		return plan, err
	}
	if len(plan.Header.Parts) == 0 {
		return plan, CheckPayloadContext(plan.Payload, &plan, at)
	}
	return plan, CheckPayloadParts(plan.Payload, &plan, dst, at)
}
