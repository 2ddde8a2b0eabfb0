package trace

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/oracle"
)

// TestWriteReportVerdict: the Verdict section names an oracle's finding a
// violation of it and a flow error (the hypervisor's flow stopped: what a
// row expecting `error owner-reset` expects) a flow error, with the step
// the run ended at, never "Violation of `error:owner-reset`", which
// contradicts the expectation printed under it.
func TestWriteReportVerdict(t *testing.T) {
	require.Equal(t, oracle.ErrorPrefix, flowErrorPrefix)
	sc := &schedfile.Schedule{Scenario: "fixture", Edition: "virtio-1.4", Strategy: "random"}
	cases := []struct {
		name      string
		finding   *engine.Finding
		want, not string
	}{
		{"oracle", &engine.Finding{Oracle: "transparent", Step: 9, Message: "the guest can tell it moved"},
			"**Violation of `transparent`** after step 10: the guest can tell it moved\n\n", "Flow error"},
		{"flow error", &engine.Finding{Oracle: "error:owner-reset", Step: 71, Message: "x.scn:53: vfio: DEV_MODE_SET: owner device reset"},
			"**Flow error `owner-reset`**: the hypervisor's migration flow stopped with an error no oracle claimed, " +
				"judged when the run ended (after step 72): x.scn:53: vfio: DEV_MODE_SET: owner device reset\n\n",
			"Violation of"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b strings.Builder
			require.NoError(t, WriteReport(&b, &Report{Schedule: sc, SchedulePath: "f.json",
				Result: engine.Result{Finding: c.finding}, Events: exportFixture()}))
			assert.Contains(t, b.String(), c.want)
			assert.NotContains(t, b.String(), c.not)
		})
	}
}
