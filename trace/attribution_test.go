package trace

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/world/record"
)

// functionOfRID names the function a routing ID belongs to in the
// catalog's hosts (PF at devfn 0, VF n at devfn n).
func functionOfRID(r pcie.RID) string {
	if r&0xff == 0 {
		return "pf"
	}
	return "vf" + strconv.Itoa(int(r&0xff))
}

// Every regression trace attributes interrupts, completions and admin
// commands as a bus analyzer would: an MSI-X under the function whose RID
// it carries, a TLP's completer the function it was routed to, a
// completion's requester the original requester, admin records with the
// whole command and result.
func TestTraceAttribution(t *testing.T) {
	for _, tr := range regressTraces(t) {
		var lastReq pcie.RID
		for i, e := range tr.events {
			at := tr.name + " event " + strconv.Itoa(i)
			from, to := Endpoints(&e)
			switch e.Kind {
			case record.TraceMSIX:
				assert.Equal(t, functionOfRID(e.MSIX.Source), e.Target, at)
				assert.Equal(t, functionName(e.Host, e.Target), from, at)
			case record.TraceTLP:
				assert.Equal(t, functionOfRID(e.TLP.Completer), e.Target, "%s: completer %s", at, e.TLP.Completer)
				if e.TLP.Kind == pcie.Completion {
					assert.Equal(t, lastReq, e.TLP.Requester, "%s: a completion goes back to its requester", at)
					assert.Equal(t, functionName(e.Host, e.Target), from, at)
				} else {
					lastReq = e.TLP.Requester
					assert.Equal(t, functionName(e.Host, e.Target), to, at)
				}
			case record.TraceAdmin:
				s := SummarizeAdmin(e.Edition, e.Admin, e.AdminResult)
				assert.True(t, s.HasHeader && s.HasStatus, "%s: admin record without header or status", at)
				if s.ModeSet {
					assert.True(t, s.HasMode, "%s: DEV_MODE_SET without its data", at)
				}
				assert.Equal(t, "pf", e.Target, at)
			case record.TraceDMA:
				assert.True(t, strings.HasSuffix(to, ".mem"), at)
			}
		}
	}
}
