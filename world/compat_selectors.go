package world

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/spec"
)

// checkSelectors is the last check of step 8 of the decision procedure (docs/compat.md), run at
// load before anything is applied: every per-queue part (virtio-1.4 VQ_CFG,
// VQ_NOTIFY_CFG) or draft PCI_VQ_CFG entry names a queue below the
// num-queues the destination will run with. A 1.4 payload is either a run
// of parts (save/load) or a VFIO stream of records (vfio-write); a payload
// that does not read as a stream is taken as parts.
func checkSelectors(ed spec.Edition, payload []byte, plan compat.LoadPlan, at compat.Where) error {
	nq := int64(-1)
	for _, p := range plan.Params {
		if p.Name == paramNumQueues && p.Value.Type == compat.ParamInt {
			nq = p.Value.Int
		}
	}
	if nq < 0 {
		return nil
	}
	var bad []compat.Mismatch
	check := func(what string, idx uint16) {
		if int64(idx) >= nq {
			bad = append(bad, compat.Mismatch{Code: compat.CodeContext, Field: what + " selector",
				Source: fmt.Sprintf("vq %d", idx), Destination: fmt.Sprintf("num-queues %d (vq 0-%d)", nq, nq-1)})
		}
	}
	switch ed {
	case spec.Virtio14:
		runs := streamRecords(payload)
		if len(runs) == 0 {
			runs = [][]byte{payload}
		}
		for _, run := range runs {
			for off := 0; len(run)-off >= spec.PartHeaderSize; {
				h, err := devctx.DecodePartHeader(run[off:])
				if err != nil || uint64(h.Length) > uint64(len(run)-off-spec.PartHeaderSize) {
					break
				}
				if h.Type == spec.PartVQCfg || h.Type == spec.PartVQNotifyCfg {
					check(h.Type.String(), binary.LittleEndian.Uint16(h.Selector[:2]))
				}
				off += spec.PartHeaderSize + int(h.Length)
			}
		}
	case spec.Draft2023:
		ctx, err := devctx.DecodeDraftContext(payload)
		if err != nil {
			return nil // the device reports malformed contexts itself
		}
		for _, f := range ctx.Fields {
			if f.Type != spec.FieldPCIVQCfg {
				continue
			}
			if l, err := devctx.DecodeVQCfgList(f.Value); err == nil {
				for _, q := range l.Queues {
					check(spec.FieldPCIVQCfg.String(), q.Index)
				}
			}
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return &compat.IncompatibleError{Phase: at.Phase, Member: at.Member, Model: plan.Header.Model,
		Impl: plan.Header.Impl, Mismatches: bad}
}
