package conformance_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// TestSetWhileRunningIsAShould: the device parts text says a device SHOULD
// refuse DEV_PARTS_SET while it is not stopped (DP-DEV-04). A device that
// accepts it is warned of DP-DEV-04, by its device tests and by the two
// rows whose runs assume the refusal, and fails nothing: not ADM-DEV-02
// nor ADM-DEV-03, whose device tests refuse a command a MUST makes the
// device refuse. The same device with a MUST broken besides (the parts of
// DEV_PARTS_GET out of the order DP-DEV-03 fixes) still fails the kit,
// on that MUST.
func TestSetWhileRunningIsAShould(t *testing.T) {
	accepts, ok := mutants.Lookup("accepts-parts-set-while-running")
	require.True(t, ok)
	order, ok := mutants.Lookup("parts-out-of-order")
	require.True(t, ok)
	check := func(t *testing.T, d conformance.Device) *conformance.Report {
		t.Helper()
		rep, err := conformance.Check(d, conformance.Short(), conformance.Editions(spec.Virtio14),
			conformance.Scenarios("refused-commands", "vfio-error-paths"), conformance.ReplayDir(t.TempDir()))
		require.NoError(t, err)
		for _, q := range rep.Requirements {
			if q.ID == "DP-DEV-04" {
				assert.Equal(t, "warn", q.Verdict, "DP-DEV-04")
			}
		}
		return rep
	}

	rep := check(t, conformance.FactoryDevice("accepts", accepts.Factory(blk.New)))
	assert.False(t, rep.Failed())
	assert.Empty(t, rep.FailedRequirements())
	for _, q := range rep.Requirements {
		if q.ID == "ADM-DEV-02" || q.ID == "ADM-DEV-03" {
			assert.Equal(t, "pass", q.Verdict, q.ID)
		}
	}
	for _, name := range []string{"DP-DEV-04/virtio-1.4/set-while-running-fails", "ADM-DEV-02/virtio-1.4/refusals-einval-qualifier",
		"refused-commands/virtio-1.4", "vfio-error-paths/virtio-1.4"} {
		u, ok := rep.Unit(name)
		require.True(t, ok, name)
		assert.Equal(t, "warn", u.Verdict, name)
		require.NotEmpty(t, u.Failures, name)
		assert.Equal(t, []string{"DP-DEV-04"}, u.Failures[0].Requirements, name)
	}
	var text, junit bytes.Buffer
	require.NoError(t, rep.Write("text", &text))
	require.NoError(t, rep.Write("junit", &junit))
	assert.Contains(t, text.String(), "\nwarnings (SHOULD statements not followed):\n")
	assert.Contains(t, text.String(), "\nDP-DEV-04      SHOULD Warn ")
	assert.True(t, strings.Contains(junit.String(), `<skipped message="warning: SHOULD not followed: refused-commands/virtio-1.4: oracle admin-status`),
		"the JUnit report shows the row's warning")

	rep = check(t, conformance.FactoryDevice("accepts-out-of-order", accepts.Factory(order.Factory(blk.New))))
	assert.True(t, rep.Failed(), "a MUST broken besides fails the kit")
	assert.Contains(t, rep.FailedRequirements(), "DP-DEV-03")
	assert.NotContains(t, rep.FailedRequirements(), "DP-DEV-04")
}
