package oracle

import (
	"slices"

	"github.com/migsim/migsim/engine"
)

// Verdict is a name a finding can carry that is not an oracle's: nothing in
// the registry checks it; the part of migsim that reports it is ReportedBy.
type Verdict struct {
	// Name is the finding's oracle field ("error:NAME" stands for every
	// flow error).
	Name string `json:"name"`
	// Doc is its one-line meaning.
	Doc string `json:"meaning"`
	// ReportedBy names the package that reports it and where.
	ReportedBy string `json:"reported_by"`
}

// ErrorPrefix starts the name of a flow error's verdict ("error:EINVAL/INVALID_FIELD").
const ErrorPrefix = "error:"

var verdicts = []Verdict{
	{Name: ErrorPrefix + "NAME", ReportedBy: "world (World.Finish)",
		Doc: "the hypervisor's flow stopped with the named error and no oracle claimed it: an admin status " +
			"(`EINVAL/INVALID_FIELD`; the finding's message ends with the member's own reason from its trace notes, " +
			"`(dst.vf1: DEV_CTX_WRITE outside Freeze)`, which the host does not see), `owner-reset`, `needs-reset`, `not-supported`, `incompatible`, `corrupt`, " +
			"`not-migratable` (the owner driver's admin initialisation left the VFs without migration support), " +
			"`vf-reset` (a reset of the VF ended its VFIO migration session: reset_done disabled the data FD), " +
			"`fd-out-of-sync` (QEMU's data_fd out of sync), `fd-disabled` (a data FD in its error state), " +
			"`no-object-id` (every resource object id of the owner is in use), " +
			"`unexpected-success` (an operation marked fails=NAME succeeded), " +
			"`host-failed` (an operation addressed a host the program crashed with fail HOST), `n/a:WORD` (the flow used a verb or mode " +
			"WORD the edition lacks: what an `n/a WORD` row expects), `flow` (any other flow error), or " +
			"`no-completion` when the `live` oracle is not run"},
	{Name: "scenario", ReportedBy: "world (guest and peer actors)",
		Doc: "the scenario asks for an operation the world cannot run; it never matches an expectation"},
	{Name: "reference", ReportedBy: "catalog (Judge)",
		Doc: "the run without migration already reported a finding, so the scenario or the world is broken; it never matches an expectation"},
	{Name: engine.OraclePanic, ReportedBy: "engine (the scheduler)",
		Doc: "the simulator (or a device under test) panicked; the finding carries the first frames of the stack"},
	{Name: engine.OracleLive, ReportedBy: "engine (the scheduler)",
		Doc: "nothing can run, no timer is pending and the run is not done (a deadlock), or the step bound was exceeded; " +
			"the `live` oracle adds an admin command that never completed"},
}

// Verdicts returns the verdict names that are not oracles.
func Verdicts() []Verdict { return slices.Clone(verdicts) }
