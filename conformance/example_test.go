package conformance_test

import (
	"fmt"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
)

// conformanceTest is the test a device implementer writes, with their
// factory in place of f (and *testing.T in place of the Recorder):
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, mydevice.New, conformance.Knobs("flr-vs-mode=hold-reply"))
//	}
func conformanceTest[X conformance.T[X]](t X, f member.Factory, opts ...conformance.Option) *conformance.Report {
	return conformance.Run(t, f, opts...)
}

// ExampleRun runs the kit on the reference virtio-blk under a Recorder,
// limited to one scenario with the short budget; the device tests run
// whole.
func ExampleRun() {
	rec := conformance.NewRecorder("TestConformance")
	rep := conformanceTest(rec, blk.New, conformance.Short(), conformance.Scenarios("smoke-migrate"))
	fmt.Println("failed:", rec.Failed())
	fmt.Println("failed requirements:", rep.FailedRequirements())
	u, _ := rep.Unit("smoke-migrate/virtio-1.4")
	fmt.Printf("%s: %s (%s)\n", u.Name, u.Verdict, u.Explored)
	u, _ = rep.Unit("DRAFT-MODE-04/draft-2023/mode-get-follows-mode-set")
	fmt.Printf("%s: %s %v\n", u.Name, u.Verdict, u.Requirements)
	// Output:
	// failed: false
	// failed requirements: []
	// smoke-migrate/virtio-1.4: pass (random 30 schedules; pct 30 schedules; bound 2 not exhausted: run budget of 30 spent, 2 interleavings (28 runs ended at states already explored))
	// DRAFT-MODE-04/draft-2023/mode-get-follows-mode-set: pass [DRAFT-MODE-04]
}
