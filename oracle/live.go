package oracle

import (
	"errors"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/world/observe"
)

// Live is the live oracle's registry entry: no admin command waits forever.
// The engine reports the rest of liveness under the same name (a deadlock,
// the step bound; see Verdicts).
var Live observe.FinishOracle = live{}

type live struct{}

var liveInfo = observe.OracleInfo{
	Name: engine.OracleLive,
	Doc:  "every actor finishes within the step bound; no admin command waits forever",
	Observes: "an admin command whose completion the owner driver waited for and never got: nothing else " +
		"could run, so the hypervisor's flow stopped on it",
}

func (live) Info() observe.OracleInfo { return liveInfo }

// CheckFinish turns a flow that stopped because the hypervisor's admin
// command never completed into a `live` finding rather than the error
// verdict `error:no-completion`: a hang, not a named error.
func (live) CheckFinish(p *observe.FinishPass) {
	if p.Flow == nil || !errors.Is(p.Flow.Err, owner.ErrNoCompletion) {
		return
	}
	p.Report([]string{p.Flow.Actor}, "%s", p.Flow.Message)
}
