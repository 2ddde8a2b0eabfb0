package devimpl

import (
	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/spec"
)

// CheckSelectors is the last check of step 8 of the decision procedure
// (docs/compat.md), run at load before anything is applied: every
// per-queue part (virtio-1.4 VQ_CFG, VQ_NOTIFY_CFG) or draft PCI_VQ_CFG
// entry names a queue below the num-queues the destination will run with
// (compat.CheckPartSelectors, compat.CheckContextSelectors). A 1.4 payload
// is either a run of parts (save/load) or a VFIO stream of records
// (vfio-write); a payload that does not read as a stream is taken as parts.
func CheckSelectors(ed spec.Edition, payload []byte, plan compat.LoadPlan, at compat.Where) error {
	if ed == spec.Draft2023 {
		return compat.CheckContextSelectors(payload, plan, at)
	}
	runs := streamRecords(payload)
	if len(runs) == 0 {
		runs = [][]byte{payload}
	}
	return compat.CheckPartSelectors(runs, plan, at)
}
