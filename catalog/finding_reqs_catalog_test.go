package catalog

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestFindingReqsOfCatalogRows: what the catalog's counterexamples name
// follows what the host observed of their runs.
func TestFindingReqsOfCatalogRows(t *testing.T) {
	for _, tc := range []struct {
		file, why string
		want      []string
	}{
		{"freeze-without-halting-vcpus_draft-2023.json",
			"the hypervisor froze the member while the vCPUs ran: its rule alone", []string{"DRAFT-FLOW-02"}},
		{"doorbell-in-flight-at-halt_draft-2023_set-posted-writes=in-flight-unordered.json",
			"a vCPU's posted write landed in Freeze: the hypervisor's", []string{"DRAFT-FLOW-02"}},
		{"peer-devcfg-write-quiesced_draft-2023.json",
			"the peer's write reached the member in Freeze, nothing in Stop: no Stop rule", []string{"DRAFT-CTX-01", "DRAFT-FRZ-03", "DRAFT-PCI-01"}},
		{"wce-write-during-stop_draft-2023_stop-config-write=ignore.json",
			"the guest's write reached the member in Stop, none in Freeze", []string{"DRAFT-STOP-03", "DRAFT-CTX-01"}},
		{"vm-p2p-doorbells-no-stop_draft-2023.json",
			"sources frozen without Stop and a peer's kick reached a frozen VF: the broken SHOULD with the device's rules",
			[]string{"DRAFT-CTX-01", "DRAFT-FLOW-01", "DRAFT-FRZ-01"}},
		{"net-tx-reexecuted_draft-2023_reexec=all.json",
			"the destination sent again a frame the source had sent: the source's record of execution (NET_INFLIGHT), not the context write",
			[]string{"DRAFT-CTX-09"}},
		{"kick-reaches-stopped-device_virtio-1.4_resume-avail=latched-only.json",
			"virtio-1.4 lets a stopped member take the guest's kicks (no driver rule broken): the device's", []string{"DP-DEV-09", "DP-DEV-10", "DP-DEV-11"}},
		{"kick-during-stop_virtio-1.4_resume-avail=latched-only.json",
			"the vCPUs were halted before the stop: nothing reached the stopped member", []string{"DP-DEV-09", "DP-DEV-11"}},
		{"config-write-in-flight-at-halt_virtio-1.4_set-posted-writes=in-flight-unordered.json",
			"the guest's device-configuration write landed on the stopped member: DP-DRV-03 (a SHOULD) too",
			[]string{"DP-DEV-09", "DP-DEV-10", "DP-DEV-06", "DP-DRV-03"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			_, fd := annotatedRegress(t, filepath.Join(regressDir, tc.file))
			assert.Equal(t, tc.want, fd.Reqs, tc.why)
		})
	}
}

// TestRegress_AnnotationsCurrent: every regression file records the impact
// and the requirements its finding gets now, so the docs rendered from
// them (docs/questions.md) say what a replay says (regenerate with migsim
// run NAME --write-regress).
func TestRegress_AnnotationsCurrent(t *testing.T) {
	for _, f := range regressFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			recorded, derived := annotatedRegress(t, f)
			assert.Equal(t, recorded.Impact, derived.Impact, "impact")
			assert.Equal(t, recorded.ImpactWhy, derived.ImpactWhy, "impact_why")
			assert.Equal(t, recorded.Reqs, derived.Reqs, "reqs")
			assert.Equal(t, recorded.ReqsBroken, derived.ReqsBroken, "reqs_broken")
			assert.Subset(t, derived.Reqs, derived.ReqsBroken, "reqs_broken are among reqs")
			assert.Equal(t, recorded.Actors, derived.Actors, "actors")
		})
	}
}
