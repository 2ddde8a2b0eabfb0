package devicetest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/conformance/mutants"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/spec"
)

// TestSplitWriteMessagesInHex: a queue address half the device lost is
// reported in hex, as addresses are everywhere else (docs/context-format.md
// prints PCI_COMMON_RUNTIME_CFG's halves so), not as a decimal number.
func TestSplitWriteMessagesInHex(t *testing.T) {
	m, ok := mutants.Lookup("loses-half-written-queue-address")
	require.True(t, ok)
	dt := testNamed(t, "PCI-DEV-02", "halves-across-modes")
	res := Run(dt, spec.Draft2023, spec.DefaultRules(spec.Draft2023), m.Factory(membernet.New), extdevice.TypeNet)
	require.NotEmpty(t, res.Failures)
	var msgs []string
	for _, f := range res.Failures {
		msgs = append(msgs, f.Message)
	}
	all := strings.Join(msgs, "\n")
	assert.Contains(t, all, "queue 1 (transmitq1)'s queue_desc lo in Stop, written before the move: got 0x0, want 0x11112000",
		"the register, its half, its queue, when it was written and the mode it is read in")
	assert.NotContains(t, all, "286335488", "0x11112000 in decimal")
}
