package compat

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// The checks of a saved state's payload at load (docs/compat.md, "Decision
// procedure", steps 8 and 9 on the payload): every part it holds is known
// to the destination or OPTIONAL, and every per-queue part names a queue
// below the num-queues the destination will run with. CheckLoad judges the
// header and its manifest; these judge the bytes after it.

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
// passes: the device reports malformed contexts itself.
func CheckContextSelectors(ctx []byte, plan LoadPlan, at Where) error {
	nq := numQueues(plan)
	if nq < 0 {
		return nil
	}
	c, err := devctx.DecodeDraftContext(ctx)
	if err != nil {
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
	return incompatibleIf(plan, at, bad)
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

// CheckPayloadParts checks every part of a run of device parts against the
// destination's known part types: an unknown part without OPTIONAL is a
// part-unknown mismatch naming its index and type; an unknown OPTIONAL one
// is added to the plan's warnings. Bytes after the last part that fits are
// corrupt.
func CheckPayloadParts(run []byte, plan *LoadPlan, dst DeviceCaps, at Where) error {
	m, _ := dst.Model(plan.Header.Model)
	parts, end := WalkParts(run)
	if end != len(run) {
		return incompatibleIf(*plan, at, []Mismatch{{Code: CodeCorrupt, Field: "payload",
			Source: fmt.Sprintf("byte %d: %d bytes after part %d do not hold a part", end, len(run)-end, len(parts)-1)}})
	}
	var bad []Mismatch
	for _, p := range parts {
		if m.KnowsPart(p.Header.Type) {
			continue
		}
		what := fmt.Sprintf("payload part %d (%s)", p.Index, p.Header.Type)
		if p.Header.Optional() {
			plan.Warnings = append(plan.Warnings, what+" (OPTIONAL) unknown to the destination: skipped")
			continue
		}
		bad = append(bad, Mismatch{Code: CodePartUnknown, Field: what, Source: "mandatory", Destination: "unknown", Bit: p.Index})
	}
	return incompatibleIf(*plan, at, bad)
}

// CheckSavedState runs every load-time check of a saved state, as any
// implementation writes it (the compatibility header, then the payload),
// against a destination: CheckLoad on the header and its manifest, then
// the payload. A payload of virtio-1.4 device parts (a state whose
// manifest lists parts, or whose payload is not a draft-2023 context) has
// every part checked (CheckPayloadParts) and its selectors
// (CheckPartSelectors); a draft-2023 context its PCI_VQ_CFG selectors
// (CheckContextSelectors).
func CheckSavedState(saved []byte, dst DeviceCaps, at Where) (LoadPlan, error) {
	plan, err := CheckLoad(saved, dst, at, nil)
	if err != nil {
		return plan, err
	}
	_, derr := devctx.DecodeDraftContext(plan.Payload)
	if len(plan.Header.Parts) == 0 && derr == nil {
		return plan, CheckContextSelectors(plan.Payload, plan, at)
	}
	if err := CheckPayloadParts(plan.Payload, &plan, dst, at); err != nil {
		return plan, err
	}
	return plan, CheckPartSelectors([][]byte{plan.Payload}, plan, at)
}
